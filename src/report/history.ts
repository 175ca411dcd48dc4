/**
 * The history index under the report root (`<reportDir>/history.json`): the latest runs
 * (id, time, environment, outcome, directory) and, per journey and environment, the
 * latest outcome, layer and failing HTTP status, so each result can be compared with its previous run
 * (transitions) and `--rerun-failed` can find the latest run.
 *
 * Decisions and hazards:
 * - A missing index is normal (first run). A corrupt one (hand-edited, truncated by a full
 *   disk) NEVER fails a run: reading says why transitions are unavailable, and the next
 *   append starts a fresh index in its place.
 * - Entries are checked one by one: a bad entry (unknown layer, missing run id) is dropped,
 *   not trusted, so a transition is never computed from garbage.
 * - Environments are kept apart (`--env staging` is compared with staging only); no
 *   `--env` is the key `""`.
 * - Writes go through a uniquely named temporary file and a rename, so a reader never sees
 *   half a file. Appends are read-modify-write, so concurrent runs in one process (serve)
 *   go through one `HistoryWriter`, which serialises them per root; two *processes*
 *   appending at the same instant can still lose one update (last rename wins): the index
 *   is a convenience, run.json is the record.
 */
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import type { Layer, Outcome, RunResult } from '../result/types.js';
import { LAYERS, OUTCOMES } from '../result/types.js';
import { failureStatus } from '../classify/failure-status.js';
import { writeJsonAtomic } from './json.js';
import { ensureDir } from './atomic.js';
import { describeReadProblem, readRegularFile } from '../files/read-regular.js';

/** The latest result of one journey in one environment. */
export interface HistoryEntry {
  readonly runId: string;
  readonly outcome: Outcome;
  readonly layer?: Layer;
  /** The HTTP status its failure was decided on (`404` of `404 → 401`), when it had one. */
  readonly status?: number;
  /** When that run started (ISO 8601). */
  readonly startedAt?: string;
}

/** One run in the index, newest last. */
export interface HistoryRun {
  readonly runId: string;
  readonly startedAt: string;
  readonly env?: string;
  readonly outcome: Outcome;
  /** The run's directory (run.json), absolute. */
  readonly dir?: string;
}

export interface HistoryIndex {
  /** The journey's latest recorded result in `env` (undefined env = runs without --env). */
  previous(journey: string, env: string | undefined): HistoryEntry | undefined;
  /** Recorded runs, oldest first; with `env`, only that environment's. */
  runs(env?: string): readonly HistoryRun[];
}

interface HistoryFile {
  readonly version: 1;
  readonly runs: readonly HistoryRun[];
  /** journey → env ('' for none) → latest entry */
  readonly journeys: Readonly<Record<string, Readonly<Record<string, HistoryEntry>>>>;
}

export const HISTORY_FILE = 'history.json';
/** Runs kept in the index; journeys keep only their latest entry per environment. */
export const MAX_HISTORY_RUNS = 200;

const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);
const LAYER_SET: ReadonlySet<string> = new Set(LAYERS);

