/**
 * Small helpers every hint uses: safe URL rendering, durations, and the "what to check
 * next" list per layer.
 *
 * Hazard: URLs in journeys may carry secrets in the query string (`?token=…`) or in
 * userinfo (`https://user:pass@host`). Hints, reasons and reports are read by people and
 * pasted into chats, so they only ever show the path (and host:port where it matters).
 */
import type { Layer } from '../result/types.js';

/** Hints are one line: collapse whitespace and cap the length of quoted material. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Free text (a step label, a page error) with every query-string or fragment parameter
 * and URL credentials cut: `goto https://u:p@h/search?q=x&token=y` → `goto https://h/search`.
 * Only `?name=…` / `#name=…` shapes are cut, so a question mark in prose survives.
 */
export function stripQueries(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1').replace(/[?#][\w.%~-]+=[^\s"'`)]*/g, '');
}

/**
 * The path of a URL, never its query, fragment or credentials: `https://u:p@h/a/b?t=1#x` → `/a/b`.
 * Relative URLs (`/a?x=1`) and garbage degrade gracefully to the text before `?`/`#`.
 */
export function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    // `user:pass@host/x` parses as scheme "user:" with path "pass@host/x": only trust web schemes.
    if (Object.hasOwn(DEFAULT_PORTS, parsed.protocol)) return parsed.pathname || '/';
  } catch {
    // not absolute: cut by hand below
  }
  const cut = url.split(/[?#]/, 1)[0] ?? '';
  // A relative URL cannot hold userinfo, but a schemeless "user:pass@host/x" could.
  const noAuth = cut.includes('@') ? cut.slice(cut.lastIndexOf('@') + 1) : cut;
  return noAuth === '' ? '/' : noAuth;
}

/**
 * `host:port` of a URL with the scheme's default port filled in, so "connection refused by
 * 127.0.0.1:80" names what was dialled. Undefined when the URL is not absolute.
 */
export function hostPortOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.hostname === '') return undefined;
    const port = parsed.port || DEFAULT_PORTS[parsed.protocol];
    return port ? `${parsed.hostname}:${port}` : parsed.hostname;
  } catch {
    return undefined;
  }
}

/** Host name alone (for DNS hints): `api.example.com`. */
export function hostOf(url: string): string | undefined {
  try {
    const hostname = new URL(url).hostname;
    return hostname === '' ? undefined : hostname;
  } catch {
    return undefined;
  }
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/**
 * A URL shown to a person: path only when it is on the same origin as `base`, otherwise
 * `host/path` (a redirect to `login.example.com/authorize` must say where it went).
 */
export function displayUrl(url: string, base?: string): string {
  try {
    const parsed = base === undefined ? new URL(url) : new URL(url, base);
    const sameOrigin = base !== undefined && safeOrigin(base) === parsed.origin;
    return sameOrigin ? parsed.pathname : `${parsed.host}${parsed.pathname}`;
  } catch {
    return pathOf(url);
  }
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** `POST /api/refunds` */
export function requestLabel(method: string, url: string): string {
  return `${method.toUpperCase()} ${pathOf(url)}`;
}

/**
 * The first path segment as a prefix, for "check which container the proxy forwards /api/ to".
 * `/api/refunds/1` → `/api/`, `/health` → `/health`, `/` → `/`.
 */
export function pathPrefix(url: string): string {
  const path = pathOf(url);
  const match = /^\/[^/]+\//.exec(path);
  return match ? match[0] : path;
}

/** `850ms`, `1.5s`, `30s`, `2m`, `2m5s`, `1h2m`: for people, not for parsing. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms}ms`;
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) {
    const seconds = Math.round(ms / 100) / 10;
    return seconds >= 60 ? '1m' : `${seconds}s`;
  }
  const totalSeconds = Math.round(ms / 1_000);
  if (totalSeconds < 3_600) {
    const minutes = Math.floor(totalSeconds / 60);
    const seconds = totalSeconds % 60;
    return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return minutes === 0 ? `${hours}h` : `${hours}h${minutes}m`;
}

/**
 * What an operator should check next for a failure in `layer`, most likely first. Short
 * imperative lines, used by the investigation record and reports under the hint.
 */
export function nextChecks(layer: Layer): readonly string[] {
  return NEXT_CHECKS[layer];
}

const NEXT_CHECKS = {
  endpoint: [
    'resolve the host name from where pathproof runs (getent hosts / dig)',
    'check something listens on the host and port (docker ps port mappings, ss -ltnp, service endpoints)',
    'check the TLS certificate: expiry, chain, and that it covers the host name',
    'check firewalls, security groups and network policies between the runner and the target',
  ],
  proxy: [
    'read the proxy or load balancer log for this path at this time',
    'check which upstream (container, pool, target group) the proxy forwards this path to',
    'check that upstream is running and passes its health check',
    'check the proxy timeouts against how long the upstream takes',
  ],
  route: [
    'check what the running container serves (its routes, static files, bundle) before the code',
    'check the proxy routes / ingress rules for this path',
    'compare the served version with the one the journey expects',
  ],
  drift: [
    'check which image or build each replica is running, not what the deploy said',
    'check the load balancer is not still sending traffic to old replicas',
    'check the journey targets the intended environment',
  ],
  auth: [
    'check the credentials the journey uses are valid in this environment (expired or rotated secret)',
    'check the identity provider and the session/cookie settings (domain, secure, SameSite)',
    'check the clock skew between the app and the identity provider',
  ],
  authz: [
    'check the roles and policies of the identity the journey uses for this path',
    'check WAF or access rules in front of the app',
    'check recent policy or permission changes in the running build',
  ],
  app: [
    'read the application log for this request at this time',
    'check the app dependencies: database, queue, downstream APIs',
    'check restarts, OOM kills and resource limits of the app container',
  ],
  frontend: [
    'open the page and look for the control the journey names',
    'check the frontend bundle served is the expected build (cache, CDN)',
    'check the browser console for script errors',
    'if the page changed on purpose, update the journey locator',
  ],
  result: [
    'compare the data returned with what the previous steps wrote',
    'check the data store and background jobs that produce this value',
    'check the journey expectation still matches the intended behaviour',
  ],
} as const satisfies Record<Layer, readonly string[]>;
