/** Evidence files for one journey attempt: `<run>/evidence/<journey>/attempt-<n>/<name>`. */
import { join, relative } from 'node:path';
import type { EvidenceFile } from '../result/types.js';
import type { EvidenceSink, Redactor } from '../steps/types.js';
import { ensureDir, writeAtomic } from './atomic.js';

export function evidenceSink(runDir: string, journey: string, attempt: number, redactor: Redactor): EvidenceSink {
  const dir = join(runDir, 'evidence', journey, `attempt-${attempt}`);
  return {
    async write(name, data, kind, description): Promise<EvidenceFile> {
      await ensureDir(dir);
      const safeName = name.replace(/[^A-Za-z0-9._-]/g, '_');
      const file = join(dir, safeName);
      // Text evidence is redacted here, at the last point before disk; binary evidence
      // (screenshots) is masked by whoever produced it.
      // Atomic and bounded in time (atomic.ts): a hung report directory fails the write, not the run.
      await writeAtomic(file, typeof data === 'string' ? redactor.redact(data) : data);
      return { kind, path: relative(runDir, file), ...(description ? { description: redactor.redact(description) } : {}) };
    },
  };
}
