/**
 * Listens to one page for the evidence a browser step needs and records it as plain facts:
 * which requests the current page made, which failed or are still pending, who they went
 * to (first-party or third-party), which step started them, whether the page asked again
 * with success, whether a step passed after a failure (the page handled it), script errors
 * with the script that threw, and the normal replies of first-party origins.
 *
 * Why pages and relations, not time windows: a verdict must not depend on whether a
 * background call answered just before or just after a step boundary. Evidence belongs to
 * the page it was made on (a main-frame navigation starts a new page and drops the old
 * one's); each request keeps the step it started in and the order it started in, which are
 * the page's own behaviour, not timing. src/classify decides what is relevant.
 *
 * Costs: everything here is in memory from events Playwright already sends, except the body
 * of a first-party error reply (document, xhr, fetch), fetched once, capped, best effort.
 */
import type { ConsoleMessage, Page, Request, Response } from 'playwright-core';
import type { Clock } from '../../result/clock.js';
import type { CertificateTruth, FailedRequest, OriginBaseline, PendingRequest, ScriptError } from '../../result/types.js';
import { foldBaseline } from '../../result/baseline.js';
import { isFirstParty, originOf } from '../../result/origins.js';
import { within } from '../../util/within.js';

export interface DocumentSeen {
  readonly url: string;
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Start of the body of an error document, when the browser gave it. */
  readonly body?: string;
  /** Chromium's failure text when the navigation never got a response (net::ERR_…). */
  readonly failure?: string;
}

export interface RecorderSnapshot {
  /** First-party requests of the current page that failed or answered >= 400, in start order. */
  readonly failedRequests: readonly FailedRequest[];
  /** First-party requests of the current page still unanswered, in start order. */
  readonly pendingRequests: readonly PendingRequest[];
  readonly consoleErrors: readonly string[];
  /** Uncaught errors of first-party scripts (or of scripts the stack does not name). */
  readonly pageErrors: readonly string[];
  readonly thirdParty: { readonly failedRequests: readonly FailedRequest[]; readonly scriptErrors: readonly ScriptError[] };
  readonly baselines: readonly OriginBaseline[];
  /** The current page's main document. */
  readonly document?: DocumentSeen;
}

export interface PageRecorder {
  /**
   * A step starts: requests from now on are "started by" it. `acts`: `now` (goto: it acts as it starts), `when-found` (a control step: it
   * acts once its control is found, see `acting`), `never` (see, wait, …).
   */
  beginStep(kind: string, acts: 'now' | 'when-found' | 'never'): void;
  /**
   * The current step dispatches its action (its control was found). Requests started before
   * this, while it waited for the control, are the page's own: a step that never found its
   * control triggered nothing, whenever the page's own calls happened to start.
   */
  acting(): void;
  /** The step ended; a passed step that used the page proves earlier failures were handled. */
  endStep(label: string, passed: boolean, usedPage: boolean): void;
  /**
   * Evidence of the current page. `scope: 'step'` keeps third-party failures and script
   * errors of this step only (notes of a passing step); `bodies: false` skips waiting for
   * error reply bodies (they are only needed to judge a failure).
   */
  snapshot(options?: { scope?: 'page' | 'step'; bodies?: boolean }): Promise<RecorderSnapshot>;
  /**
   * The TLS certificates of first-party HTTPS documents that answered since the last call
   * (Playwright's `response.securityDetails()`), once each; waits briefly for them.
   */
  certificates(): Promise<CertificateTruth[]>;
  /** Stops listening. */
  dispose(): void;
}

export interface RecorderOptions {
  readonly clock: Clock;
  /** First-party origins: the target's and `origins:`; the current page's own origin counts too. */
  readonly firstParty: readonly string[];
}

/** Response headers worth keeping: they name who answered. Never cookies or authorization. */
export function keepHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'server' || lower === 'via' || lower === 'content-type' || lower === 'content-length' || lower === 'www-authenticate' || lower === 'retry-after' || lower === 'location' || lower.startsWith('x-');
}

export function pickHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (keepHeader(name)) kept[name.toLowerCase()] = value;
  return kept;
}

/** Bounds memory on chatty pages. */
const MAX_REQUESTS_PER_PAGE = 500;
const MAX_ERRORS_PER_PAGE = 50;
const MAX_TEXT = 500;
/** Error reply bodies: enough for a stock page or a JSON error. */
export const MAX_BODY = 8 * 1024;
/**
 * How long a snapshot waits for an error reply's body (fetched from the moment the response
 * arrived). Within the evidence budget, long enough for a loaded machine: a body that was not
 * captured is "unknown", and a verdict must not flip because the machine was busy.
 */
