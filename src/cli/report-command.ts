/**
 * `pathproof report [RUN_DIR]`: the summary of a past run, in the console reporter's words,
 * and the path of its index.html (written from run.json if it is missing, e.g. a run
 * killed before its first page).
 *
 * Exit codes: 0 once the summary was printed — whatever the run's own verdict was (a
 * script that wants the verdict reads `exitCode` from run.json); 2 when there is no run to
 * show (no runs, missing or corrupt run.json).
 */
import { readdir, stat } from 'node:fs/promises';
import { describeReadProblem, readRegularFile } from '../files/read-regular.js';
import { basename, dirname, join, resolve } from 'node:path';
import { EXIT, OUTCOMES } from '../result/types.js';
import type { RunResult } from '../result/types.js';
import { DEFAULTS } from '../journey/schema.js';
import { loadProject } from '../journey/project.js';
import { consoleReporter } from '../report/console.js';
import { HTML_FILE, writeHtmlReport } from '../report/html.js';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

/** run.json of thousands of journeys is a few MiB; this is far past any real one. */
const MAX_RUN_JSON_BYTES = 256 * 1024 * 1024;

type Found = { ok: true; dir: string } | { ok: false; message: string };
type Loaded = { ok: true; run: RunResult } | { ok: false; message: string };

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The latest run under `root`: history.json's last run, else the newest directory holding a run.json. */
export async function latestRunDir(root: string): Promise<string | undefined> {
  try {
    const read = await readRegularFile(join(root, 'history.json'), { maxBytes: MAX_RUN_JSON_BYTES });
    if (!read.ok) throw new Error(describeReadProblem(read));
    const history = JSON.parse(read.bytes.toString('utf8')) as { runs?: { dir?: unknown }[] };
    const dir = Array.isArray(history.runs) ? history.runs.at(-1)?.dir : undefined;
    if (typeof dir === 'string' && (await exists(join(resolve(root, dir), 'run.json')))) return resolve(root, dir);
  } catch {
    // No or unreadable history: fall back to scanning.
  }
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return undefined;
  }
  let newest: { dir: string; mtime: number } | undefined;
  for (const entry of entries) {
    const dir = join(root, entry);
    try {
      const info = await stat(join(dir, 'run.json'));
      if (!newest || info.mtimeMs > newest.mtime) newest = { dir, mtime: info.mtimeMs };
    } catch {
      // not a run directory
    }
  }
  return newest?.dir;
}

async function findRunDir(args: ParsedArgs, io: CliIo): Promise<Found> {
  const given = args.paths[0];
  if (given) {
    const path = resolve(io.cwd, given);
    // `pathproof report reports/<id>/run.json` (or index.html) means its directory.
    const isFile = await stat(path).then((s) => s.isFile(), () => false);
    return { ok: true, dir: isFile ? dirname(path) : path };
  }
  let configured: string | undefined;
  const project = await loadProject(io.cwd, { file: args.config });
  if (project.ok) configured = project.config.reportDir;
  const root = resolve(io.cwd, args.reportDir ?? configured ?? DEFAULTS.reportDir);
  const dir = await latestRunDir(root);
  return dir ? { ok: true, dir } : { ok: false, message: `no runs in ${root} (run "pathproof run" first, or name a run directory)` };
}

