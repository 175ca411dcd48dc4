/**
 * Report retention: a canary every five minutes writes 288 run directories a day. Only directories
 * that are unmistakably ours (a run-id name with a run.json inside) are ever removed, oldest
 * first; anything else under the report root is left alone.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withDeadline } from './atomic.js';

/** `2026-11-22T09-15-02Z-7f3a`, as makeRunId writes them: sortable by name. */
const RUN_DIR_RE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{4}$/;

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
  const runs: string[] = [];
  for (const name of names.filter((n) => RUN_DIR_RE.test(n)).sort()) {
    const isRun = await stat(join(root, name, 'run.json')).then(
      (s) => s.isFile(),
      () => false,
    );
    if (isRun) runs.push(name);
  }
  const protectedNames = new Set(protect);
  const removable = runs.slice(0, Math.max(0, runs.length - keep)).filter((name) => !protectedNames.has(name));
  const removed: string[] = [];
  for (const name of removable) {
    // force: a concurrent prune (two runs finishing together) may have removed it already.
    await rm(join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
