/**
 * `--reporter junit=out/junit.xml,html=out/report`: a copy of one report at a fixed path,
 * where a CI job looks for it (Playwright's `name=path` convention). Every run still writes
 * its full directory; a copy is taken from it when the run ends, so it is byte for byte the
 * report in the run directory, and it runs after the reporters that write those files (the
 * multiplexer calls reporters in order). A copy that cannot be written is a reporter
 * failure like any other: reported, never the verdict.
 *
 * `html=DIR` copies `index.html` with what its links point to (`run.json`, `evidence/`),
 * so the directory can be published or uploaded as an artifact on its own.
 */
import { cp, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeTextAtomic } from './atomic.js';
import type { Reporter } from './reporter.js';

export type ReportCopyKind = 'junit' | 'html' | 'json' | 'ctrf' | 'summary';

/** The file each kind is in the run directory. */
export const REPORT_FILES = {
  junit: 'junit.xml',
  json: 'run.json',
  ctrf: 'ctrf.json',
  summary: 'summary.md',
  html: 'index.html',
} as const satisfies Record<ReportCopyKind, string>;

async function copyFileAtomic(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await writeTextAtomic(to, await readFile(from, 'utf8'));
}

/** A reporter that copies the run directory's `kind` report to `target` (absolute) when the run ends. */
export function reportCopyReporter(kind: ReportCopyKind, target: string, label = `${kind}=${target}`): Reporter {
  let runDir: string | undefined;
  return {
    name: label,
    onRunStart(start) {
      runDir = start.runDir;
    },
    async onRunEnd() {
      if (!runDir || resolve(target) === resolve(kind === 'html' ? runDir : join(runDir, REPORT_FILES[kind]))) return;
      if (kind !== 'html') {
        await copyFileAtomic(join(runDir, REPORT_FILES[kind]), target);
        return;
      }
      await mkdir(target, { recursive: true });
      await copyFileAtomic(join(runDir, 'run.json'), join(target, 'run.json'));
      try {
        await cp(join(runDir, 'evidence'), join(target, 'evidence'), { recursive: true, force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      // Last, so a page in the directory always finds what it links to.
      await copyFileAtomic(join(runDir, REPORT_FILES.html), join(target, REPORT_FILES.html));
    },
  };
}
