/**
 * One cookie jar per journey attempt, shared by HTTP and browser steps: a journey that logs
 * in over HTTP carries the session into the browser, and a browser login carries it into
 * later HTTP steps — the way one user's session would.
 *
 * A deliberately small RFC 6265 subset: host-only vs Domain cookies, Path prefixes, Secure,
 * Max-Age/Expires (a past date deletes). Cookies set on redirect hops count (a login that
 * answers 302 + Set-Cookie is the common case), which is why the probe applies the jar per hop.
 */

export interface Cookie {
  readonly name: string;
  readonly value: string;
  /** Lower-case host, without a leading dot. */
  readonly domain: string;
  /** True unless the cookie carried a Domain attribute. */
  readonly hostOnly: boolean;
  readonly path: string;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite?: 'Strict' | 'Lax' | 'None';
  /** Unix seconds; absent for session cookies. */
  readonly expires?: number;
}

/** The shape Playwright's `context.addCookies()` takes and `context.cookies()` returns. */
export interface BrowserCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Strict' | 'Lax' | 'None';
}

export interface CookieJar {
  /** Stores every `Set-Cookie` of a response from `url`. */
  store(url: string, setCookie: readonly string[]): void;
  /** The `cookie` header to send to `url`, or undefined when no cookie applies. */
  header(url: string): string | undefined;
  /** Incremented on every change: callers sync with the browser only when it moved. */
  readonly version: number;
  toBrowser(): BrowserCookie[];
  /** Replaces the jar's content with the browser context's cookies (the browser is the truth after a page step). */
  fromBrowser(cookies: readonly BrowserCookie[]): void;
}

/**
 * Splits a `set-cookie` header that was joined with ", " back into cookies. A comma inside
 * `Expires=Wed, 21 Oct 2026 …` is not followed by `name=`, so it stays.
 */
export function splitSetCookie(joined: string): string[] {
  return joined
    .split(/,\s*(?=[^;,\s=]+=)/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function defaultPath(pathname: string): string {
  if (!pathname.startsWith('/')) return '/';
  const last = pathname.lastIndexOf('/');
  return last <= 0 ? '/' : pathname.slice(0, last);
}

/** Parses one Set-Cookie value in the context of the response URL; undefined when it must be ignored. */
export function parseSetCookie(header: string, url: URL, nowSeconds: number): Cookie | { delete: Cookie } | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  const host = url.hostname.toLowerCase();
  let domain = host;
  let hostOnly = true;
  let path = defaultPath(url.pathname);
  let secure = false;
  let httpOnly = false;
  let sameSite: Cookie['sameSite'];
  let expires: number | undefined;
  let maxAgeSeen = false;
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at === -1 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const raw = at === -1 ? '' : attribute.slice(at + 1).trim();
    if (key === 'domain' && raw !== '') {
      const wanted = raw.replace(/^\./, '').toLowerCase();
      // A server may only set cookies for itself or a parent domain of itself.
      if (host !== wanted && !host.endsWith(`.${wanted}`)) return undefined;
      domain = wanted;
      hostOnly = false;
    } else if (key === 'path' && raw.startsWith('/')) {
      path = raw;
    } else if (key === 'secure') {
      secure = true;
    } else if (key === 'httponly') {
      httpOnly = true;
    } else if (key === 'samesite') {
      const v = raw.toLowerCase();
      sameSite = v === 'strict' ? 'Strict' : v === 'none' ? 'None' : 'Lax';
    } else if (key === 'max-age' && /^-?\d+$/.test(raw)) {
      maxAgeSeen = true;
      expires = nowSeconds + Number(raw);
    } else if (key === 'expires' && !maxAgeSeen) {
      const ms = Date.parse(raw);
      if (!Number.isNaN(ms)) expires = Math.floor(ms / 1000);
    }
  }
  const cookie: Cookie = { name, value, domain, hostOnly, path, secure, httpOnly, ...(sameSite ? { sameSite } : {}), ...(expires !== undefined ? { expires } : {}) };
  if (expires !== undefined && expires <= nowSeconds) return { delete: cookie };
  return cookie;
}

function domainMatches(cookie: Cookie, host: string): boolean {
  return cookie.hostOnly ? host === cookie.domain : host === cookie.domain || host.endsWith(`.${cookie.domain}`);
}

function pathMatches(cookiePath: string, requestPath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

const key = (c: Pick<Cookie, 'name' | 'domain' | 'path'>): string => `${c.domain}\u0000${c.path}\u0000${c.name}`;

export function createCookieJar(now: () => number = () => Date.now()): CookieJar {
  const cookies = new Map<string, Cookie>();
  let version = 0;
  const nowSeconds = (): number => Math.floor(now() / 1000);
  const live = (c: Cookie): boolean => c.expires === undefined || c.expires > nowSeconds();

  return {
    get version() {
      return version;
    },
    store(url, setCookie) {
      if (setCookie.length === 0 || !URL.canParse(url)) return;
      const parsed = new URL(url);
      for (const header of setCookie) {
        const cookie = parseSetCookie(header, parsed, nowSeconds());
        if (!cookie) continue;
        if ('delete' in cookie) cookies.delete(key(cookie.delete));
        else cookies.set(key(cookie), cookie);
        version += 1;
      }
    },
    header(url) {
      if (cookies.size === 0 || !URL.canParse(url)) return undefined;
      const { hostname, pathname, protocol } = new URL(url);
      const host = hostname.toLowerCase();
      const matching = [...cookies.values()]
        .filter((c) => live(c) && domainMatches(c, host) && pathMatches(c.path, pathname || '/') && (!c.secure || protocol === 'https:'))
        // Longer paths first, as browsers send them.
        .sort((a, b) => b.path.length - a.path.length);
      return matching.length === 0 ? undefined : matching.map((c) => `${c.name}=${c.value}`).join('; ');
    },
    toBrowser() {
      return [...cookies.values()].filter(live).map((c) => ({
        name: c.name,
        value: c.value,
        // Playwright treats a leading dot as "this domain and its subdomains".
        domain: c.hostOnly ? c.domain : `.${c.domain}`,
        path: c.path,
        expires: c.expires ?? -1,
        httpOnly: c.httpOnly,
        secure: c.secure,
        sameSite: c.sameSite ?? 'Lax',
      }));
    },
    fromBrowser(browserCookies) {
      cookies.clear();
      for (const c of browserCookies) {
        const hostOnly = !c.domain.startsWith('.');
        const cookie: Cookie = {
          name: c.name,
          value: c.value,
          domain: c.domain.replace(/^\./, '').toLowerCase(),
          hostOnly,
          path: c.path || '/',
          secure: c.secure,
          httpOnly: c.httpOnly,
          sameSite: c.sameSite,
          ...(c.expires > 0 ? { expires: Math.floor(c.expires) } : {}),
        };
        cookies.set(key(cookie), cookie);
      }
      version += 1;
    },
  };
}