class HistoryShapeError extends Error {
  override readonly name = 'HistoryShapeError';
  readonly code = 'PATHPROOF_HISTORY_INVALID';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toEntry(value: unknown): HistoryEntry | undefined {
  if (!isRecord(value)) return undefined;
  const { runId, outcome, layer, status, startedAt } = value;
  if (typeof runId !== 'string' || typeof outcome !== 'string' || !OUTCOME_SET.has(outcome)) return undefined;
  if (layer !== undefined && (typeof layer !== 'string' || !LAYER_SET.has(layer))) return undefined;
  return {
    runId,
    outcome: outcome as Outcome,
    ...(layer === undefined ? {} : { layer: layer as Layer }),
    // A status that is not an HTTP status is dropped, not trusted (the entry itself is still good).
    ...(typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? { status } : {}),
    ...(typeof startedAt === 'string' ? { startedAt } : {}),
  };
}

function toRun(value: unknown): HistoryRun | undefined {
  if (!isRecord(value)) return undefined;
  const { runId, startedAt, env, outcome, dir } = value;
  if (typeof runId !== 'string' || typeof startedAt !== 'string' || typeof outcome !== 'string' || !OUTCOME_SET.has(outcome)) return undefined;
  return {
    runId,
    startedAt,
    outcome: outcome as Outcome,
    ...(typeof env === 'string' && env !== '' ? { env } : {}),
    ...(typeof dir === 'string' ? { dir } : {}),
  };
}

/** Parses the index text, keeping only well-formed entries. Throws on JSON or top-level shape errors. */
export function parseHistory(text: string): HistoryFile {
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed) || parsed.version !== 1 || !isRecord(parsed.journeys) || !Array.isArray(parsed.runs)) {
    throw new HistoryShapeError('unknown shape (expected { version: 1, runs: [], journeys: {} })');
  }
  const journeys: Record<string, Record<string, HistoryEntry>> = {};
  for (const [name, byEnv] of Object.entries(parsed.journeys)) {
    if (!isRecord(byEnv)) continue;
    const kept: Record<string, HistoryEntry> = {};
    for (const [env, raw] of Object.entries(byEnv)) {
      const entry = toEntry(raw);
      if (entry) kept[env] = entry;
    }
    journeys[name] = kept;
  }
  const runs = parsed.runs.map(toRun).filter((run): run is HistoryRun => run !== undefined);
  return { version: 1, runs, journeys };
}

/** The index is small (MAX_HISTORY_RUNS runs); anything far larger is not ours. */
const MAX_HISTORY_BYTES = 16 * 1024 * 1024;

async function readIndexFile(root: string): Promise<HistoryFile | undefined> {
  // A regular file only, bounded in size and time: a FIFO or a hung mount under the report
  // root must not stop a run before its first journey.
  const read = await readRegularFile(join(root, HISTORY_FILE), { maxBytes: MAX_HISTORY_BYTES });
  if (!read.ok) {
    if (read.code === 'ERRNO' && read.errno === 'ENOENT') return undefined;
    throw new Error(describeReadProblem(read));
  }
  return parseHistory(read.bytes.toString('utf8'));
}

function indexOf(file: HistoryFile | undefined): HistoryIndex {
  return {
    previous: (journey, env) => (file !== undefined && Object.hasOwn(file.journeys, journey) ? file.journeys[journey]?.[env ?? ''] : undefined),
    runs: (env) => (file?.runs ?? []).filter((run) => env === undefined || (run.env ?? '') === env),
  };
}

/**
 * Reads the index under `root`. Missing → an empty index. Unreadable or corrupt → a
 * warning ("transitions unavailable: …"); the caller runs on without transitions.
 */
export type HistoryRead = { ok: true; index: HistoryIndex } | { ok: false; warning: string };

export async function readHistory(root: string): Promise<HistoryRead> {
  try {
    return { ok: true, index: indexOf(await readIndexFile(root)) };
  } catch (error) {
    return historyWarning(root, error);
  }
}

function historyWarning(root: string, error: unknown): { ok: false; warning: string } {
  const why = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message;
  return {
    ok: false,
    warning: `transitions unavailable: could not read ${join(root, HISTORY_FILE)} (${why}); it is rewritten after this run`,
  };
}

/** The index with `run` recorded: skipped journeys keep their previous entry. Pure. */
export function recordRun(file: HistoryFile | undefined, run: RunResult, dir?: string): HistoryFile {
  const env = run.trigger.env ?? '';
  const journeys: Record<string, Record<string, HistoryEntry>> = {};
  for (const [name, byEnv] of Object.entries(file?.journeys ?? {})) journeys[name] = { ...byEnv };
  for (const journey of run.journeys) {
    if (journey.outcome === 'skipped') continue;
    const status = failureStatus(journey);
    journeys[journey.name] = {
      ...journeys[journey.name],
      [env]: {
        runId: run.runId,
        outcome: journey.outcome,
        ...(journey.outcome === 'failed' || (journey.outcome === 'flaky' && journey.layer !== undefined) ? { layer: journey.layer } : {}),
        ...(status !== undefined ? { status } : {}),
        startedAt: journey.startedAt ?? run.startedAt,
      },
    };
  }
  const runs: HistoryRun[] = [
    ...(file?.runs ?? []),
    { runId: run.runId, startedAt: run.startedAt, outcome: run.outcome, ...(run.trigger.env ? { env: run.trigger.env } : {}), ...(dir ? { dir } : {}) },
  ].slice(-MAX_HISTORY_RUNS);
  return { version: 1, runs, journeys };
}

