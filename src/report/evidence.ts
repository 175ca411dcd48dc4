/** Evidence files for one journey attempt: `<run>/evidence/<journey>/attempt-<n>/<name>`. */
import { join, relative } from 'node:path';
import type { EvidenceFile, EvidenceSink } from '../result/types.js';
import { ensureDir, writeAtomic } from './atomic.js';

/** Binary evidence only (screenshots masked by whoever took them, traces kept only without secrets); text goes into results, redacted by the runner. */
export function evidenceSink(runDir: string, journey: string, attempt: number): EvidenceSink {
  const dir = join(runDir, 'evidence', journey, `attempt-${attempt}`);
  return {
    async write(name, data, kind, description): Promise<EvidenceFile> {
      await ensureDir(dir);
      const safeName = name.replace(/[^A-Za-z0-9._-]/g, '_');
      const file = join(dir, safeName);
      // Atomic and bounded in time (atomic.ts): a hung report directory fails the write, not the run.
      await writeAtomic(file, data);
      // The description is redacted with the step result it belongs to (the runner's boundary).
      return { kind, path: relative(runDir, file), ...(description ? { description } : {}) };
    },
  };
}
