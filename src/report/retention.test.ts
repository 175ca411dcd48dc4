import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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

describe('pruneRuns in a long-running process (serve)', () => {
  const at = (second: number): string => `2026-11-22T09-00-${String(second).padStart(2, '0')}Z-aaaa`;

  it('remembers the runs it has seen, forgets the ones that are gone, and removes the same ones', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pathproof-retention-'));
    const known = new Map<string, number>();
    for (let s = 0; s < 4; s++) makeRun(root, at(s));
    makeRun(root, at(4), false); // still being written: not a run yet, so not remembered
    expect(await pruneRuns(root, 3, [], undefined, known)).toEqual([at(0)]);
    expect([...known.keys()].sort()).toEqual([at(1), at(2), at(3)]);

    writeFileSync(join(root, at(4), 'run.json'), '{}');
    makeRun(root, at(5));
    expect(await pruneRuns(root, 3, [], undefined, known)).toEqual([at(1), at(2)]);
    expect([...known.keys()].sort()).toEqual([at(3), at(4), at(5)]);
    // Removed by someone else: forgotten, never counted.
    rmSync(join(root, at(3)), { recursive: true });
    expect(await pruneRuns(root, 1, [], undefined, known)).toEqual([at(4)]);
    expect([...known.keys()]).toEqual([at(5)]);
  });

  it('checks a remembered run is still a run before removing it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pathproof-retention-'));
    const known = new Map<string, number>();
    for (let s = 0; s < 3; s++) makeRun(root, at(s));
    expect(await pruneRuns(root, 3, [], undefined, known)).toEqual([]);
    expect(await pruneRuns(root, 2, [], undefined, known)).toEqual([at(0)]);
    // Its run.json taken away after it was remembered: no longer unmistakably ours.
    rmSync(join(root, at(1), 'run.json'));
    makeRun(root, at(3));
    expect(await pruneRuns(root, 2, [], undefined, known)).toEqual([]);
    expect(existsSync(join(root, at(1)))).toBe(true);
    expect(known.has(at(1))).toBe(false);
  });
});