/**
 * Records a finished run in the index under `root` (created if missing). A corrupt index
 * is replaced by a fresh one; only I/O errors (unwritable root) reject.
 */
export async function appendHistory(root: string, run: RunResult, dir?: string): Promise<void> {
  await appendWith(root, run, dir, readIndexOrFresh);
}

async function readIndexOrFresh(root: string): Promise<HistoryFile | undefined> {
  try {
    return await readIndexFile(root);
  } catch {
    return undefined; // corrupt: start a fresh index rather than fail
  }
}

async function appendWith(root: string, run: RunResult, dir: string | undefined, read: (root: string) => Promise<HistoryFile | undefined>): Promise<HistoryFile> {
  const file = recordRun(await read(root), run, dir);
  await ensureDir(root);
  await writeJsonAtomic(join(root, HISTORY_FILE), file);
  return file;
}

/**
 * Serialises appends per report root, so concurrent runs of one process never lose an update.
 * It also keeps the index it last read or wrote, with the identity of the file it came from
 * (device, inode, size, mtime: every write is a new inode, by rename): while the file on disk is
 * that one, reading it again is one stat instead of a read and a parse. A canary with a thousand
 * journeys reads and writes an index of a thousand entries after every run (issue #16). Another
 * process's write (a `pathproof run` into the same root) is a new file: read again.
 */
export interface HistoryWriter {
  append(root: string, run: RunResult, dir?: string): Promise<void>;
  /** readHistory, from what the writer already holds while the file has not changed. */
  read(root: string): Promise<HistoryRead>;
}

const identityOf = (stats: Stats): string => `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;

export function createHistoryWriter(): HistoryWriter {
  const chains = new Map<string, Promise<void>>();
  const held = new Map<string, { identity: string; file: HistoryFile | undefined }>();
  const fileIdentity = (root: string): Promise<string | undefined> =>
    stat(join(root, HISTORY_FILE)).then(
      (stats) => (stats.isFile() ? identityOf(stats) : undefined),
      () => undefined,
    );
  /** The index on disk: the one held while the file is the same, else read (and held). Throws as readIndexFile. */
  const current = async (root: string): Promise<HistoryFile | undefined> => {
    const identity = await fileIdentity(root);
    const kept = held.get(root);
    if (identity !== undefined && kept?.identity === identity) return kept.file;
    held.delete(root);
    const file = await readIndexFile(root);
    // Replaced between the stat and the read? Then the next stat differs and it is read again.
    if (identity !== undefined) held.set(root, { identity, file });
    return file;
  };
  const append = async (root: string, run: RunResult, dir?: string): Promise<void> => {
    const file = await appendWith(root, run, dir, (r) => current(r).catch(() => undefined));
    // Another process renaming its index in between our rename and this stat would have its
    // update missed until the file changes again: the same race two processes appending at
    // once already have (above), for an index that is a convenience; run.json is the record.
    const identity = await fileIdentity(root);
    if (identity === undefined) held.delete(root);
    else held.set(root, { identity, file });
  };
  return {
    read: async (root) => {
      try {
        return { ok: true, index: indexOf(await current(root)) };
      } catch (error) {
        return historyWarning(root, error);
      }
    },
    append(root, run, dir) {
      const previous = chains.get(root) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => append(root, run, dir));
      chains.set(root, next);
      // Forget finished chains so a long-running serve does not keep one per root forever.
      void next.finally(() => {
        if (chains.get(root) === next) chains.delete(root);
      }).catch(() => undefined);
      return next;
    },
  };
}
