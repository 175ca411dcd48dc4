/**
 * Who generated an error reply, judged against the same origin's normal replies (its
 * baseline), when no stock signature names the proxy (proxy-signatures.ts runs first).
 *
 * An application stamps its replies with its own headers (`x-powered-by: Express`,
 * `x-request-id`, a framework's `x-runtime`) and answers an API path in its own format.
 * A reply that lacks every header all of the origin's normal replies carried, an HTML page
 * where the app answers JSON on that path, or another `server` than every normal reply,
 * was written by something in front of the app: a proxy, a load balancer, a maintenance
 * switch. A reply that does carry the app's own headers is the app's.
 *
 * Hazards, and why the lists below are what they are:
 * - Edge proxies add security and caching headers to normal replies only (nginx `add_header`
 *   without `always` applies to 2xx/3xx): those can never mark the app, so they are ignored.
 * - One normal reply is enough to know the app's headers, but none is not: without a
 *   baseline nothing is decided here.
 * - An uncaptured body is unknown: the JSON-versus-HTML rule needs the content type or the body.
 */
import { contentFamily, pathFamily } from '../result/baseline.js';
import type { ReplyFacts } from '../result/baseline.js';
import type { OriginBaseline } from '../result/types.js';
import { oneLine } from '../util/format.js';
import type { ProxyMatch } from './proxy-signatures.js';

/** Headers that proxies, CDNs and HTTP itself set: they say nothing about the app. */
const GENERIC_HEADERS: ReadonlySet<string> = new Set([
  'date',
  'content-length',
  'content-type',
  'content-encoding',
  'content-language',
  'content-disposition',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'server',
  'vary',
  'cache-control',
  'pragma',
  'expires',
  'age',
  'etag',
  'last-modified',
  'accept-ranges',
  'via',
  'location',
  'set-cookie',
  'alt-svc',
  'strict-transport-security',
  'x-frame-options',
  'x-content-type-options',
  'x-xss-protection',
  'content-security-policy',
  'content-security-policy-report-only',
  'referrer-policy',
  'permissions-policy',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
  'nel',
  'report-to',
  'x-cache',
  'x-cache-hits',
  'x-cache-lookup',
  'x-varnish',
  'x-served-by',
  'x-timer',
  'cf-ray',
  'cf-cache-status',
  'x-amz-cf-id',
  'x-amz-cf-pop',
  'traceparent',
  'tracestate',
]);

function isGeneric(name: string): boolean {
  return GENERIC_HEADERS.has(name) || name.startsWith('access-control-') || name.startsWith('x-ratelimit') || name.startsWith('ratelimit');
}

/** The app's own headers: carried by every normal reply of the origin, not generic. */
export function markerHeaders(baseline: OriginBaseline): string[] {
  return baseline.commonHeaders.filter((name) => !isGeneric(name)).sort();
}

export type GeneratorVerdict =
  | { readonly by: 'proxy'; readonly match: ProxyMatch }
  | { readonly by: 'app'; readonly evidence: string }
  | undefined;

/**
 * Judges an error reply against its origin's baseline. Undefined when the baseline says
 * nothing either way (no baseline, no markers, nothing contradicts).
 */
export function judgeAgainstBaseline(reply: ReplyFacts, baseline: OriginBaseline | undefined): GeneratorVerdict {
  if (baseline === undefined || baseline.replies === 0) return undefined;
  const markers = markerHeaders(baseline);
  const server = reply.headers['server']?.trim();
  const name = server ? productOf(server) : 'something in front of the app';
  const seenOn = `${baseline.replies} normal ${baseline.replies === 1 ? 'reply' : 'replies'} of ${baseline.origin}`;

  if (markers.length > 0) {
    const carried = markers.filter((marker) => reply.headers[marker] !== undefined);
    if (carried.length === 0) {
      return {
        by: 'proxy',
        match: {
          proxy: name,
          evidence: `the reply lacks ${listOf(markers)}, which every one of the ${seenOn} carried`,
        },
      };
    }
    return { by: 'app', evidence: `the reply carries ${listOf(carried)} like the ${seenOn}` };
  }

  const family = contentFamily(reply.headers['content-type']) ?? (reply.body !== undefined && /^\s*</.test(reply.body) ? 'html' : undefined);
  const normal = baseline.contentTypes[pathFamily(reply.url)];
  if (family === 'html' && normal !== undefined && normal.length > 0 && normal.every((f) => f === 'json')) {
    return {
      by: 'proxy',
      match: { proxy: name, evidence: `an HTML page where the app answers JSON on ${pathFamily(reply.url)} (${seenOn})` },
    };
  }

  if (server && baseline.servers.length > 0 && !baseline.servers.some((s) => s.toLowerCase() === server.toLowerCase())) {
    return {
      by: 'proxy',
      match: { proxy: name, evidence: `server: ${oneLine(server, 60)} where the ${seenOn} said ${listOf(baseline.servers)}` },
    };
  }
  return undefined;
}

function listOf(items: readonly string[]): string {
  const shown = items.slice(0, 3).map((item) => oneLine(item, 40));
  const more = items.length > 3 ? ` and ${items.length - 3} more` : '';
  return `${shown.join(', ')}${more}`;
}

/** `nginx/1.22.1` → `nginx`; `Apache/2.4.62 (Debian)` → `Apache`. */
function productOf(server: string): string {
  return server.trim().split(/[\s/]/, 1)[0] ?? server;
}

