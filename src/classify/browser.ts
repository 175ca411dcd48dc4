/**
 * A failed browser step → layer and hint.
 *
 * The visible symptom ("button Submit not found") is usually the LAST thing to go wrong,
 * so the cause is looked for in this order, first match wins:
 * 1. the navigation itself failed with a network code (net::ERR_…) → endpoint / proxy /
 *    route / auth, keyed on the code;
 * 2. the main document answered >= 400 → by status (status.ts);
 * 3. the first failed request of the step that can break a page (document, xhr/fetch,
 *    script, stylesheet): by status, or by its net::ERR_ code; images, fonts, favicons and
 *    requests the browser cancelled itself (ERR_ABORTED) are noise and skipped;
 * 4. an xhr/fetch of the step still pending (no response, no failure) for at least
 *    PENDING_EVIDENCE_MS when the step failed → app: the page waited on a hung call, so
 *    "text not visible" is its consequence, not wrong data;
 * 5. an uncaught page error → app;
 * 6. the symptom: locator missing/ambiguous → frontend (an ambiguous locator is the
 *    journey's fault, and the hint says to narrow it), wrong text/value/url → result,
 *    timeout → app, navigation failure without a code → endpoint.
 */
import type { AssertionResult, BrowserObservation, FailedRequest, Failure, Layer, PendingRequest } from '../result/types.js';
import { formatDuration, hostPortOf, oneLine, pathOf, requestLabel, stripQueries } from './hints.js';
import { classifyStatus } from './status.js';
import { classifyTransport } from './transport.js';

export type BrowserSymptom = 'navigation-failed' | 'locator-missing' | 'locator-ambiguous' | 'assertion-failed' | 'timeout';

export interface BrowserFailureInput {
  /** The step label: `click role=button[name="Submit"]`. */
  readonly step: string;
  /** The action key: `goto`, `click`, `see`, … */
  readonly kind: string;
  readonly observation: BrowserObservation;
  readonly symptom: BrowserSymptom;
  readonly failed: readonly AssertionResult[];
  /** The driver's (redacted) error text; kept as the failure's message, never parsed. */
  readonly message: string;
}

/** Resource types whose failure can break what the user sees. */
const PAGE_BREAKING_RESOURCES: ReadonlySet<string> = new Set(['document', 'xhr', 'fetch', 'script', 'stylesheet', 'eventsource', 'websocket']);

/** Failures the browser causes itself (navigation cancelled pending requests, an ad blocker). */
const NOISE_CODES: ReadonlySet<string> = new Set(['ERR_ABORTED', 'ERR_BLOCKED_BY_CLIENT']);

/** Chromium net codes that mean the same as a Node transport code: reuse its hint. */
const NET_TO_TRANSPORT: Readonly<Record<string, string>> = {
  ERR_NAME_NOT_RESOLVED: 'ENOTFOUND',
  ERR_NAME_RESOLUTION_FAILED: 'EAI_AGAIN',
  ERR_CONNECTION_REFUSED: 'ECONNREFUSED',
  ERR_CONNECTION_RESET: 'ECONNRESET',
  ERR_CONNECTION_CLOSED: 'ECONNRESET',
  ERR_CONNECTION_ABORTED: 'ECONNRESET',
  ERR_EMPTY_RESPONSE: 'ECONNRESET',
  ERR_CONNECTION_TIMED_OUT: 'ETIMEDOUT',
  ERR_TIMED_OUT: 'ETIMEDOUT',
  ERR_ADDRESS_UNREACHABLE: 'EHOSTUNREACH',
  ERR_INTERNET_DISCONNECTED: 'ENETUNREACH',
  ERR_TOO_MANY_REDIRECTS: 'PATHPROOF_TOO_MANY_REDIRECTS',
};

interface NetRule {
  readonly layer: Layer;
  readonly what: string;
}

