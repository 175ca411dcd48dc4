/**
 * Report retention: a canary every five minutes writes 288 run directories a day. Only directories
 * that are unmistakably ours (a run-id name with a run.json inside) are ever removed, oldest
 * first; anything else under the report root is left alone.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withDeadline } from './atomic.js';

/** `2026-11-22T09-15-02Z-7f3a`, as makeRunId writes them: sortable by name to the second. */
const RUN_DIR_RE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{4}$/;
/** `2026-11-22T09-15-02Z`: the part of a run id that orders runs (to the second). */
const STAMP_LENGTH = 20;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Pruning is bounded in time like every report operation: a hung report root must not hold the process. */
export function pruneRuns(root: string, keep: number, protect: readonly string[] = [], timeoutMs = 60_000): Promise<string[]> {
  return withDeadline(prune(root, keep, protect), root, timeoutMs);
}

async function prune(root: string, keep: number, protect: readonly string[]): Promise<string[]> {
  if (!Number.isInteger(keep) || keep < 1) return [];
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return []; // no report root yet: nothing to prune
  }
  // Oldest first: by the second the run started (the name), then, for runs started in the same
  // second (a hook re-running at once), by when their run.json was last written — the random
  // suffix says nothing about order, and sorting by it could remove the newest run.
  const runs: { name: string; writtenMs: number }[] = [];
  for (const name of names.filter((n) => RUN_DIR_RE.test(n))) {
    const written = await stat(join(root, name, 'run.json')).then(
      (s) => (s.isFile() ? s.mtimeMs : undefined),
      () => undefined,
    );
    if (written !== undefined) runs.push({ name, writtenMs: written });
  }
  runs.sort((a, b) => compare(a.name.slice(0, STAMP_LENGTH), b.name.slice(0, STAMP_LENGTH)) || a.writtenMs - b.writtenMs || compare(a.name, b.name));
  const protectedNames = new Set(protect);
  const removable = runs
    .slice(0, Math.max(0, runs.length - keep))
    .map((run) => run.name)
    .filter((name) => !protectedNames.has(name));
  const removed: string[] = [];
  for (const name of removable) {
    // force: a concurrent prune (two runs finishing together) may have removed it already.
    await rm(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
