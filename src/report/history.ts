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
export async function readHistory(root: string): Promise<{ ok: true; index: HistoryIndex } | { ok: false; warning: string }> {
  try {
    return { ok: true, index: indexOf(await readIndexFile(root)) };
  } catch (error) {
    const why = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message;
    return {
      ok: false,
      warning: `transitions unavailable: could not read ${join(root, HISTORY_FILE)} (${why}); it is rewritten after this run`,
    };
  }
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
  let file: HistoryFile | undefined;
  try {
    file = await readIndexFile(root);
  } catch {
    file = undefined; // corrupt: start a fresh index rather than fail
  }
  await ensureDir(root);
  await writeJsonAtomic(join(root, HISTORY_FILE), recordRun(file, run, dir));
}

/** Serialises appends per report root, so concurrent runs of one process never lose an update. */
export interface HistoryWriter {
  append(root: string, run: RunResult, dir?: string): Promise<void>;
}

export function createHistoryWriter(): HistoryWriter {
  const chains = new Map<string, Promise<void>>();
  return {
    append(root, run, dir) {
      const previous = chains.get(root) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => appendHistory(root, run, dir));
      chains.set(root, next);
      // Forget finished chains so a long-running serve does not keep one per root forever.
      void next.finally(() => {
        if (chains.get(root) === next) chains.delete(root);
      }).catch(() => undefined);
      return next;
    },
  };
}
