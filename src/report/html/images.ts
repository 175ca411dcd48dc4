/**
 * Screenshots for the report: inlined as data: URIs while they fit the caps (one file you
 * can mail or attach to an incident), else linked relative to the run directory.
 */
import { realpath } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { readRegularFile } from '../../files/read-regular.js';
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
 * Loads (once) the screenshots the run refers to. Only regular files inside `runDir` *after
 * resolving links* are read: a run.json handed to `pathproof report` could name `../../etc/…`,
 * and an evidence file could be a symbolic link (or have a linked parent directory) pointing
 * out of the run directory; those stay unread links. The final read refuses a link swapped in
 * meanwhile (O_NOFOLLOW), a FIFO or a device, and stops at the size cap while reading.
 * A missing or unreadable file is not an error — the page links it and says nothing worse.
 */
export async function loadImages(runDir: string, run: RunResult, cache: ImageCache, caps: ImageCaps = DEFAULT_IMAGE_CAPS): Promise<EvidenceImages> {
  const root = await realpath(resolve(runDir)).catch(() => undefined);
  for (const path of screenshotPaths(run)) {
    if (cache.uris.has(path)) continue;
    const mime = MIME[extname(path).toLowerCase()];
    const lexical = root === undefined ? undefined : resolve(root, path);
    if (!mime || root === undefined || lexical === undefined || !isInside(root, lexical)) {
      cache.uris.set(path, null);
      continue;
    }
    let real: string;
    try {
      real = await realpath(lexical);
    } catch {
      // Not written yet (a partial page racing the evidence sink) or gone: try again next time.
      continue;
    }
    if (!isInside(root, real)) {
      cache.uris.set(path, null);
      continue;
    }
    const read = await readRegularFile(real, { maxBytes: Math.min(caps.perImage, caps.total - cache.inlinedBytes), noFollow: true });
    if (!read.ok) {
      if (read.code !== 'ERRNO') cache.uris.set(path, null);
      continue;
    }
    cache.inlinedBytes += read.bytes.length;
    cache.uris.set(path, `data:${mime};base64,${read.bytes.toString('base64')}`);
  }
  return { inline: (path) => cache.uris.get(path) ?? undefined };
}

function isInside(root: string, file: string): boolean {
  const inside = relative(root, file);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
}
