/**
 * One cookie jar per journey attempt, shared by HTTP and browser steps: a journey that logs
 * in over HTTP carries the session into the browser, and a browser login carries it into
 * later HTTP steps — the way one user's session would.
 *
 * The rules are tough-cookie's (RFC 6265 with the public suffix list): host-only vs Domain
 * cookies, a Domain the host does not belong to or that is a public suffix (`Domain=com`,
 * `Domain=co.uk`, `Domain=github.io`) is refused, Path prefixes, Secure (http://localhost and
 * loopback addresses count as secure contexts, as in Chromium), Max-Age/Expires (a past date
 * deletes), `__Secure-`/`__Host-` prefixes. Cookies set on redirect hops count (a login that
 * answers 302 + Set-Cookie is the common case), which is why the probe applies the jar per hop.
 *
 * Hazard: tough-cookie reads `Date.now()` for expiry when it selects cookies; this jar asks
 * it not to expire anything and decides expiry itself with the injected clock (one clock).
 *
 * Most journeys never see a cookie: tough-cookie (and its public suffix list) is loaded with
 * the first one, and a jar that never held one answers `header()` without it.
 */
import { createRequire } from 'node:module';
import type * as ToughModule from 'tough-cookie';
import type { Cookie as ToughCookie, CookieJar as ToughJar, MemoryCookieStore } from 'tough-cookie';

let toughModule: typeof ToughModule | undefined;

/** tough-cookie, loaded on first use (synchronously: the jar's methods are). */
function tough(): typeof ToughModule {
  toughModule ??= createRequire(import.meta.url)('tough-cookie') as typeof ToughModule;
  return toughModule;
}

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
  /**
   * After a browser step: the browser context may hold newer cookies than the jar. `readBack`
   * brings them in, and runs (once) when the jar is next read for a request: `sync()`. A
   * journey whose browser steps are not followed by HTTP steps never pays for the round trip.
   */
  behindBrowser(readBack: () => Promise<void>): void;
  /** Reads back what a browser step changed, if anything is pending; call before the jar is read. */
  sync(): Promise<void>;
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

/** tough-cookie's jar, configured the way a browser behaves. */
function toughJar(): ToughJar {
  const { CookieJar, MemoryCookieStore } = tough();
  return new CookieJar(new MemoryCookieStore(), {
    rejectPublicSuffixes: true,
    looseMode: false,
    // `localhost` and `.local` hosts, common in test and staging setups.
    allowSpecialUseDomain: true,
    allowSecureOnLocal: true,
    prefixSecurity: 'silent',
  });
}

/** Calls a MemoryCookieStore method through its callback form, which completes synchronously. */
function sync<T>(call: (callback: (error: Error | null, result?: T) => void) => unknown): T | undefined {
  let outcome: { error: Error | null; result?: T } | undefined;
  call((error, result) => (outcome = { error, result }));
  if (!outcome) throw new Error('cookie store did not answer synchronously');
  if (outcome.error) throw outcome.error;
  return outcome.result;
}

/**
 * Unix milliseconds the cookie expires at (-Infinity: already, `Max-Age=0`), or undefined
 * when it never does. Max-Age counts from the cookie's creation by our clock, never from
 * tough-cookie's `lastAccessed`, which it sets from the wall clock on every read.
 */
function expiryMs(cookie: ToughCookie): number | undefined {
  const ms = cookie.expiryTime(cookie.creation instanceof Date ? cookie.creation : undefined);
  return ms === undefined || ms === Infinity ? undefined : ms;
}

function expirySeconds(cookie: ToughCookie): number | undefined {
  const ms = expiryMs(cookie);
  return ms === undefined ? undefined : Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}

const SAME_SITE = { strict: 'Strict', lax: 'Lax', none: 'None' } as const;

function fromTough(cookie: ToughCookie): Cookie {
  const sameSite = SAME_SITE[String(cookie.sameSite).toLowerCase() as keyof typeof SAME_SITE];
  const expires = expirySeconds(cookie);
  return {
    name: cookie.key,
    value: cookie.value,
    domain: (cookie.domain ?? '').replace(/^\./, '').toLowerCase(),
    hostOnly: cookie.hostOnly ?? true,
    path: cookie.path ?? '/',
    secure: cookie.secure,
    httpOnly: cookie.httpOnly,
    ...(sameSite ? { sameSite } : {}),
    ...(expires !== undefined ? { expires } : {}),
  };
}

/**
 * Parses one Set-Cookie value in the context of the response URL by the jar's rules;
 * undefined when it must be ignored (unparseable, a foreign or public-suffix Domain, a
 * Secure cookie from an insecure origin, a broken `__Host-` prefix).
 */
export function parseSetCookie(header: string, url: URL, nowSeconds: number): Cookie | { delete: Cookie } | undefined {
  const stored = toughJar().setCookieSync(header, url, { ignoreError: true, now: new Date(nowSeconds * 1000) });
  if (!stored) return undefined;
  const cookie = fromTough(stored);
  return cookie.expires !== undefined && cookie.expires <= nowSeconds ? { delete: cookie } : cookie;
}

export function createCookieJar(now: () => number = () => Date.now()): CookieJar {
  // Created with the first cookie stored; until then the jar is empty and needs no tough-cookie.
  let tj: ToughJar | undefined;
  const jar = (): ToughJar => (tj ??= toughJar());
  const store = (): MemoryCookieStore => jar().store as MemoryCookieStore;
  let version = 0;
  let readBack: (() => Promise<void>) | undefined;
  const live = (cookie: ToughCookie): boolean => {
    const ms = expiryMs(cookie);
    return ms === undefined || ms > now();
  };
  const all = (): ToughCookie[] => (tj === undefined ? [] : (sync<ToughCookie[]>((cb) => store().getAllCookies(cb)) ?? []));

  return {
    get version() {
      return version;
    },
    store(url, setCookie) {
      if (setCookie.length === 0 || !URL.canParse(url)) return;
      for (const header of setCookie) {
        // A refused cookie is ignored, as a browser ignores it; never an error of the journey.
        const stored = jar().setCookieSync(header, url, { ignoreError: true, now: new Date(now()) });
        if (stored) version += 1;
      }
    },
    header(url) {
      if (tj === undefined || !URL.canParse(url)) return undefined;
      // Expiry by our clock, not tough-cookie's Date.now(); sorted as browsers send them (longer paths first).
      const matching = tj.getCookiesSync(url, { expire: false, sort: true }).filter(live);
      return matching.length === 0 ? undefined : matching.map((c) => c.cookieString()).join('; ');
    },
    toBrowser() {
      return all()
        .filter(live)
        .map(fromTough)
        .map((c) => ({
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
    behindBrowser(read) {
      readBack = read;
    },
    async sync() {
      const read = readBack;
      readBack = undefined;
      await read?.();
    },
    fromBrowser(browserCookies) {
      if (tj !== undefined) sync((cb) => store().removeAllCookies(cb));
      for (const c of browserCookies) {
        const cookie = new (tough().Cookie)({
          key: c.name,
          value: c.value,
          domain: c.domain.replace(/^\./, '').toLowerCase(),
          hostOnly: !c.domain.startsWith('.'),
          path: c.path || '/',
          secure: c.secure,
          httpOnly: c.httpOnly,
          sameSite: c.sameSite.toLowerCase(),
          expires: c.expires > 0 ? new Date(Math.floor(c.expires) * 1000) : 'Infinity',
          creation: new Date(now()),
        });
        sync((cb) => store().putCookie(cookie, cb));
      }
      version += 1;
    },
  };
}