/** Reads and checks run.json enough to print it; anything else is "corrupt", never a crash. */
export async function loadRun(dir: string): Promise<Loaded> {
  const file = join(dir, 'run.json');
  // A regular file, bounded in size and time: a FIFO or /dev/zero named run.json must not hang `report`.
  const read = await readRegularFile(file, { maxBytes: MAX_RUN_JSON_BYTES });
  if (!read.ok) {
    const missing = read.code === 'ERRNO' && read.errno === 'ENOENT';
    return { ok: false, message: missing ? `no run.json in ${dir}` : `cannot read ${file}: ${describeReadProblem(read)}` };
  }
  const text = read.bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${file} is not valid JSON (${(error as Error).message}); the run may have been killed mid-write by an older version` };
  }
  const run = value as Partial<RunResult> | null;
  const problem =
    typeof run !== 'object' || run === null
      ? 'not an object'
      : run.schemaVersion !== 1
        ? `schemaVersion ${JSON.stringify(run.schemaVersion)} (this pathproof reads 1)`
        : !Array.isArray(run.journeys)
          ? 'no journeys list'
          : typeof run.counts !== 'object' || run.counts === null
            ? 'no counts'
            : typeof run.runId !== 'string'
              ? 'no runId'
              : journeysProblem(run.journeys);
  if (problem) return { ok: false, message: `${file} is not a pathproof run record: ${problem}` };
  return { ok: true, run: value as RunResult };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const ATTEMPT_OUTCOMES: ReadonlySet<unknown> = new Set(['passed', 'failed', 'error']);

/**
 * What the reporters rely on, per journey and attempt: an outcome they know, and for a stopped
 * attempt what stopped it (a failed one its failure, an error its error). A record edited by
 * hand, or written by another version, is named at the first entry that does not fit.
 */
function journeysProblem(journeys: readonly unknown[]): string | undefined {
  for (const [j, journey] of journeys.entries()) {
    const at = `journeys[${j}]`;
    if (!isObject(journey)) return `${at} is not an object`;
    if (typeof journey.name !== 'string') return `${at} has no name`;
    if (!(OUTCOMES as readonly unknown[]).includes(journey.outcome)) return `${at} (${journey.name}) has outcome ${JSON.stringify(journey.outcome)}`;
    if (!Array.isArray(journey.attempts)) return `${at} (${journey.name}) has no attempts list`;
    if (journey.outcome === 'failed' && typeof journey.layer !== 'string') return `${at} (${journey.name}) failed without a layer`;
    if (journey.outcome === 'error' && !isObject(journey.error)) return `${at} (${journey.name}) is an error without the error`;
    for (const [a, attempt] of (journey.attempts as unknown[]).entries()) {
      const where = `${at}.attempts[${a}] (${journey.name})`;
      if (!isObject(attempt)) return `${where} is not an object`;
      if (!ATTEMPT_OUTCOMES.has(attempt.outcome)) return `${where} has outcome ${JSON.stringify(attempt.outcome)}`;
      if (!Array.isArray(attempt.steps)) return `${where} has no steps list`;
      if (attempt.outcome === 'failed' && !(isObject(attempt.failure) && typeof attempt.failure.layer === 'string')) return `${where} failed without a failure (layer, hint)`;
      if (attempt.outcome === 'error' && !(isObject(attempt.error) && typeof attempt.error.message === 'string')) return `${where} is an error without the error`;
    }
  }
  return undefined;
}

export async function reportCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const found = await findRunDir(args, io);
  if (!found.ok) {
    io.stderr(`pathproof: ${found.message}\n`);
    return EXIT.invalid;
  }
  const loaded = await loadRun(found.dir);
  if (!loaded.ok) {
    io.stderr(`pathproof: ${loaded.message}\n`);
    return EXIT.invalid;
  }
  const { run } = loaded;

  // The console reporter's header speaks of a live run ("concurrency 4"), which run.json does
  // not record: mute it and print a header about the past run instead.
  let muted = true;
  const reporter = consoleReporter({ write: (text) => !muted && io.stdout(text), color: io.color, verbose: !args.quiet });
  await reporter.onRunStart?.({
    runId: run.runId,
    startedAt: run.startedAt,
    trigger: run.trigger ?? {},
    runDir: found.dir,
    concurrency: 0,
    journeys: run.journeys.map((j) => ({ name: j.name, file: j.file })),
  });
  muted = false;
  const after = run.trigger?.after ? ` after ${run.trigger.after}` : '';
  const status = run.status === 'complete' ? '' : ` · ${run.status === 'running' ? 'did not finish (partial record)' : run.status}`;
  io.stdout(`pathproof report ${run.runId}${after} · started ${run.startedAt} · exit code ${run.exitCode ?? '–'}${status}\n`);
  for (const journey of run.journeys) await reporter.onJourneyEnd?.(journey, run);
  await reporter.onRunEnd?.(run);
  for (const warning of run.warnings ?? []) io.stdout(`warning: ${warning}\n`);

  const html = join(found.dir, HTML_FILE);
  if (await exists(html)) {
    io.stdout(`html: ${html}\n`);
  } else {
    try {
      await writeHtmlReport(found.dir, run);
      io.stdout(`html: ${html} (written now from ${basename(found.dir)}/run.json)\n`);
    } catch (error) {
      io.stderr(`pathproof: no ${HTML_FILE} in ${found.dir}, and it could not be written: ${(error as Error).message}\n`);
    }
  }
  return EXIT.passed;
}
