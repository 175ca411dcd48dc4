/**
 * One browser per run, launched lazily on the first browser step, a fresh context per
 * journey attempt. Playwright itself is imported only then (`await import`), so runs
 * with HTTP steps only never load it.
 *
 * Hazards handled here:
 * - concurrent journeys asking at once share one launch promise (no duplicate browsers);
 * - a crashed / disconnected browser is relaunched before the next context is created;
 * - a failed launch is not cached: the next attempt tries again (discovery is cheap).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as PlaywrightModule from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Clock } from '../../result/clock.js';
import type { EvidenceFile, Redactor } from '../../result/types.js';
import type { BrowserAttempt, BrowserSupport, EvidenceSink } from '../types.js';
import { RunnerFault } from '../types.js';
import { discoverBrowser } from './discover.js';
import { TRACEPARENT } from '../trace.js';
import type { TraceContext } from '../trace.js';
import { recordPage } from './recorder.js';
import { scanZipForSecrets } from './trace-scan.js';
import { messageOf } from '../../util/errors.js';

type Playwright = typeof PlaywrightModule;

export interface BrowserSupportOptions {
  /** Reads PATHPROOF_BROWSER_WS, PATHPROOF_CHROMIUM and PATH. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  /** `on-failure`: record a Playwright trace per attempt, keep it only when the attempt failed. */
  readonly trace?: 'off' | 'on-failure';
  /** Bound on launching (or connecting to) the browser. Default 30s. */
  readonly launchTimeoutMs?: number;
}

export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
] as const;

const DEFAULT_LAUNCH_TIMEOUT_MS = 30_000;
/** Cookies into or out of the browser take one CDP call; past this the browser is stalled. */
const COOKIE_SYNC_MS = 2_000;
/** A browser that refused a new page is given this long to report that it is going away. */
const DISCONNECT_WAIT_MS = 1_000;