const BODY_WAIT_MS = 1_000;
/** Resource types that carry what the page needs to work (not images, fonts…). */
const DYNAMIC: ReadonlySet<string> = new Set(['document', 'xhr', 'fetch']);
/** Pending requests worth reporting: a page waits on these. */
const WAITED_ON: ReadonlySet<string> = new Set(['document', 'xhr', 'fetch', 'script', 'stylesheet']);
const CREDENTIAL_RE = /(^|[&{,\s"'])(password|passwd|client_secret|grant_type|refresh_token|otp)("?\s*[:=])/i;

interface Tracked {
  readonly seq: number;
  readonly step: number;
  readonly method: string;
  readonly url: string;
  readonly key: string;
  readonly resourceType: string;
  readonly firstParty: boolean;
  readonly start: number;
  readonly stream: boolean;
  readonly sendsCredentials: boolean;
  end?: number;
  endSeq?: number;
  status?: number;
  failure?: string;
  headers?: Record<string, string>;
  body?: Promise<string | undefined>;
}

interface PageState {
  readonly origin: string | undefined;
  readonly requests: Tracked[];
  /** method+path → seqs of answers < 400 (laterSucceeded, repeating). */
  readonly successes: Map<string, number[]>;
  /** Steps that passed using the page, with the event seq they ended at. */
  readonly handled: { seq: number; label: string }[];
  readonly pageErrors: { step: number; error: ScriptError }[];
  readonly consoleErrors: { step: number; text: string; firstParty: boolean }[];
  baselines: Map<string, OriginBaseline>;
  document?: Tracked;
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

function keyOf(method: string, url: string): string {
  try {
    const parsed = new URL(url);
    return `${method} ${parsed.origin}${parsed.pathname}`;
  } catch {
    return `${method} ${url.split(/[?#]/, 1)[0] ?? url}`;
  }
}

const STACK_URL_RE = /\b((?:https?|file):\/\/[^\s)'"]+?)(?::\d+){1,2}\)?(?:\s|$)/;

/** The script at the top of an error's stack (`at fn (https://cdn/x.js:1:2)`), if it names one. */
export function scriptSource(error: Error): string | undefined {
  const stack = error.stack ?? '';
  // Skip the message line(s): frames start with "at ".
  for (const line of stack.split('\n')) {
    if (!/^\s*at\s/.test(line)) continue;
    const match = STACK_URL_RE.exec(line);
    if (match !== null) return match[1];
  }
  return undefined;
}

export function recordPage(page: Page, options: RecorderOptions): PageRecorder {
  const { clock } = options;
  let step = 0;
  let stepActs = false;
  let previousActs = false;
  /** The request sequence number when the current (previous) step dispatched its action. */
  let actedSeq: number | undefined;
  let previousActedSeq: number | undefined;
  let seq = 0;
  const tracked = new WeakMap<Request, Tracked>();
  const fresh = (url?: string): PageState => ({
    origin: url === undefined ? undefined : originOf(url),
    requests: [],
    successes: new Map(),
    handled: [],
    pageErrors: [],
    consoleErrors: [],
    baselines: new Map(),
  });
  let current = fresh();
  // First-party HTTPS documents' security details, until certificates() takes them.
  let security: { origin: string; details: Promise<SecurityDetails | null> }[] = [];

  const firstParty = (url: string): boolean => isFirstParty(url, options.firstParty, current.origin);
  const isMainDocument = (request: Request): boolean => {
    try {
      return request.isNavigationRequest() && request.frame() === page.mainFrame();
    } catch {
      // Service-worker requests have no frame; they are never the main document.
      return false;
    }
  };

  const onRequest = (request: Request): void => {
    const url = request.url();
    if (!/^https?:/i.test(url)) return; // data:, blob:, about: never fail on the network
    const main = isMainDocument(request);
    if (main) current = fresh(url); // a new page: the old page's evidence is history
    if (current.requests.length >= MAX_REQUESTS_PER_PAGE && !main) return;
    const method = request.method();
    let accept = '';
    let postData: string | null = null;
    try {
      accept = request.headers()['accept'] ?? '';
      postData = method === 'GET' ? null : request.postData();
    } catch {
      // headers or body unavailable (service worker): not needed for the verdict
    }
    const entry: Tracked = {
      seq: ++seq,
      step,
      method,
      url,
      key: keyOf(method, url),
      resourceType: request.resourceType(),
      firstParty: main || firstParty(url),
      start: clock.now(),
      stream: accept.includes('text/event-stream'),
      sendsCredentials: postData !== null && CREDENTIAL_RE.test(postData),
    };
    tracked.set(request, entry);
    current.requests.push(entry);
    if (main) current.document = entry;
  };

  const onResponse = (response: Response): void => {
    const entry = tracked.get(response.request());
    if (entry === undefined) return;
    entry.end = clock.now();
    entry.endSeq = ++seq;
    entry.status = response.status();
    let headers: Record<string, string> = {};
    try {
      headers = response.headers();
    } catch {
      // detached: keep none
    }
    entry.headers = pickHeaders(headers);
    if (entry.resourceType === 'document' && entry.firstParty && /^https:/i.test(entry.url)) {
      const origin = originOf(entry.url);
      if (origin !== undefined && security.length < MAX_ERRORS_PER_PAGE) security.push({ origin, details: response.securityDetails().catch(() => null) });
    }
    const page_ = current;
    if (!page_.requests.includes(entry)) return; // a response of an older page
    if (entry.status < 400) {
      const successes = page_.successes.get(entry.key) ?? [];
      successes.push(entry.endSeq);
      page_.successes.set(entry.key, successes);
      if (entry.firstParty && DYNAMIC.has(entry.resourceType) && entry.status !== 304) {
        const origin = originOf(entry.url);
        if (origin !== undefined) {
          const lowered: Record<string, string> = {};
          for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = value;
          page_.baselines.set(origin, foldBaseline(page_.baselines.get(origin), origin, { status: entry.status, url: entry.url, headers: lowered }));
        }
      }
      return;
    }
    if (entry.firstParty && DYNAMIC.has(entry.resourceType)) {
      entry.body = response.text().then(
        (text) => (text.length > MAX_BODY ? text.slice(0, MAX_BODY) : text),
        () => undefined,
      );
    }
  };

  const onRequestFailed = (request: Request): void => {
    const entry = tracked.get(request);
    if (entry === undefined) return;
    entry.end = clock.now();
    entry.endSeq = ++seq;
    entry.failure = request.failure()?.errorText ?? 'net::ERR_FAILED';
  };

  const onConsole = (message: ConsoleMessage): void => {
    if (message.type() !== 'error' || current.consoleErrors.length >= MAX_ERRORS_PER_PAGE) return;
    let where = '';
    try {
      where = message.location().url;
    } catch {
      // no location
    }
    current.consoleErrors.push({ step, text: clip(message.text()), firstParty: where === '' || !/^https?:/i.test(where) || firstParty(where) });
  };

  const onPageError = (error: Error): void => {
    if (current.pageErrors.length >= MAX_ERRORS_PER_PAGE) return;
    const message = clip(error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message);
    const source = scriptSource(error);
    current.pageErrors.push({ step, error: source === undefined ? { message } : { message, source } });
  };

  page.on('request', onRequest);
  page.on('response', onResponse);
  page.on('requestfailed', onRequestFailed);
  page.on('console', onConsole);
  page.on('pageerror', onPageError);

  /**
   * Who started a request: the current step (a content step's whole window; an acting step's
   * window after it acted — or any of it right after an action, whose effects may start late),
   * the previous step's action (after it acted), or else the page on its own.
   */
  const byStep = (entry: Tracked): 'step' | 'page' => {
    if (entry.step === step) return !stepActs || previousActs || (actedSeq !== undefined && entry.seq > actedSeq) ? 'step' : 'page';
    if (entry.step === step - 1 && previousActs) return previousActedSeq !== undefined && entry.seq > previousActedSeq ? 'step' : 'page';
    return 'page';
  };

  return {
    beginStep(_kind, acts) {
      step += 1;
      previousActs = stepActs;
      previousActedSeq = actedSeq;
      stepActs = acts !== 'never';
      actedSeq = acts === 'now' ? seq : undefined;
    },
    acting() {
      actedSeq ??= seq;
    },
    endStep(label, passed, usedPage) {
      if (passed && usedPage) current.handled.push({ seq: ++seq, label });
    },
    async snapshot({ scope = 'page', bodies: wantBodies = true } = {}) {
      const state = current;
      const now = clock.now();
      const failedRequests: FailedRequest[] = [];
      const thirdPartyFailed: FailedRequest[] = [];
      const pendingRequests: PendingRequest[] = [];
      const bodies: Promise<void>[] = [];
      for (const entry of state.requests) {
        const failed = entry.failure !== undefined || (entry.status !== undefined && entry.status >= 400);
        if (!failed) {
          if (entry.end === undefined && entry.firstParty && WAITED_ON.has(entry.resourceType) && !entry.stream && entry !== state.document) {
            const earlier = state.successes.get(entry.key) ?? [];
            pendingRequests.push({
              method: entry.method,
              url: entry.url,
              resourceType: entry.resourceType,
              pendingMs: Math.round(now - entry.start),
              startedBy: byStep(entry),
              ...(earlier.some((s) => s < entry.seq) ? { repeating: true } : {}),
            });
          }
          continue;
        }
        if (!entry.firstParty) {
          if (scope === 'page' || entry.step === step) thirdPartyFailed.push(describe(entry));
          continue;
        }
        const laterSucceeded = (state.successes.get(entry.key) ?? []).some((s) => entry.endSeq !== undefined && s > entry.endSeq);
        const handled = state.handled.find((h) => entry.endSeq !== undefined && h.seq > entry.endSeq);
        const index = failedRequests.length;
        failedRequests.push({
          ...describe(entry),
          startedBy: byStep(entry),
          ...(laterSucceeded ? { laterSucceeded: true } : {}),
          ...(handled === undefined ? {} : { handledBefore: handled.label }),
          ...(entry.sendsCredentials ? { sendsCredentials: true } : {}),
        });
        // An error reply's body, when the browser gives it in time; absent = unknown.
        if (entry.body !== undefined && wantBodies) {
          bodies.push(
            within(entry.body, BODY_WAIT_MS).then((body) => {
              if (body !== undefined) failedRequests[index] = { ...(failedRequests[index] as FailedRequest), body };
            }),
          );
        }
      }
      await Promise.all(bodies);
      const doc = state.document;
      let document: DocumentSeen | undefined;
      if (doc !== undefined) {
        const body = doc.body === undefined || !wantBodies ? undefined : await within(doc.body, BODY_WAIT_MS);
        document = {
          url: doc.url,
          ...(doc.status === undefined ? {} : { status: doc.status }),
          ...(doc.headers === undefined ? {} : { headers: doc.headers }),
          ...(body === undefined ? {} : { body }),
          ...(doc.failure === undefined ? {} : { failure: doc.failure }),
        };
      }
      const inScope = <T extends { step: number }>(items: readonly T[]): T[] => (scope === 'page' ? [...items] : items.filter((i) => i.step === step));
      const scripts = inScope(state.pageErrors);
      const own = scripts.filter((s) => s.error.source === undefined || firstParty(s.error.source)).map((s) => s.error.message);
      const theirs = scripts.filter((s) => s.error.source !== undefined && !firstParty(s.error.source)).map((s) => s.error);
      return {
        failedRequests,
        pendingRequests,
        consoleErrors: inScope(state.consoleErrors)
          .filter((c) => c.firstParty)
          .map((c) => c.text),
        pageErrors: own,
        thirdParty: { failedRequests: thirdPartyFailed, scriptErrors: theirs },
        baselines: [...state.baselines.values()],
        ...(document === undefined ? {} : { document }),
      };
    },
    async certificates() {
      const taken = security;
      security = [];
      const seen = await Promise.all(taken.map(async ({ origin, details }) => certificateOf(origin, await within(details, BODY_WAIT_MS))));
      return seen.filter((c): c is CertificateTruth => c !== undefined);
    },
    dispose() {
      page.off('request', onRequest);
      page.off('response', onResponse);
      page.off('requestfailed', onRequestFailed);
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
    },
  };
}

type SecurityDetails = Awaited<ReturnType<Response['securityDetails']>>;

/** Playwright's security details (validTo in Unix seconds) as a certificate of `origin`. */
export function certificateOf(origin: string, details: SecurityDetails | null | undefined): CertificateTruth | undefined {
  if (details === null || details === undefined || typeof details.validTo !== 'number' || !Number.isFinite(details.validTo)) return undefined;
  return {
    origin,
    notAfter: new Date(details.validTo * 1000).toISOString(),
    ...(details.subjectName ? { subject: details.subjectName } : {}),
    ...(details.issuer ? { issuer: details.issuer } : {}),
  };
}

function describe(entry: Tracked): FailedRequest {
  return {
    method: entry.method,
    url: entry.url,
    ...(entry.status === undefined ? {} : { status: entry.status }),
    ...(entry.failure === undefined ? {} : { failure: entry.failure }),
    resourceType: entry.resourceType,
    ...(entry.end === undefined ? {} : { durationMs: Math.round(entry.end - entry.start) }),
    ...(entry.headers === undefined || entry.status === undefined ? {} : { headers: entry.headers }),
  };
}
