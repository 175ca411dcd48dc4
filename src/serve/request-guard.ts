/**
 * What `pathproof serve` checks on every request before routing or the token, as pure
 * functions of the request line and headers. The API can start runs against production and
 * lists what is deployed, and by default it has no token: the browser of the operator who
 * runs it is the attack path.
 *
 * - **Malformed request targets** (`/api/runs/%E0%A4%A`, `GET http://[x/`, `*`) are 400 with a
 *   one-line reason, never a 500 with a stack: an unauthenticated client must not be able to
 *   fill the log with traces.
 * - **DNS rebinding**: a page on `evil.example` whose name is made to resolve to 127.0.0.1 can
 *   read the API with the browser's same-origin blessing — but its requests carry
 *   `Host: evil.example`. Only these Host names are answered: IP literals (a rebinding attack
 *   needs a name), `localhost` and `*.localhost` (they always resolve to this machine), and
 *   the names given with `--allow-host` (a Service or ingress name, say).
 * - **Cross-site requests**: a page the operator has open can POST to 127.0.0.1 without
 *   reading the answer (`text/plain` is a "simple" request: no CORS preflight). State-changing
 *   requests with a cross-site `Origin` or `Sec-Fetch-Site` are refused, and their bodies must
 *   be JSON (`content-type: application/json`), which a page cannot send cross-site without a
 *   preflight that this server never grants.
 */

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly status: 400 | 403 | 415 | 421; readonly message: string };

const OK: Verdict = { ok: true };

/** The path of a request target, or why it is malformed. Origin-form (`/x?y`) and absolute-form (`http://h/x`). */
export function requestPath(target: string | undefined): { ok: true; path: string } | { ok: false; message: string } {
  if (target === undefined || target === '') return { ok: false, message: 'malformed request: no request target' };
  // Control characters and spaces never belong in a target (node lets some through).
  if ([...target].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f)) return { ok: false, message: 'malformed request target: it contains spaces or control characters' };
  let url: URL;
  try {
    url = target.startsWith('/') ? new URL(`http://pathproof.invalid${target}`) : new URL(target);
  } catch {
    return { ok: false, message: `malformed request target: ${JSON.stringify(shorten(target))} is neither a path nor an absolute URL` };
  }
  if (!target.startsWith('/') && url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `malformed request target: ${JSON.stringify(shorten(target))} is neither a path nor an http URL` };
  }
  try {
    decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, message: `malformed request target: bad percent-encoding in ${JSON.stringify(shorten(url.pathname))}` };
  }
  return { ok: true, path: url.pathname };
}

export interface HostRules {
  /** The address the server is bound to (`127.0.0.1`, `::`, `0.0.0.0`). */
  readonly listenHost: string;
  /** Extra names, from `--allow-host`: `status.example.com`, or `.example.com` for every subdomain. */
  readonly allowHosts: readonly string[];
}

/** The host name of a Host header, lower-case, without port or trailing dot; undefined when malformed. */
export function hostName(header: string): string | undefined {
  const match = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9._~!$&'()*+,;=%-]+))(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!match) return undefined;
  const name = (match[1] ? `[${match[1]}]` : (match[2] as string)).toLowerCase();
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

function isIpLiteral(name: string): boolean {
  return /^\[[0-9a-f:.]+\]$/.test(name) || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(name);
}

/** Whether to answer a request with this `Host` header (DNS rebinding protection). */
export function checkHost(header: string | undefined, rules: HostRules): Verdict {
  if (header === undefined || header.trim() === '') return { ok: false, status: 400, message: 'malformed request: no Host header' };
  const name = hostName(header);
  if (name === undefined) return { ok: false, status: 400, message: `malformed request: Host header ${JSON.stringify(shorten(header))} is not a host name` };
  if (isIpLiteral(name) || name === 'localhost' || name.endsWith('.localhost')) return OK;
  for (const allowed of rules.allowHosts.map((h) => h.toLowerCase().replace(/\.$/, ''))) {
    if (allowed.startsWith('.') ? name.endsWith(allowed) || name === allowed.slice(1) : name === allowed) return OK;
  }
  return {
    ok: false,
    status: 421,
    message:
      `Host "${shorten(name)}" is not a name this server answers to (DNS rebinding protection): ` +
      `it answers to IP addresses, localhost and the names given with --allow-host (or PATHPROOF_ALLOW_HOSTS)`,
  };
}

/**
 * Refuses state-changing requests sent by another site: a cross-site or same-site (another
 * port of this host is another site's app) `Sec-Fetch-Site`, or an `Origin` whose host is not
 * the one the request was sent to. Tools (curl, Flagger, CI) send neither header.
 */
export function checkOrigin(headers: { readonly origin?: string; readonly 'sec-fetch-site'?: string; readonly host?: string }): Verdict {
  const site = headers['sec-fetch-site']?.toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return { ok: false, status: 403, message: `cross-site request refused (Sec-Fetch-Site: ${shorten(site)}): start runs from the API with a tool, not from another page` };
  }
  // The browser says the request comes from our own page (a page script cannot set this
  // header); our sign-in form under `Referrer-Policy: no-referrer` sends `Origin: null`.
  if (site === 'same-origin') return OK;
  const origin = headers.origin;
  if (origin === undefined) return OK;
  let originHost: string | undefined;
  try {
    originHost = origin === 'null' ? undefined : new URL(origin).host.toLowerCase();
  } catch {
    originHost = undefined;
  }
  if (originHost === undefined || originHost !== headers.host?.trim().toLowerCase()) {
    return { ok: false, status: 403, message: `cross-site request refused (Origin: ${shorten(origin)}): start runs from the API with a tool, not from another page` };
  }
  return OK;
}

/** A non-empty body of a state-changing request must be declared JSON (`application/json`, `application/*+json`). */
export function checkJsonContentType(contentType: string | undefined, contentLength: string | undefined, chunked: boolean): Verdict {
  const hasBody = chunked || (contentLength !== undefined && contentLength.trim() !== '0');
  if (!hasBody) return OK;
  const type = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return OK;
  return {
    ok: false,
    status: 415,
    message: `request body must be JSON: send content-type: application/json (got ${type === '' ? 'none' : JSON.stringify(shorten(type))})`,
  };
}

function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}

/**
 * Log lines about bad requests, bounded: the first `perMinute` each minute, then one line
 * saying how many were left out. An unauthenticated client must not be able to flood the log.
 */
export function boundedLog(write: (line: string) => void, now: () => number, perMinute = 20): (line: string) => void {
  let windowStart = now();
  let count = 0;
  let dropped = 0;
  return (line) => {
    if (now() - windowStart >= 60_000) {
      if (dropped > 0) write(`pathproof: ${dropped} more bad requests in the last minute were not logged`);
      windowStart = now();
      count = 0;
      dropped = 0;
    }
    if (count < perMinute) {
      count++;
      write(line);
    } else dropped++;
  };
}