const NET_RULES: Readonly<Record<string, NetRule>> = {
  ERR_CERT_DATE_INVALID: { layer: 'endpoint', what: 'the certificate has expired or is not valid yet — renew it, or check the clocks' },
  ERR_CERT_AUTHORITY_INVALID: {
    layer: 'endpoint',
    what: 'the certificate is not signed by a trusted CA (self-signed or private CA) — install a CA-signed one, or set `insecure: true` for a test target',
  },
  ERR_CERT_COMMON_NAME_INVALID: {
    layer: 'endpoint',
    what: 'the certificate does not cover this host name — the wrong host or virtual host answered, or the certificate lacks this name',
  },
  ERR_CERT_REVOKED: { layer: 'endpoint', what: 'the certificate was revoked — install a new one' },
  ERR_SSL_PROTOCOL_ERROR: { layer: 'endpoint', what: 'the TLS handshake failed — check http:// versus https:// and the port' },
  ERR_PROXY_CONNECTION_FAILED: { layer: 'proxy', what: 'the browser could not reach its configured forward proxy — check the proxy settings where pathproof runs' },
  ERR_TUNNEL_CONNECTION_FAILED: { layer: 'proxy', what: 'the forward proxy refused to tunnel to the target — check the proxy settings and its allow-list' },
  ERR_INVALID_AUTH_CREDENTIALS: { layer: 'auth', what: 'the credentials were refused — check the journey credentials for this environment' },
  ERR_INCOMPLETE_CHUNKED_ENCODING: { layer: 'app', what: 'the response was cut off mid-body — check the app (or proxy) did not die mid-response' },
  ERR_CONTENT_LENGTH_MISMATCH: { layer: 'app', what: 'the response was cut off mid-body — check the app (or proxy) did not die mid-response' },
  ERR_INVALID_RESPONSE: { layer: 'endpoint', what: 'what answered does not speak HTTP properly — check the right service listens on that port' },
  ERR_INVALID_HTTP_RESPONSE: { layer: 'endpoint', what: 'what answered does not speak HTTP properly — check the right service listens on that port' },
  ERR_ABORTED: { layer: 'route', what: 'the URL did not load as a page (a download or an empty response) — check the journey navigates to a page' },
};

/**
 * A request pending for less than this when the step failed is not evidence: it may just
 * have been fired (a poll, a click at the end of the step). Hung calls wait for seconds.
 */
export const PENDING_EVIDENCE_MS = 1_000;

/** Pending requests that can leave the page waiting (the recorder already keeps only these). */
const PENDING_RESOURCES: ReadonlySet<string> = new Set(['xhr', 'fetch']);

const NET_CODE_RE = /\b(?:net::)?(ERR_[A-Z0-9_]+)\b/;

/** `ERR_CONNECTION_REFUSED` from `net::ERR_CONNECTION_REFUSED at http://…`, or undefined. */
export function netCode(text: string | undefined): string | undefined {
  return text === undefined ? undefined : NET_CODE_RE.exec(text)?.[1];
}

/** Classify one failed browser step. Pure. */
export function classifyBrowser(input: BrowserFailureInput): Failure {
  const { observation } = input;
  const message = input.failed[0]?.expression ?? input.message;

  const navigation = netCode(observation.navigationError);
  if (navigation !== undefined && navigation !== 'ERR_HTTP_RESPONSE_CODE_FAILURE') {
    const document = observation.failedRequests.find((r) => r.resourceType === 'document');
    const url = document?.url ?? observation.url;
    return { ...netFailure(navigation, { method: document?.method ?? 'GET', url }, 'navigation'), message };
  }

  if (observation.documentStatus !== undefined && observation.documentStatus >= 400) {
    const verdict = classifyStatus({
      status: observation.documentStatus,
      method: 'GET',
      url: observation.url,
      ...(observation.documentHeaders === undefined ? {} : { headers: observation.documentHeaders }),
    });
    if (verdict !== undefined) return { ...verdict, message, reason: `page document: ${verdict.reason}` };
  }

  const request = firstBreakingRequest(observation.failedRequests);
  if (request !== undefined) {
    const resource = request.resourceType;
    if (request.status !== undefined && request.status >= 400) {
      const verdict = classifyStatus({
        status: request.status,
        method: request.method,
        url: request.url,
        ...(request.headers === undefined ? {} : { headers: request.headers }),
        ...(resource === undefined ? {} : { resource }),
      });
      if (verdict !== undefined) {
        return { ...verdict, message, reason: `first failed request of the step: ${requestLabel(request.method, request.url)} → ${request.status}; ${verdict.reason}` };
      }
    }
    const code = netCode(request.failure);
    if (code !== undefined) {
      return { ...netFailure(code, request, resource === undefined ? 'request' : resource), message };
    }
  }

  const pending = firstHungRequest(observation.pendingRequests ?? []);
  if (pending !== undefined) {
    const label = requestLabel(pending.method, pending.url);
    const waited = formatDuration(pending.pendingMs);
    const step = oneLine(stripQueries(input.step), 100);
    return {
      layer: 'app',
      hint: `${label} had not answered after ${waited} when the step gave up on ${pathOf(observation.url)} (${step}): the page waited on a hung call — check the app's logs, slow queries and downstream calls for ${label}`,
      message,
      reason: `${label} (${pending.resourceType ?? 'request'}) was still pending after ${waited}, with no failed request before it`,
    };
  }

  const pageError = observation.pageErrors[0];
  if (pageError !== undefined) {
    const firstLine = stripQueries(pageError.split('\n', 1)[0] ?? pageError);
    return {
      layer: 'app',
      hint: `uncaught error on ${pathOf(observation.url)}: "${oneLine(firstLine, 100)}" — the page's code threw; check the served bundle and the APIs it calls`,
      message,
      reason: `page error with no failed request${observation.pageErrors.length > 1 ? ` (${observation.pageErrors.length} page errors)` : ''}`,
    };
  }

  return symptomFailure(input, message);
}

