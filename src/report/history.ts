/**
 * The history index under the report root: per journey, its latest outcome and layer by
 * environment, so each result can be compared with its previous run (transitions) and
 * `--rerun-failed` can find the latest run.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Layer, Outcome, RunResult } from '../result/types.js';
import { writeJsonAtomic } from './json.js';

export interface HistoryEntry {
  readonly runId: string;
  readonly outcome: Outcome;
  readonly layer?: Layer;
}

export interface HistoryIndex {
  previous(journey: string, env: string | undefined): HistoryEntry | undefined;
}

interface HistoryFile {
  readonly version: 1;
  readonly runs: readonly { runId: string; startedAt: string; env?: string; outcome: Outcome; dir?: string }[];
  /** journey → env ('' for none) → latest entry */
  readonly journeys: Readonly<Record<string, Readonly<Record<string, HistoryEntry>>>>;
}

const FILE = 'history.json';
const MAX_RUNS = 200;

async function readFileJson(root: string): Promise<HistoryFile | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as HistoryFile;
  if (parsed?.version !== 1 || typeof parsed.journeys !== 'object' || !Array.isArray(parsed.runs)) {
    throw new Error(`${FILE} has an unknown shape`);
  }
  return parsed;
}

export async function readHistory(root: string): Promise<{ ok: true; index: HistoryIndex } | { ok: false; warning: string }> {
  try {
    const file = await readFileJson(root);
    return {
      ok: true,
      index: { previous: (journey, env) => file?.journeys[journey]?.[env ?? ''] },
    };
  } catch (error) {
    return { ok: false, warning: `transitions unavailable: could not read ${join(root, FILE)} (${(error as Error).message})` };
  }
}

export async function appendHistory(root: string, run: RunResult, dir?: string): Promise<void> {
  let file: HistoryFile | undefined;
  try {
    file = await readFileJson(root);
  } catch {
    file = undefined; // corrupt: start a new index rather than fail
  }
  const env = run.trigger.env ?? '';
  const journeys: Record<string, Record<string, HistoryEntry>> = {};
  for (const [name, byEnv] of Object.entries(file?.journeys ?? {})) journeys[name] = { ...byEnv };
  for (const journey of run.journeys) {
    if (journey.outcome === 'skipped') continue;
    journeys[journey.name] = {
      ...journeys[journey.name],
      [env]: { runId: run.runId, outcome: journey.outcome, ...(journey.layer ? { layer: journey.layer } : {}) },
    };
  }
  const runs = [
    ...(file?.runs ?? []),
    { runId: run.runId, startedAt: run.startedAt, outcome: run.outcome, ...(run.trigger.env ? { env: run.trigger.env } : {}), ...(dir ? { dir } : {}) },
  ].slice(-MAX_RUNS);
  await writeJsonAtomic(join(root, FILE), { version: 1, runs, journeys } satisfies HistoryFile);
}
