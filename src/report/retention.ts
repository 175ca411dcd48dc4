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

/**
 * What a long-running process (serve) already knows about run directories: name → when its
 * run.json was written. Names are unique (second + random suffix), so a directory seen as a run
 * is not looked at again on every prune: a canary with 500 kept runs would otherwise stat 500
 * files after every run (a quarter of serve's CPU, profiled). Forgotten when the directory is gone.
 */
export type KnownRuns = Map<string, number>;

/** Pruning is bounded in time like every report operation: a hung report root must not hold the process. */
export function pruneRuns(root: string, keep: number, protect: readonly string[] = [], timeoutMs = 60_000, known?: KnownRuns): Promise<string[]> {
  return withDeadline(prune(root, keep, protect, known ?? new Map()), root, timeoutMs);
}

/** When `dir`'s run.json was written, if it is a regular file (what makes the directory a run). */
function runJsonWritten(dir: string): Promise<number | undefined> {
  return stat(join(dir, 'run.json')).then(
    (s) => (s.isFile() ? s.mtimeMs : undefined),
    () => undefined,
  );
}

async function prune(root: string, keep: number, protect: readonly string[], known: KnownRuns): Promise<string[]> {
  if (!Number.isInteger(keep) || keep < 1) return [];
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return []; // no report root yet: nothing to prune
  }
  const candidates = names.filter((n) => RUN_DIR_RE.test(n));
  const listed = new Set(candidates);
  for (const name of known.keys()) if (!listed.has(name)) known.delete(name);
  // No more run-named directories than the limit: nothing can be removed, nothing to look at.
  if (candidates.length <= keep) return [];
  // Oldest first: by the second the run started (the name), then, for runs started in the same
  // second (a hook re-running at once), by when their run.json was last written — the random
  // suffix says nothing about order, and sorting by it could remove the newest run.
  const unknown = candidates.filter((name) => !known.has(name));
  const written = await Promise.all(unknown.map((name) => runJsonWritten(join(root, name))));
  unknown.forEach((name, i) => {
    const at = written[i];
    if (at !== undefined) known.set(name, at);
  });
  const runs = candidates.filter((name) => known.has(name)).map((name) => ({ name, writtenMs: known.get(name) ?? 0 }));
  runs.sort((a, b) => compare(a.name.slice(0, STAMP_LENGTH), b.name.slice(0, STAMP_LENGTH)) || a.writtenMs - b.writtenMs || compare(a.name, b.name));
  const protectedNames = new Set(protect);
  const removable = runs
    .slice(0, Math.max(0, runs.length - keep))
    .map((run) => run.name)
    .filter((name) => !protectedNames.has(name));
  const removed: string[] = [];
  for (const name of removable) {
    // Known from an earlier prune: still a run (someone may have emptied it since)? Only runs are removed.
    if ((await runJsonWritten(join(root, name))) === undefined) {
      known.delete(name);
      continue;
    }
    // force: a concurrent prune (two runs finishing together) may have removed it already.
    await rm(join(root, name), { recursive: true, force: true });
    known.delete(name);
    removed.push(name);
  }
  return removed;
}
