/**
 * `--rerun-failed [RUN_DIR]`: which journeys to run again, and from which files.
 *
 * The run to continue is RUN_DIR when the first path is a run directory (it holds
 * run.json) or a run.json file; otherwise the latest run in the report root's history
 * index (`history.json`), optionally the latest with the same `--env`. Its `failed` and
 * `error` journeys are run again — whole journeys, from their first stage, so every
 * captured value is captured anew: nothing from the earlier run (tokens, ids) has to be
 * kept, and secrets never are (run.json only ever holds them redacted).
 *
 * Journeys skipped by an interruption are NOT re-run: they never ran, so nothing about them
 * failed. Run the whole set again after an interrupted run.
 *
 * Journey files are the ones named in that run.json, relative to the directory the run
 * started in (like every path in run.json); paths given after RUN_DIR (or instead of it)
 * are searched instead, for when the files moved.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { JourneyResult, Trigger } from '../result/types.js';
import { HISTORY_FILE, readHistory } from '../report/history.js';

export interface PreviousRun {
  readonly runId: string;
  /** Absolute directory of that run (holds run.json). */
  readonly dir: string;
  readonly trigger: Trigger;
}

export type RerunPlan =
  | {
      readonly kind: 'rerun';
      readonly previous: PreviousRun;
      /** Journey names to run again, in the order of the previous run. */
      readonly names: readonly string[];
      /** Files or directories to load journeys from. */
      readonly paths: readonly string[];
    }
  | { readonly kind: 'nothing'; readonly previous: PreviousRun; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string };

interface RunJsonShape {
  readonly runId: string;
  readonly trigger?: Trigger;
  readonly journeys: readonly Pick<JourneyResult, 'name' | 'file' | 'outcome'>[];
}

const NEEDS_RERUN = new Set(['failed', 'error']);

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

/** The run directory the first path names, if it names one (a directory with run.json, or run.json itself). */
async function runDirOf(path: string, cwd: string): Promise<string | undefined> {
  const absolute = resolve(cwd, path);
  if ((await isDirectory(absolute)) && (await isFile(join(absolute, 'run.json')))) return absolute;
  if (basename(absolute) === 'run.json' && (await isFile(absolute))) return dirname(absolute);
  return undefined;
}

/** The latest run recorded in the report root's history index (the latest with `env`, when given). */
async function latestRun(reportRoot: string, env: string | undefined): Promise<{ dir: string } | { message: string }> {
  const history = await readHistory(reportRoot);
  // The warning is written for transitions; here it means we cannot tell which run is the latest.
  if (!history.ok) return { message: `--rerun-failed: cannot tell the latest run (${history.warning}); name the run directory instead` };
  const latest = history.index.runs(env).at(-1);
  if (!latest) {
    return {
      message: `--rerun-failed: no earlier run${env ? ` for --env ${env}` : ''} recorded in ${join(reportRoot, HISTORY_FILE)}; name the run directory: --rerun-failed reports/<run-id>`,
    };
  }
  return { dir: latest.dir ?? join(reportRoot, latest.runId) };
}

async function readRunJson(dir: string): Promise<RunJsonShape | { message: string }> {
  const file = join(dir, 'run.json');
  try {
    const run = JSON.parse(await readFile(file, 'utf8')) as Partial<RunJsonShape>;
    if (typeof run.runId !== 'string' || !Array.isArray(run.journeys)) return { message: `--rerun-failed: ${file} is not a pathproof run.json` };
    return run as RunJsonShape;
  } catch (error) {
    return { message: `--rerun-failed: cannot read ${file}: ${(error as Error).message}` };
  }
}

/**
 * Decides what `--rerun-failed` runs. `paths` are the command's positional paths; the
 * first may name the run to continue. Never throws: problems come back as `invalid`.
 */
export async function planRerun(options: {
  readonly paths: readonly string[];
  readonly cwd: string;
  readonly reportRoot: string;
  readonly env?: string;
}): Promise<RerunPlan> {
  const { cwd } = options;
  const named = options.paths[0] === undefined ? undefined : await runDirOf(options.paths[0], cwd);
  let dir = named;
  if (dir === undefined) {
    const latest = await latestRun(options.reportRoot, options.env);
    if ('message' in latest) return { kind: 'invalid', message: latest.message };
    dir = latest.dir;
  }
  const given = named === undefined ? options.paths : options.paths.slice(1);

  const run = await readRunJson(dir);
  if ('message' in run) return { kind: 'invalid', message: run.message };
  const previous: PreviousRun = { runId: run.runId, dir, trigger: run.trigger ?? {} };

  const again = run.journeys.filter((j) => NEEDS_RERUN.has(j.outcome));
  if (again.length === 0) {
    return { kind: 'nothing', previous, message: `nothing to re-run: no journey failed or errored in run ${run.runId}` };
  }
  if (given.length > 0) return { kind: 'rerun', previous, names: again.map((j) => j.name), paths: given };

  const files = [...new Set(again.map((j) => j.file))];
  for (const file of files) {
    if (!(await isFile(resolve(cwd, file)))) {
      return {
        kind: 'invalid',
        message:
          `--rerun-failed: journey file ${file} from run ${run.runId} is not there (paths in run.json are relative to ` +
          `the directory that run started in); run from that directory, or add the journey paths after the run directory`,
      };
    }
  }
  return { kind: 'rerun', previous, names: again.map((j) => j.name), paths: files };
}
