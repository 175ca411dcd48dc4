/**
 * Safe URL rendering for people.
 *
 * Hazard: URLs in journeys may carry secrets in the query string (`?token=…`) or in
 * userinfo (`https://user:pass@host`). Hints, reasons and reports are read by people and
 * pasted into chats, so they only ever show the path (and host:port where it matters).
 */

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
