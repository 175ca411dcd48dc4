/** Evidence files for one journey attempt: `<run>/evidence/<journey>/attempt-<n>/<name>`. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { EvidenceFile } from '../result/types.js';
import type { EvidenceSink } from '../steps/types.js';

/** Binary evidence only (screenshots masked by whoever took them, traces kept only without secrets); text goes into results, redacted by the runner. */
export function evidenceSink(runDir: string, journey: string, attempt: number): EvidenceSink {
  const dir = join(runDir, 'evidence', journey, `attempt-${attempt}`);
  return {
    async write(name, data, kind, description): Promise<EvidenceFile> {
      await mkdir(dir, { recursive: true });
      const safeName = name.replace(/[^A-Za-z0-9._-]/g, '_');
      const file = join(dir, safeName);
      await writeFile(file, data);
      // The description is redacted with the step result it belongs to (the runner's boundary).
      return { kind, path: relative(runDir, file), ...(description ? { description } : {}) };
    },
  };
}
