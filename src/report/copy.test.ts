import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCopyReporter } from './copy.js';
import { multiplex } from './reporter.js';
import { MIXED_RUN } from './run.fixtures.js';

async function runDirWithReports(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pathproof-copy-'));
  const runDir = join(dir, 'reports', MIXED_RUN.runId);
  mkdirSync(join(runDir, 'evidence', 'refund-api', 'attempt-1'), { recursive: true });
  writeFileSync(join(runDir, 'junit.xml'), '<testsuites/>\n');
  writeFileSync(join(runDir, 'run.json'), '{"runId":"x"}\n');
  writeFileSync(join(runDir, 'index.html'), '<a href="evidence/refund-api/attempt-1/page.png">page</a>\n');
  writeFileSync(join(runDir, 'evidence', 'refund-api', 'attempt-1', 'page.png'), 'png');
  return runDir;
}

const start = (runDir: string) => ({ runId: MIXED_RUN.runId, startedAt: MIXED_RUN.startedAt, trigger: MIXED_RUN.trigger, runDir, journeys: [], concurrency: 1 });

describe('reportCopyReporter', () => {
  it('copies a file report byte for byte to a path whose directories it creates', async () => {
    const runDir = await runDirWithReports();
    const target = join(runDir, '..', '..', 'out', 'ci', 'junit.xml');
    const reporter = reportCopyReporter('junit', target);
    await reporter.onRunStart?.(start(runDir));
    await reporter.onRunEnd?.(MIXED_RUN);
    expect(readFileSync(target, 'utf8')).toBe('<testsuites/>\n');
  });

  it('copies html with what the page links to (run.json, evidence/)', async () => {
    const runDir = await runDirWithReports();
    const target = join(runDir, '..', '..', 'out', 'report');
    const reporter = reportCopyReporter('html', target);
    await reporter.onRunStart?.(start(runDir));
    await reporter.onRunEnd?.(MIXED_RUN);
    for (const file of ['index.html', 'run.json', 'evidence/refund-api/attempt-1/page.png']) expect(existsSync(join(target, file)), file).toBe(true);
  });

  it('a copy that cannot be made is a reporter failure, never an exception out of the run', async () => {
    const runDir = await runDirWithReports();
    const blocker = join(runDir, '..', '..', 'blocker');
    writeFileSync(blocker, 'a file where a directory should be');
    const mux = multiplex([reportCopyReporter('json', join(blocker, 'run.json'), 'json=blocker/run.json')]);
    await mux.onRunStart(start(runDir));
    await mux.onRunEnd(MIXED_RUN);
    expect(mux.failures).toEqual([expect.objectContaining({ reporter: 'json=blocker/run.json', hook: 'onRunEnd', essential: false })]);
  });
});
