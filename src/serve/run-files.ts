/**
 * `GET /runs/<id>/…`: a run's HTML report and its evidence, read from the report root.
 *
 * Hazards, each closed here:
 * - path tricks (`..`, encoded slashes, NUL, a symlinked run directory or file pointing out
 *   of the report root): the path is checked segment by segment, then both the run directory
 *   and the file are resolved with realpath and must stay inside (the file inside its run
 *   directory, the run directory inside the report root); the file is opened without
 *   following links and must be a regular file (no directory listing, no devices, no FIFOs);
 * - hostile content: evidence holds what the target sent (a body saved as text may be HTML
 *   with a script). Only the report's own `index.html` at the top of the run directory is
 *   served as HTML, with the report's CSP; everything else gets a content type from a short
 *   allow-list (text types as text/plain), `nosniff`, and a `sandbox` CSP, so nothing from a
 *   target ever runs with serve's origin (and its session cookie).
 */
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { CSP as REPORT_CSP } from '../report/html/page.js';

export const RUN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/;

const TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.zip': 'application/zip',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.xml': 'text/plain; charset=utf-8',
  '.html': 'text/plain; charset=utf-8',
  '.htm': 'text/plain; charset=utf-8',
  '.svg': 'text/plain; charset=utf-8',
  '.csv': 'text/plain; charset=utf-8',
  '.ndjson': 'text/plain; charset=utf-8',
};

export type RunFile =
  | { ok: true; handle: FileHandle; size: number; headers: Record<string, string> }
  | { ok: false; status: 404 | 400; message: string };

/** Splits and checks the path after `/runs/<id>/`; undefined when it is not a plain relative path. */
export function safeSegments(rest: string): string[] | undefined {
  if (rest === '') return ['index.html'];
  const segments: string[] = [];
  for (const raw of rest.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    // eslint-disable-next-line no-control-regex
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\u0000]/.test(segment)) return undefined;
    segments.push(segment);
  }
  return segments;
}

/** Opens the file `rest` of run `id` under `root`, or says why not. The caller closes the handle. */
export async function openRunFile(root: string, id: string, rest: string): Promise<RunFile> {
  const missing = { ok: false, status: 404, message: `no such file in run ${id}` } as const;
  if (!RUN_ID_RE.test(id)) return { ok: false, status: 404, message: `no run "${id}"` };
  // A directory inside the run (`evidence/`) is never listed.
  if (rest.endsWith('/')) return missing;
  const segments = safeSegments(rest);
  if (!segments) return { ok: false, status: 400, message: 'not a path inside a run directory' };
  let rootReal: string;
  let runReal: string;
  let fileReal: string;
  try {
    rootReal = await realpath(root);
    runReal = await realpath(join(rootReal, id));
    fileReal = await realpath(join(runReal, ...segments));
  } catch {
    return missing;
  }
  if (!runReal.startsWith(rootReal + sep) || !fileReal.startsWith(runReal + sep)) return missing;
  let handle: FileHandle;
  try {
    handle = await open(fileReal, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return missing;
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    return missing;
  }
  const report = fileReal === join(runReal, 'index.html');
  const headers: Record<string, string> = report
    ? {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `${REPORT_CSP}; frame-ancestors 'none'`,
      }
    : {
        'content-type': TYPES[extname(fileReal).toLowerCase()] ?? 'application/octet-stream',
        'content-security-policy': "default-src 'none'; img-src 'self' data:; sandbox",
      };
  return {
    ok: true,
    handle,
    size: stat.size,
    headers: { ...headers, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache', 'referrer-policy': 'no-referrer' },
  };
}
