/**
 * Screenshots for the report: inlined as data: URIs while they fit the caps (one file you
 * can mail or attach to an incident), else linked relative to the run directory.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, relative, resolve, sep } from 'node:path';
import type { RunResult } from '../../result/types.js';
import type { EvidenceImages } from './journey.js';

export interface ImageCaps {
  /** Largest single image inlined (bytes). */
  readonly perImage: number;
  /** Inlined bytes for the whole page; later images are linked instead. */
  readonly total: number;
}

export const DEFAULT_IMAGE_CAPS: ImageCaps = { perImage: 1_500_000, total: 12_000_000 };

const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

/** data: URIs by evidence path, reused across the partial rewrites of one run. */
export interface ImageCache {
  readonly uris: Map<string, string | null>;
  inlinedBytes: number;
}

export function imageCache(): ImageCache {
  return { uris: new Map(), inlinedBytes: 0 };
}

function screenshotPaths(run: RunResult): string[] {
  const paths = new Set<string>();
  for (const journey of run.journeys) {
    for (const attempt of journey.attempts) {
      for (const file of [...(attempt.evidence ?? []), ...attempt.steps.flatMap((s) => s.evidence ?? [])]) {
        if (file.kind === 'screenshot') paths.add(file.path);
      }
    }
  }
  return [...paths];
}

/**
 * Loads (once) the screenshots the run refers to. Only files inside `runDir` are read: a
 * run.json handed to `pathproof report` could name `../../etc/…`; those stay unread links.
 * A missing or unreadable file is not an error — the page links it and says nothing worse.
 */
export async function loadImages(runDir: string, run: RunResult, cache: ImageCache, caps: ImageCaps = DEFAULT_IMAGE_CAPS): Promise<EvidenceImages> {
  const root = resolve(runDir);
  for (const path of screenshotPaths(run)) {
    if (cache.uris.has(path)) continue;
    const file = resolve(root, path);
    const inside = relative(root, file);
    const mime = MIME[extname(file).toLowerCase()];
    if (!mime || inside.startsWith('..') || inside.startsWith(sep) || inside === '') {
      cache.uris.set(path, null);
      continue;
    }
    try {
      const info = await stat(file);
      if (!info.isFile() || info.size > caps.perImage || cache.inlinedBytes + info.size > caps.total) {
        cache.uris.set(path, null);
        continue;
      }
      const data = await readFile(file);
      cache.inlinedBytes += data.length;
      cache.uris.set(path, `data:${mime};base64,${data.toString('base64')}`);
    } catch {
      // Not written yet (a partial page racing the evidence sink) or gone: try again next time.
    }
  }
  return { inline: (path) => cache.uris.get(path) ?? undefined };
}
