/**
 * An origin's normal replies, folded into a small profile (OriginBaseline): the headers every
 * normal reply carried, the servers that answered, the content types per path family. Built
 * by drivers and the runner from observations; read by src/classify to tell an app's reply
 * from one generated in front of it. Pure functions over result types.
 */
import type { OriginBaseline } from './types.js';

export interface ReplyFacts {
  readonly status: number;
  readonly url: string;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Undefined when not captured. */
  readonly body?: string;
}

/** `json`, `html`, `text`, `other` from a content-type header. */
export function contentFamily(contentType: string | undefined): string | undefined {
  if (contentType === undefined || contentType.trim() === '') return undefined;
  const type = contentType.toLowerCase();
  if (/[/+]json\b/.test(type)) return 'json';
  if (type.includes('html')) return 'html';
  if (type.startsWith('text/')) return 'text';
  return 'other';
}

/** `/api/` for `/api/refunds/1`, `/` for `/index.html`: the path family a baseline is kept per. */
export function pathFamily(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split(/[?#]/, 1)[0] ?? '/';
  }
  const match = /^\/[^/]+\//.exec(path);
  return match ? match[0] : '/';
}

/** Folds one normal reply (< 400, not 304) into a baseline. Pure: returns a new baseline. */
export function foldBaseline(baseline: OriginBaseline | undefined, origin: string, reply: ReplyFacts): OriginBaseline {
  const names = Object.keys(reply.headers).map((n) => n.toLowerCase());
  const server = reply.headers['server']?.trim();
  const family = contentFamily(reply.headers['content-type']);
  const path = pathFamily(reply.url);
  if (baseline === undefined) {
    return {
      origin,
      replies: 1,
      servers: server ? [server] : [],
      commonHeaders: [...new Set(names)].sort(),
      contentTypes: family === undefined ? {} : { [path]: [family] },
    };
  }
  const common = baseline.commonHeaders.filter((name) => names.includes(name));
  const servers = server && !baseline.servers.includes(server) && baseline.servers.length < 5 ? [...baseline.servers, server] : baseline.servers;
  const known = baseline.contentTypes[path] ?? [];
  const contentTypes =
    family === undefined || known.includes(family) ? baseline.contentTypes : { ...baseline.contentTypes, [path]: [...known, family] };
  return { origin, replies: baseline.replies + 1, servers, commonHeaders: common, contentTypes };
}