export function createBrowserSupport(options: BrowserSupportOptions): BrowserSupport {
  const launchTimeout = options.launchTimeoutMs ?? DEFAULT_LAUNCH_TIMEOUT_MS;
  let playwright: Promise<Playwright> | undefined;
  let launching: Promise<Browser> | undefined;
  let live: Browser | undefined;
  let closed = false;
  const open = new Set<BrowserAttempt>();

  const loadPlaywright = (): Promise<Playwright> => {
    playwright ??= import('playwright-core').catch((error: unknown) => {
      playwright = undefined;
      throw new RunnerFault('PLAYWRIGHT_MISSING', `could not load the playwright-core package: ${messageOf(error, 1)}`, { cause: error });
    });
    return playwright;
  };

  const launch = async (): Promise<Browser> => {
    const pw = await loadPlaywright();
    const source = discoverBrowser({ env: options.env, playwrightExecutable: () => pw.chromium.executablePath() });
    try {
      if (source.kind === 'remote') return await pw.chromium.connect(source.wsEndpoint, { timeout: launchTimeout });
      return await pw.chromium.launch({
        executablePath: source.path,
        headless: true,
        args: [...LAUNCH_ARGS],
        timeout: launchTimeout,
        // Playwright closes the browser on these signals by default: SIGTERM would cut the
        // journeys serve is draining, SIGHUP (reload journeys) would crash every browser step.
        // pathproof owns its signals and closes the browser itself (close() below).
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (error) {
      const where = source.kind === 'remote' ? `connect to ${source.wsEndpoint}` : `launch ${source.path} (from ${source.origin})`;
      throw new RunnerFault('BROWSER_LAUNCH_FAILED', `could not ${where}: ${messageOf(error, 1).split('\n', 1)[0] ?? ''}`, { cause: error });
    }
  };

  /** The run's browser: shared while connected, relaunched once if it crashed. */
  const browser = async (): Promise<Browser> => {
    for (let tries = 0; tries < 2; tries++) {
      const pending = (launching ??= launch());
      let current: Browser;
      try {
        current = await pending;
      } catch (error) {
        if (launching === pending) launching = undefined;
        throw error;
      }
      if (launching === pending) live = current;
      if (current.isConnected()) return current;
      // Crashed or the remote server went away: only the first caller to notice replaces it.
      if (launching === pending) launching = undefined;
    }
    throw new RunnerFault('BROWSER_LAUNCH_FAILED', 'the browser disconnected right after launch');
  };

  /** Forgets a browser that went away, so the next caller relaunches (only if it is still the run's browser). */
  const forget = (gone: Browser): void => {
    if (live === gone) {
      live = undefined;
      launching = undefined;
    }
  };

  /**
   * A context and its page. The browser may close or die between the connected check and
   * any of these calls (a crash, a remote server going away): then one relaunch.
   */
  const openPage = async (insecure: boolean, traceTitle: string | undefined): Promise<{ context: BrowserContext; page: Page }> => {
    for (let tries = 0; ; tries++) {
      const current = await browser();
      let context: BrowserContext | undefined;
      try {
        context = await current.newContext({ ignoreHTTPSErrors: insecure });
        if (traceTitle !== undefined) await context.tracing.start({ screenshots: true, snapshots: true, title: traceTitle });
        return { context, page: await context.newPage() };
      } catch (error) {
        await context?.close().catch(() => undefined);
        if (tries > 0 || !(await disconnects(current, DISCONNECT_WAIT_MS))) throw error;
        forget(current);
      }
    }
  };

  return {
    async openAttempt({ journey, attempt, insecure, firstParty, trace, secrets }) {
      if (closed) throw new RunnerFault('BROWSER_CLOSED', 'the browser support of this run is already closed');
      const tracing = options.trace === 'on-failure';
      const { context, page } = await openPage(insecure, tracing ? `${journey} #${attempt}` : undefined);
      const traced = trace === undefined ? { count: () => 0 } : await sendTraceparent(context, page, trace);
      const recorder = recordPage(page, { clock: options.clock, firstParty });
      let secretUsed = false;
      let cookieVersion = -1;
      let ended: Promise<EvidenceFile[]> | undefined;

      const end = async (keep: { evidence: EvidenceSink } | undefined): Promise<EvidenceFile[]> => {
        const files: EvidenceFile[] = [];
        try {
          if (tracing && keep && !secretUsed) files.push(...(await saveTrace(context, { journey, attempt, evidence: keep.evidence, secrets })));
        } finally {
          recorder.dispose();
          open.delete(handle);
          // Closing a context of a crashed browser rejects: nothing is left to close then.
          await context.close().catch(() => undefined);
        }
        return files;
      };

      const handle: BrowserAttempt = {
        context,
        page,
        recorder,
        noteSecretUsed() {
          secretUsed = true;
        },
        tracedRequests: () => traced.count(),
        async syncCookies(jar, direction) {
          // Bounded: a stalled browser must not hold the step past its evidence budget.
          const sync = async (): Promise<void> => {
            if (direction === 'to-browser') {
              if (jar.version === cookieVersion) return;
              // Nothing to add (a jar that never held a cookie): no round trip.
              const cookies = jar.toBrowser();
              if (cookies.length > 0) await context.addCookies(cookies);
            } else {
              jar.fromBrowser(await context.cookies());
            }
            cookieVersion = jar.version;
          };
          let timer: NodeJS.Timeout | undefined;
          try {
            await Promise.race([sync(), new Promise<void>((resolve) => (timer = setTimeout(resolve, COOKIE_SYNC_MS)))]);
          } catch {
            // The browser crashed or closed: the step itself reports that; cookies are not its cause.
          } finally {
            clearTimeout(timer);
          }
        },
        finish({ failed, evidence }) {
          ended ??= end(failed ? { evidence } : undefined);
          return ended;
        },
        async close() {
          ended ??= end(undefined);
          await ended.catch(() => undefined);
        },
      };
      open.add(handle);
      return handle;
    },

    async close() {
      closed = true;
      await Promise.all([...open].map((attempt) => attempt.close()));
      const pending = launching;
      launching = undefined;
      const current = await pending?.catch(() => undefined);
      await current?.close().catch(() => undefined);
    },
  };
}

/** Whether the browser disconnects (or already has) within `ms`. */
function disconnects(browser: Browser, ms: number): Promise<boolean> {
  if (!browser.isConnected()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (gone: boolean): void => {
      clearTimeout(timer);
      browser.off('disconnected', onGone);
      resolve(gone);
    };
    const onGone = (): void => done(true);
    const timer = setTimeout(() => done(!browser.isConnected()), ms);
    browser.on('disconnected', onGone);
  });
}

/**
 * W3C trace context on the browser's first-party requests (issue #17): every request to a
 * first-party origin gets `traceparent` with a new span id; third-party hosts never see it
 * (`setExtraHTTPHeaders` would send it everywhere). A traceparent the page set itself (its own
 * OpenTelemetry SDK) is left alone: the app's own propagation is the better link.
 *
 * How: Chromium's Fetch domain, paused only for URLs of the first-party origins, in a CDP
 * session of each page of the context. Not a Playwright route: a route pauses every request
 * of the page (its URL predicate runs in Node) and Playwright turns the HTTP cache off while
 * any route is set, so a journey across several pages downloaded every bundle again, which
 * no user does (and slow-step warnings measured it). Where a CDP session cannot be had (a
 * remote browser that refuses one), the route is the fallback. A popup's first request can
 * leave before its session attaches; its later requests carry the header.
 */
async function sendTraceparent(context: BrowserContext, page: Page, trace: TraceContext): Promise<{ count(): number }> {
  let count = 0;
  // A new span for a first-party request, unless the page set its own traceparent.
  const stamp = (url: string, hasOwn: boolean): string | undefined => {
    if (hasOwn || !trace.sendsTo(url)) return undefined;
    count += 1;
    return trace.next();
  };
  if (trace.origins.length === 0) return { count: () => count };
  const patterns = trace.origins.map((origin) => ({ urlPattern: `${origin.replace(/[\\*?]/g, (c) => `\\${c}`)}/*`, requestStage: 'Request' as const }));
  const attach = async (target: Page): Promise<void> => {
    const cdp = await context.newCDPSession(target);
    cdp.on('Fetch.requestPaused', (event) => {
      const headers = Object.entries(event.request.headers).map(([name, value]) => ({ name, value: String(value) }));
      const value = stamp(event.request.url, headers.some((header) => header.name.toLowerCase() === TRACEPARENT));
      // The page may be gone by now (navigated away, closed): nothing to continue then.
      const continued = value === undefined ? { requestId: event.requestId } : { requestId: event.requestId, headers: [...headers, { name: TRACEPARENT, value }] };
      void cdp.send('Fetch.continueRequest', continued).catch(() => undefined);
    });
    await cdp.send('Fetch.enable', { patterns });
  };
  try {
    await attach(page);
  } catch {
    await context.route(
      (url) => trace.sendsTo(url.href),
      async (route) => {
        const headers = route.request().headers();
        const value = stamp(route.request().url(), headers[TRACEPARENT] !== undefined);
        await route.continue(value === undefined ? undefined : { headers: { ...headers, [TRACEPARENT]: value } }).catch(() => undefined);
      },
    );
    return { count: () => count };
  }
  // Popups and window.open: pages of the same context, the same first-party rule.
  context.on('page', (opened) => {
    if (opened !== page) void attach(opened).catch(() => undefined);
  });
  return { count: () => count };
}

/**
 * Saves the trace through the evidence sink. Callers skip it when a step put a secret into the
 * browser; what no step shows (a cookie, a page echoing a token) is found by reading the zip.
 */
async function saveTrace(
  context: BrowserContext,
  options: { journey: string; attempt: number; evidence: EvidenceSink; secrets: Pick<Redactor, 'holdsSecret'> | undefined },
): Promise<EvidenceFile[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pathproof-trace-'));
  try {
    const path = join(dir, 'trace.zip');
    await context.tracing.stop({ path });
    const data = await readFile(path);
    if (options.secrets) {
      const scan = scanZipForSecrets(data, (text) => options.secrets?.holdsSecret(text) ?? false);
      if (!('holdsSecret' in scan) || scan.holdsSecret) return [];
    }
    return [await options.evidence.write(`${options.journey}-a${options.attempt}-trace.zip`, data, 'trace', 'Playwright trace: npx playwright show-trace <file>')];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

