/**
 * Listens to one page for the evidence a failed browser step needs: requests that failed
 * or answered >= 400, console errors, uncaught page errors, and the last main-frame
 * navigation. Drivers open a window per step (`beginStep`) and read it on failure.
 *
 * Window rule: a step's snapshot covers the step itself AND the step before it. A click
 * resolves as soon as the click is dispatched, so the fetch it triggers (and its 401)
 * usually lands while the *next* step (`see: …`) is waiting; without the carry-over the
 * failing step would have no evidence and the 401 would read as wrong text.
 *
 * In-flight requests: a fetch that never answers leaves no failed request behind, so the
 * step's failure would read as wrong text. Requests are tracked from `request` until their
 * `response` (headers arrived: it answered) or `requestfailed`; what is left at snapshot
 * time is pending. Only xhr/fetch count: documents have their own navigation handling, and
 * long-lived streams (eventsource, websocket) are pending by design.
 */
import type { ConsoleMessage, Page, Request, Response } from 'playwright-core';
import type { Clock } from '../../result/clock.js';
import type { FailedRequest, PendingRequest } from '../../result/types.js';

export interface DocumentSeen {
  readonly url: string;
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Chromium's failure text when the navigation never got a response (net::ERR_…). */
  readonly failure?: string;
}

export interface RecorderSnapshot {
  readonly failedRequests: readonly FailedRequest[];
  /**
   * xhr/fetch requests started in the window that had no response and no failure yet when
   * the snapshot was taken: what the page was still waiting for (a hung API call).
   */
  readonly pendingRequests: readonly PendingRequest[];
  readonly consoleErrors: readonly string[];
  readonly pageErrors: readonly string[];
  /** The last main-frame navigation of the page (not windowed: it is the page's current state). */
  readonly document?: DocumentSeen;
}

export interface PageRecorder {
  /** Opens the evidence window of a new step; drops what is older than the previous step. */
  beginStep(): void;
  /** Events of the current and previous step, oldest first. */
  snapshot(): RecorderSnapshot;
  /** Stops listening. */
  dispose(): void;
}

/** Response headers worth keeping: they name who answered. Never cookies or authorization. */
export function keepHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'server' || lower === 'via' || lower === 'content-type' || lower.startsWith('x-');
}

export function pickHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (keepHeader(name)) kept[name.toLowerCase()] = value;
  return kept;
}

/** Bounds memory on chatty pages: a window keeps at most this many events of each kind. */
const MAX_EVENTS = 50;
const MAX_TEXT = 500;
/** Resource types whose pending state is evidence (see the module comment). */
const PENDING_RESOURCES: ReadonlySet<string> = new Set(['xhr', 'fetch']);

interface Stamped<T> {
  readonly step: number;
  readonly value: T;
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

export function recordPage(page: Page, clock: Clock): PageRecorder {
  let step = 0;
  const started = new WeakMap<Request, number>();
  // Insertion order = start order, so the oldest pending request comes first.
  const inFlight = new Map<Request, { step: number; start: number }>();
  const requests: Stamped<FailedRequest>[] = [];
  const consoleErrors: Stamped<string>[] = [];
  const pageErrors: Stamped<string>[] = [];
  let document: DocumentSeen | undefined;

  const push = <T>(list: Stamped<T>[], value: T): void => {
    if (list.filter((e) => e.step === step).length >= MAX_EVENTS) return;
    list.push({ step, value });
  };
  const durationOf = (request: Request): number | undefined => {
    const start = started.get(request);
    return start === undefined ? undefined : Math.round(clock.now() - start);
  };
  const isMainDocument = (request: Request): boolean => {
    try {
      return request.isNavigationRequest() && request.frame() === page.mainFrame();
    } catch {
      // Service-worker requests have no frame; they are never the main document.
      return false;
    }
  };

  const onRequest = (request: Request): void => {
    const start = clock.now();
    started.set(request, start);
    // Bounded like the other events: a page firing hundreds of polls keeps the first ones.
    if (PENDING_RESOURCES.has(request.resourceType()) && inFlight.size < MAX_EVENTS * 2) inFlight.set(request, { step, start });
  };
  const onResponse = (response: Response): void => {
    const request = response.request();
    inFlight.delete(request);
    const status = response.status();
    const headers = pickHeaders(response.headers());
    if (isMainDocument(request)) document = { url: response.url(), status, headers };
    if (status < 400) return;
    push(requests, {
      method: request.method(),
      url: response.url(),
      status,
      resourceType: request.resourceType(),
      durationMs: durationOf(request),
      headers,
    });
  };
  const onRequestFailed = (request: Request): void => {
    inFlight.delete(request);
    const failure = request.failure()?.errorText;
    if (isMainDocument(request)) document = { url: request.url(), failure };
    push(requests, {
      method: request.method(),
      url: request.url(),
      failure,
      resourceType: request.resourceType(),
      durationMs: durationOf(request),
    });
  };
  const onConsole = (message: ConsoleMessage): void => {
    if (message.type() === 'error') push(consoleErrors, clip(message.text()));
  };
  const onPageError = (error: Error): void => {
    push(pageErrors, clip(error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message));
  };

  page.on('request', onRequest);
  page.on('response', onResponse);
  page.on('requestfailed', onRequestFailed);
  page.on('console', onConsole);
  page.on('pageerror', onPageError);

  const prune = <T>(list: Stamped<T>[]): void => {
    const keepFrom = list.findIndex((e) => e.step >= step - 1);
    list.splice(0, keepFrom === -1 ? list.length : keepFrom);
  };
  const values = <T>(list: readonly Stamped<T>[]): T[] => list.filter((e) => e.step >= step - 1).map((e) => e.value);

  return {
    beginStep() {
      step += 1;
      for (const [request, seen] of inFlight) if (seen.step < step - 1) inFlight.delete(request);
      prune(requests);
      prune(consoleErrors);
      prune(pageErrors);
    },
    snapshot() {
      const now = clock.now();
      const pendingRequests: PendingRequest[] = [];
      for (const [request, seen] of inFlight) {
        if (seen.step < step - 1) continue;
        pendingRequests.push({ method: request.method(), url: request.url(), resourceType: request.resourceType(), pendingMs: Math.round(now - seen.start) });
      }
      return {
        failedRequests: values(requests),
        pendingRequests,
        consoleErrors: values(consoleErrors),
        pageErrors: values(pageErrors),
        document,
      };
    },
    dispose() {
      page.off('request', onRequest);
      page.off('response', onResponse);
      page.off('requestfailed', onRequestFailed);
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
      inFlight.clear();
    },
  };
}
