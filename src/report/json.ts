/**
 * run.json, the one source of truth (DESIGN §6). Rewritten after every journey through a
 * temporary file and a rename, so whatever kills the process, the file on disk is valid
 * JSON of what had finished.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../result/types.js';
import type { Reporter } from './reporter.js';

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, file);
}

export function jsonReporter(options: { stdout?: (text: string) => void } = {}): Reporter & { essential: true } {
  let runDir: string | undefined;
  // Writes are serialised: two journeys finishing together must not interleave renames.
  let chain: Promise<void> = Promise.resolve();
  const write = (run: RunResult): Promise<void> => {
    const dir = runDir;
    if (!dir) return Promise.resolve();
    chain = chain.then(() => writeJsonAtomic(join(dir, 'run.json'), run));
    return chain;
  };
  return {
    name: 'json',
    essential: true,
    async onRunStart(start) {
      runDir = start.runDir;
      await mkdir(start.runDir, { recursive: true });
    },
    onJourneyEnd: (_result, snapshot) => write(snapshot),
    async onRunEnd(run) {
      await write(run);
      options.stdout?.(`${JSON.stringify(run, null, 2)}\n`);
    },
  };
}
