import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneRuns } from './retention.js';

function makeRun(root: string, name: string, withRunJson = true): void {
  mkdirSync(join(root, name), { recursive: true });
  if (withRunJson) writeFileSync(join(root, name, 'run.json'), '{}');
}

describe('pruneRuns', () => {
  it('removes the oldest run directories beyond the limit and nothing that is not a run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pathproof-retention-'));
    const names = ['2026-11-22T09-00-00Z-aaaa', '2026-11-22T09-05-00Z-bbbb', '2026-11-22T09-10-00Z-cccc', '2026-11-22T09-15-00Z-dddd'];
    for (const name of names) makeRun(root, name);
    makeRun(root, 'my-notes'); // not a run id: never touched
    makeRun(root, '2026-11-22T08-00-00Z-eeee', false); // no run.json: not ours to delete
    writeFileSync(join(root, 'history.json'), '{}');

    const removed = await pruneRuns(root, 2);

    expect(removed).toEqual(['2026-11-22T09-00-00Z-aaaa', '2026-11-22T09-05-00Z-bbbb']);
    for (const name of names.slice(2)) expect(existsSync(join(root, name))).toBe(true);
    expect(existsSync(join(root, 'my-notes'))).toBe(true);
    expect(existsSync(join(root, '2026-11-22T08-00-00Z-eeee'))).toBe(true);
    expect(existsSync(join(root, 'history.json'))).toBe(true);
  });

  it('never removes a protected run, and does nothing without a limit or a root', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pathproof-retention-'));
    makeRun(root, '2026-11-22T09-00-00Z-aaaa');
    makeRun(root, '2026-11-22T09-05-00Z-bbbb');
    expect(await pruneRuns(root, 1, ['2026-11-22T09-00-00Z-aaaa'])).toEqual([]);
    expect(await pruneRuns(root, 0)).toEqual([]);
    expect(await pruneRuns(join(root, 'missing'), 1)).toEqual([]);
  });
});
