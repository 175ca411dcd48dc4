/**
 * index.html: the single-file report a person opens after a failed deploy. Written at the
 * end of the run and, spaced out, while journeys finish, so a killed run leaves a readable
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

/**
 * Partial pages are written at most this often: the first one at once (a run killed early
 * still leaves a page), then the newest snapshot once a second. Rendering the whole page
 * after every journey cost more than the journeys of a fast run (issue #16); run.json, the
 * record, is still rewritten after every journey.
 */
export const PARTIAL_PAGE_EVERY_MS = 1_000;

export function htmlReporter(options: { caps?: ImageCaps; partialEveryMs?: number } = {}): Reporter {
  let runDir: string | undefined;
  let selected: readonly string[] = [];
  const cache = imageCache();
  const every = options.partialEveryMs ?? PARTIAL_PAGE_EVERY_MS;
  // Partial pages are coalesced and spaced: while one is being written or the interval since
  // the last one has not passed, later snapshots replace each other and only the newest is
  // written next. The run never waits for them; the final page waits for the last one so it
  // is never overwritten by an older snapshot.
  let next: RunResult | undefined;
  let draining: Promise<void> | undefined;
  let spacing: NodeJS.Timeout | undefined;

  const write = (run: RunResult): Promise<string> => {
    const dir = runDir!;
    const done = new Set(run.journeys.map((j) => j.name));
    return writeHtmlReport(dir, run, { cache, caps: options.caps, pending: selected.filter((n) => !done.has(n)) });
  };
  const drain = async (): Promise<void> => {
    const snapshot = next;
    next = undefined;
    if (snapshot) {
      spacing = setTimeout(() => {
        spacing = undefined;
        if (next && !draining) draining = drain();
      }, every);
      spacing.unref();
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
      if (!draining && !spacing) draining = drain();
    },
    async onRunEnd(run) {
      if (!runDir) return;
      clearTimeout(spacing);
      spacing = undefined;
      next = undefined;
      await draining;
      await write(run);
    },
  };
}
