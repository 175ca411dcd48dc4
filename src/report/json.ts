/**
 * run.json, the one source of truth (DESIGN §6). Rewritten after every journey through a
 * temporary file and a rename, so whatever kills the process, the file on disk is valid
 * JSON of what had finished.
 */
import { join } from 'node:path';
import type { RunResult } from '../result/types.js';
import { ensureDir, writeTextAtomic } from './atomic.js';
import type { Reporter } from './reporter.js';

export function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  return writeTextAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

export function jsonReporter(options: { stdout?: (text: string) => void } = {}): Reporter & { essential: true } {
  let runDir: string | undefined;
  // Write-behind with coalescing: journeys never wait for the disk, at most one write is in
  // flight, and the next write always carries the newest snapshot. A killed run loses at
  // most the journeys that finished during the last write.
  let pending: RunResult | undefined;
  let writing: Promise<void> | undefined;
  let failure: unknown;
  const drain = async (): Promise<void> => {
    while (pending) {
      const next = pending;
      pending = undefined;
      try {
        await writeJsonAtomic(join(runDir as string, 'run.json'), next);
      } catch (error) {
        failure ??= error;
      }
    }
    writing = undefined;
  };
  const schedule = (run: RunResult): Promise<void> => {
    pending = run;
    writing ??= drain();
    return writing;
  };
  return {
    name: 'json',
    essential: true,
    async onRunStart(start) {
      runDir = start.runDir;
      await ensureDir(start.runDir);
    },
    onJourneyEnd(_result, snapshot) {
      if (failure) throw failure;
      void schedule(snapshot);
    },
    async onRunEnd(run) {
      await schedule(run);
      if (failure) throw failure;
      options.stdout?.(`${JSON.stringify(run, null, 2)}\n`);
    },
  };
}
