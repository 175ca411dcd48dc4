import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
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

  it('orders runs started in the same second by when they were written, not by their random suffix', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pathproof-retention-'));
    // Three runs in one second; by name the newest ("0001") would sort first and be removed.
    const [oldest, middle, newest] = ['2026-11-22T09-00-00Z-ffff', '2026-11-22T09-00-00Z-8888', '2026-11-22T09-00-00Z-0001'];
    makeRun(root, '2026-11-22T08-59-59Z-0000');
    for (const [index, name] of [oldest, middle, newest].entries()) {
      makeRun(root, name);
      const at = new Date(Date.UTC(2026, 10, 22, 9, 0, 0, 100 + index * 300));
      utimesSync(join(root, name, 'run.json'), at, at);
    }
    expect(await pruneRuns(root, 2)).toEqual(['2026-11-22T08-59-59Z-0000', oldest]);
    expect(existsSync(join(root, middle))).toBe(true);
    expect(existsSync(join(root, newest))).toBe(true);
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