/** The oldest xhr/fetch that had waited long enough to be the cause. */
function firstHungRequest(requests: readonly PendingRequest[]): PendingRequest | undefined {
  return requests.find(
    (request) => (request.resourceType === undefined || PENDING_RESOURCES.has(request.resourceType)) && request.pendingMs >= PENDING_EVIDENCE_MS,
  );
}

function firstBreakingRequest(requests: readonly FailedRequest[]): FailedRequest | undefined {
  return requests.find((request) => {
    if (request.resourceType !== undefined && !PAGE_BREAKING_RESOURCES.has(request.resourceType)) return false;
    if (request.status !== undefined && request.status >= 400) return true;
    const code = netCode(request.failure);
    return code !== undefined && !NOISE_CODES.has(code);
  });
}

/** A net::ERR_ code on the navigation or on one request of the page. */
function netFailure(code: string, request: { readonly method: string; readonly url: string }, what: string): Omit<Failure, 'message'> {
  const net = `net::${code}`;
  const transport = NET_TO_TRANSPORT[code];
  if (transport !== undefined) {
    const failure = classifyTransport(transport, { method: request.method, url: request.url });
    return { layer: failure.layer, hint: `${failure.hint} (${what}: ${net})`, code: net, reason: `${what} failed with ${net}` };
  }
  const label = requestLabel(request.method, request.url);
  const where = hostPortOf(request.url) ?? pathOf(request.url);
  const rule = NET_RULES[code];
  if (rule !== undefined) {
    return { layer: rule.layer, hint: `${net} on ${label} (${what}) from ${where}: ${rule.what}`, code: net, reason: `${what} failed with ${net}` };
  }
  if (code.startsWith('ERR_CERT_') || code.startsWith('ERR_SSL_')) {
    return {
      layer: 'endpoint',
      hint: `${net} on ${label} (${what}) from ${where}: the TLS certificate or handshake was refused — check the certificate and TLS configuration of the target`,
      code: net,
      reason: `${what} failed with TLS code ${net}`,
    };
  }
  return {
    layer: 'endpoint',
    hint: `${net} on ${label} (${what}) from ${where}: an unrecognised network error — check the target is reachable from where pathproof runs`,
    code: net,
    reason: `unrecognised network code ${net}: endpoint by default`,
  };
}

function symptomFailure(input: BrowserFailureInput, message: string): Failure {
  const { observation } = input;
  const step = oneLine(stripQueries(input.step), 100);
  const page = pathOf(observation.url);
  const locator = oneLine(stripQueries(observation.locator ?? input.step), 100);
  switch (input.symptom) {
    case 'locator-missing': {
      const candidates = (observation.candidates ?? []).slice(0, 3).map((c) => oneLine(stripQueries(c), 40));
      const closest = candidates.length === 0 ? 'nothing similar on the page' : `closest on the page: ${candidates.join(', ')}`;
      return {
        layer: 'frontend',
        hint: `${step} on ${page}: the page was served but ${locator} is missing or not interactive (${closest}) — check the running frontend build, or update the locator if the page changed on purpose`,
        message,
        reason: 'the page loaded with no failed request, but the control was not found',
      };
    }
    case 'locator-ambiguous': {
      const count = observation.matchCount === undefined ? 'several' : String(observation.matchCount);
      return {
        layer: 'frontend',
        hint: `${step} on ${page}: ${locator} matches ${count} elements — narrow the locator (nth, exact, or role+name); the journey is ambiguous, not the page`,
        message,
        reason: `the locator matched ${count} elements`,
      };
    }
    case 'assertion-failed': {
      const expression = oneLine(stripQueries(input.failed[0]?.expression ?? step), 120);
      return {
        layer: 'result',
        hint: `${expression} on ${page}: the page answered but shows the wrong text, value or URL — check the data behind it, not the path to it`,
        message,
        reason: 'every request answered; the page content is not what the journey expects',
      };
    }
    case 'timeout':
      return {
        layer: 'app',
        hint: `${step} on ${page} timed out with no failed request: the page did not settle — check slow API calls and long-running scripts`,
        message,
        reason: 'timeout with no failed request or page error',
      };
    case 'navigation-failed':
      return {
        layer: 'endpoint',
        hint: `${step}: the navigation failed before a page was served — check the target URL is reachable from where pathproof runs`,
        message,
        reason: 'navigation failed without a network code or status',
      };
  }
}
