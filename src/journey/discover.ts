/**
 * Finds journey files under the paths a user gave and loads them all: one bad file never
 * stops the others, and names must be unique across files (they key metrics and reports).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import { sortDiagnostics } from './diagnostics.js';
import type { Env } from './interpolate.js';
import { loadJourneyText } from './load.js';
import { LOAD_LIMITS, locateName } from './yaml-source.js';
import { describeReadProblem, readRegularFile } from '../files/read-regular.js';
import type { LoadedJourney } from './load.js';

const JOURNEY_FILE = /\.ya?ml$/i;
/** YAML files that live beside journeys but are not journeys. */
const NOT_JOURNEYS = new Set(['pathproof.yaml', 'pathproof.yml']);
/** Directories never searched: tooling and output, not journeys. */
const SKIPPED_DIRS = new Set(['node_modules', 'reports', 'dist']);
/** Files read at once: enough to hide disk latency, few enough to never hit EMFILE. */
const READ_CONCURRENCY = 32;

export interface Discovery {
  /** Journey files, relative to `cwd` (as the user would write them), sorted and unique. */
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Expands files and directories into journey files. Directories are searched recursively
 * for `*.yaml` / `*.yml` (skipping hidden directories, `node_modules`, `reports` and
 * `pathproof.yaml`); a file named explicitly is taken whatever its extension. Symbolic
 * links to directories are not followed (no loops).
 */
export async function discoverJourneyFiles(paths: readonly string[], cwd: string): Promise<Discovery> {
  const found = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    let info;
    try {
      info = await stat(absolute);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const message =
        code !== 'ENOENT'
          ? `cannot read it (${code ?? String(error)})`
          : given === 'journeys' || given === 'journeys/'
            ? 'no such file or directory: put journey files in journeys/ (try `pathproof demo`), or name files or directories'
            : 'no such file or directory';
      diagnostics.push({ file: given, line: 0, column: 0, path: '', message, severity: 'error' });
      continue;
    }
    if (info.isDirectory()) {
      const before = found.size;
      await walk(absolute, (file) => found.add(relative(cwd, file)));
      if (found.size === before) {
        diagnostics.push({ file: given, line: 0, column: 0, path: '', message: 'no journey files (*.yaml, *.yml) in this directory', severity: 'warning' });
      }
    } else found.add(relative(cwd, absolute));
  }
  return { files: [...found].sort(), diagnostics };
}

async function walk(dir: string, add: (file: string) => void): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) await walk(full, add);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && JOURNEY_FILE.test(entry.name) && !NOT_JOURNEYS.has(entry.name)) {
      if (entry.isSymbolicLink() && !(await isFile(full))) continue;
      add(full);
    }
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function relative(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return (rel === '' ? file : rel).split(path.sep).join('/');
}

export interface LoadedJourneys {
  readonly journeys: LoadedJourney[];
  /** Every problem in every file (errors and warnings), sorted by file and position. */
  readonly diagnostics: Diagnostic[];
}

/**
 * Discovers and loads journeys. Files are read concurrently but reported in sorted order;
 * a journey whose name is already taken by an earlier file is reported and left out.
 */
export async function loadJourneys(paths: readonly string[], options: { cwd: string; env: Env }): Promise<LoadedJourneys> {
  const discovery = await discoverJourneyFiles(paths, options.cwd);
  const diagnostics = [...discovery.diagnostics];
  const loaded = await mapBounded(discovery.files, READ_CONCURRENCY, async (file) => {
    // Regular files only, capped while reading: a FIFO or /dev/zero named as a journey must
    // not hang `validate` or `run` (see files/read-regular.ts).
    const read = await readRegularFile(path.resolve(options.cwd, file), { maxBytes: LOAD_LIMITS.maxBytes });
    if (!read.ok) {
      return { ok: false as const, diagnostics: [{ file, line: 0, column: 0, path: '', message: describeReadProblem(read), severity: 'error' as const }] };
    }
    const bytes = read.bytes;
    const result = loadJourneyText(bytes, file, { env: options.env });
    return result.ok ? { ...result, bytes } : result;
  });

  const journeys: LoadedJourney[] = [];
  const firstFileOf = new Map<string, string>();
  for (const result of loaded) {
    if (!result.ok) {
      diagnostics.push(...result.diagnostics);
      continue;
    }
    const { journey: item, bytes } = result;
    diagnostics.push(...item.warnings);
    const name = item.journey.name;
    const first = firstFileOf.get(name);
    if (first !== undefined) {
      const at = locateName(bytes);
      diagnostics.push({
        file: item.file,
        ...at,
        path: 'name',
        message: `journey name "${name}" is already used by ${first}: names must be unique (they key metrics and reports)`,
        severity: 'error',
      });
      continue;
    }
    firstFileOf.set(name, item.file);
    journeys.push(item);
  }
  return { journeys, diagnostics: sortDiagnostics(diagnostics) };
}

/** `Promise.all` over `items` with at most `limit` in flight, results in input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
