/**
 * index.html: the single-file report a person opens after a failed deploy. Written at the
 * end of the run and, cheaply, after journeys finish, so a killed run leaves a readable
 * partial page. Every write goes through a temporary file and a rename: a reader never sees
 * half a page.
 *
 * Rendering is pure (./html/page.ts); this file only loads screenshots and writes.
 */
import { ensureDir, writeTextAtomic } from './atomic.js';
import { join } from 'node:path';
import type { RunResult } from '../result/types.js';
import { imageCache, loadImages } from './html/images.js';
import type { ImageCache, ImageCaps } from './html/images.js';
import { renderReport } from './html/page.js';
import type { Reporter } from './reporter.js';

export const HTML_FILE = 'index.html';

export { writeTextAtomic };

/** Renders `run` into `<runDir>/index.html`; returns the file's path. */
export async function writeHtmlReport(
  runDir: string,
  run: RunResult,
  options: { pending?: readonly string[]; cache?: ImageCache; caps?: ImageCaps } = {},
): Promise<string> {
  const images = await loadImages(runDir, run, options.cache ?? imageCache(), options.caps);
  const file = join(runDir, HTML_FILE);
  await writeTextAtomic(file, renderReport(run, { images, pending: options.pending ?? [] }));
  return file;
}

export function htmlReporter(options: { caps?: ImageCaps } = {}): Reporter {
  let runDir: string | undefined;
  let selected: readonly string[] = [];
  const cache = imageCache();
  // Partial pages are coalesced: while one is being written, later snapshots replace each
  // other and only the newest is written next. The run never waits for them; the final
  // page waits for the last one so it is never overwritten by an older snapshot.
  let next: RunResult | undefined;
  let draining: Promise<void> | undefined;

  const write = (run: RunResult): Promise<string> => {
    const dir = runDir!;
    const done = new Set(run.journeys.map((j) => j.name));
    return writeHtmlReport(dir, run, { cache, caps: options.caps, pending: selected.filter((n) => !done.has(n)) });
  };
  const drain = async (): Promise<void> => {
    while (next) {
      const snapshot = next;
      next = undefined;
      try {
        await write(snapshot);
      } catch {
        // A partial page is best effort; the final write reports a persistent failure
        // (full disk, unwritable directory) through the multiplexer.
      }
    }
    draining = undefined;
  };

  return {
    name: 'html',
    async onRunStart(start) {
      runDir = start.runDir;
      selected = start.journeys.map((j) => j.name);
      await ensureDir(start.runDir);
    },
    onJourneyEnd(_result, snapshot) {
      if (!runDir) return;
      next = snapshot;
      draining ??= drain();
    },
    async onRunEnd(run) {
      if (!runDir) return;
      next = undefined;
      await draining;
      await write(run);
    },
  };
}
