/**
 * Turns an HTTP step's `request` (a request line or an object) and the journey `target`
 * into a {@link ProbeRequest}: the URL, lower-cased headers, an encoded body and limits.
 *
 * How paths join the target: a path is APPENDED to the target's path, so a target with a
 * base path keeps it — `http://h/base/` + `/api/x` → `http://h/base/api/x` (and
 * `http://h/base` + `/api/x` the same). This is deliberately not WHATWG URL resolution,
 * where `/api/x` would silently drop `/base`. The target's own query string is kept and the
 * step's query (in the path or `query:`) is appended after it. An absolute http(s) URL is
 * used as is.
 */
import { packageVersion } from '../../util/package-root.js';
import { DEFAULTS, parseRequestLine } from '../../journey/schema.js';
import type { StepOf } from '../../journey/schema.js';
import type { ProbeRequest } from './probe.js';

/** A validated step's `request` (zod output: the object form has its method defaulted). */
export type RequestSpecOutput = StepOf<'request'>['request'];

export interface ProbeLimits {
  /** Whole exchange, redirects and body included (default: the step default, 10s). */
  readonly timeoutMs?: number;
  /** Used when the step does not set `followRedirects` (default 10). */
  readonly maxRedirects?: number;
  readonly maxBodyBytes?: number;
  /** Default `pathproof/<version>`; a `user-agent` header in the step wins. */
  readonly userAgent?: string;
}

export type BuildResult = { ok: true; request: ProbeRequest } | { ok: false; message: string };

const ABSOLUTE_URL_RE = /^[a-z][a-z0-9+.-]*:/i;

export function buildProbeRequest(
  spec: RequestSpecOutput,
  target: string | undefined,
  limits: ProbeLimits = {},
): BuildResult {
  const normalized = normalize(spec);
  if (!normalized.ok) return normalized;
  const { method, url, headers: stepHeaders, query, followRedirects } = normalized.value;

  const resolved = resolveUrl(url, target);
  if (!resolved.ok) return resolved;
  const finalUrl = resolved.url;
  for (const [key, value] of Object.entries(query ?? {})) finalUrl.searchParams.append(key, String(value));

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(stepHeaders ?? {})) headers[name.toLowerCase()] = value;
  headers['user-agent'] ??= limits.userAgent ?? defaultUserAgent();

  let body: string | undefined;
  if (normalized.value.json !== undefined) {
    body = JSON.stringify(normalized.value.json);
    headers['content-type'] ??= 'application/json';
  } else if (normalized.value.form !== undefined) {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(normalized.value.form)) form.append(key, String(value));
    body = form.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (normalized.value.body !== undefined) {
    body = normalized.value.body;
  }

  const defaultRedirects = limits.maxRedirects ?? DEFAULTS.maxRedirects;
  const maxRedirects =
    followRedirects === undefined || followRedirects === true
      ? defaultRedirects
      : followRedirects === false
        ? 0
        : followRedirects;

  return {
    ok: true,
    request: {
      method,
      url: finalUrl.toString(),
      headers,
      ...(body !== undefined ? { body } : {}),
      maxRedirects,
      timeoutMs: limits.timeoutMs ?? DEFAULTS.stepTimeoutMs,
      maxBodyBytes: limits.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    },
  };
}

type RequestObject = Exclude<RequestSpecOutput, string>;

function normalize(spec: RequestSpecOutput): { ok: true; value: RequestObject } | { ok: false; message: string } {
  if (typeof spec !== 'string') return { ok: true, value: spec };
  const line = parseRequestLine(spec);
  if (!line) return { ok: false, message: `invalid request line "${spec}": expected "METHOD /path"` };
  return { ok: true, value: { method: line.method as RequestObject['method'], url: line.url } };
}

function resolveUrl(url: string, target: string | undefined): { ok: true; url: URL } | { ok: false; message: string } {
  if (ABSOLUTE_URL_RE.test(url)) {
    const absolute = parseUrl(url);
    if (absolute === undefined) return { ok: false, message: `invalid URL "${url}"` };
    if (absolute.protocol !== 'http:' && absolute.protocol !== 'https:') {
      return { ok: false, message: `unsupported URL scheme "${absolute.protocol}" in "${url}": use http or https` };
    }
    return { ok: true, url: absolute };
  }
  if (target === undefined || target === '') {
    return {
      ok: false,
      message: `"${url}" is a path but the journey has no target: set \`target:\` (e.g. \${BASE_URL}) or use an absolute URL`,
    };
  }
  const base = parseUrl(target);
  if (base === undefined) return { ok: false, message: `invalid target URL "${target}"` };

  // Split the step's path by hand: `new URL('//evil/x', base)` would treat `//evil` as a host.
  const hashAt = url.indexOf('#');
  const withoutHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = withoutHash.indexOf('?');
  const rawPath = queryAt === -1 ? withoutHash : withoutHash.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : withoutHash.slice(queryAt + 1);

  const basePath = base.pathname.replace(/\/+$/, '');
  const stepPath = rawPath.replace(/^\/+/, '');
  const joined = new URL(base.origin);
  joined.pathname = `${basePath}/${stepPath}`;
  const search = [base.search.replace(/^\?/, ''), rawQuery].filter((part) => part !== '').join('&');
  joined.search = search;
  return { ok: true, url: joined };
}

/** One parse instead of `URL.canParse` then `new URL` (Node 20 has no `URL.parse`). */
function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

let userAgent: string | undefined;

/**
 * `pathproof/<version>` from package.json. Read once: it is a constant of the installed
 * package, and a read per request showed up as a tenth of the runner's time in `npm run bench`.
 */
function defaultUserAgent(): string {
  if (userAgent !== undefined) return userAgent;
  const version = packageVersion();
  userAgent = version === undefined ? 'pathproof' : `pathproof/${version}`;
  return userAgent;
}
