/**
 * A failed HTTP step → layer, one-line hint and evidence, from the probe's observation
 * and the failed assertions (never from error messages).
 *
 * Priority, first match wins:
 * 1. transport error (no response) → transport.ts;
 * 2. a redirect into a login page on a request that expected 2xx → `auth`
 *    (the session was not established; the 200 of the login page must not read as `result`);
 * 3. by status, when the status assertion failed or the status is an error the journey
 *    did not explicitly expect → status.ts (401 auth, 403 authz, 404/405/410 route,
 *    5xx proxy/app, 429 and other 4xx app); an unexpected 3xx → `route`; an unexpected
 *    2xx (expected 404, got 200) → `result`;
 * 4. runtime truth assertions (`version`, `environment`) → `drift`;
 * 5. status fine, a json/body/header/capture assertion failed → `result`;
 * 6. only `maxMs` failed → `app` (slow).
 */
import type { AssertionResult, Failure, HttpObservation, HttpTimings, OriginBaseline } from '../result/types.js';
import { classifyDrift } from './drift.js';
import { requestLabel } from './hints.js';
import { formatDuration, oneLine } from '../util/format.js';
import { displayUrl } from '../util/url.js';
import { classifyStatus } from './status.js';
import { classifyTransport } from './transport.js';

export interface HttpFailureInput {
  readonly request: { readonly method: string; readonly url: string };
  readonly observation?: HttpObservation;
  /** The probe's error when no response was observed. */
  readonly transport?: { readonly code: string; readonly message: string; readonly phase?: string };
  /** The assertions that failed, in the order they were checked. */
  readonly failed: readonly AssertionResult[];
  /**
   * Every assertion of the step, passed ones included, when known. It tells an expected
   * 404 (status assertion passed) from an unexpected one; without it an error status is
   * always judged by its code.
   */
  readonly assertions?: readonly AssertionResult[];
  /** The exchange's time budget, for "answered nothing within 10s". */
  readonly timeoutMs?: number;
  /** The normal replies of the response's origin earlier in the attempt. */
  readonly baseline?: OriginBaseline;
  /** The request submitted credentials (auth versus authz on a 403). */
  readonly sendsCredentials?: boolean;
}

const SLOW_KINDS: ReadonlySet<string> = new Set(['maxMs', 'duration']);
const DRIFT_KINDS: ReadonlySet<string> = new Set(['version', 'environment']);

/** Classify one failed HTTP step. Pure: the same input always gives the same Failure. */
export function classifyHttp(input: HttpFailureInput): Failure {
  const { request, observation, transport, failed } = input;
  if (transport !== undefined) {
    return classifyTransport(transport.code, {
      method: request.method,
      url: request.url,
      message: transport.message,
      ...(transport.phase === undefined ? {} : { phase: transport.phase }),
      ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
    });
  }
  if (observation === undefined) {
    // The driver passed neither a response nor an error: treat it as "nothing answered".
    return classifyTransport('PATHPROOF_NO_RESPONSE', { method: request.method, url: request.url, message: 'no response observed' });
  }

  const label = requestLabel(request.method, request.url);
  const status = observation.status;
  const message = failed[0]?.expression ?? `status ${status} on ${label}`;
  const statusFailed = failed.find((a) => a.kind === 'status');
  const statusPassed = input.assertions?.find((a) => a.kind === 'status' && a.passed);
  const expectedStatus = (statusFailed ?? statusPassed)?.expected;

  if (failed.length > 0 && expectsSuccess(expectedStatus)) {
    const login = loginRedirect(request.url, observation);
    if (login !== undefined) {
      return {
        layer: 'auth',
        hint: `${label} was redirected to ${displayUrl(login.to, request.url)} (${login.status}): the session was not established — check the journey's credentials or cookie and the login flow`,
        message,
        reason: `a ${login.status} redirect into a login page on a request that expected 2xx`,
      };
    }
  }

  if (statusFailed !== undefined || (status >= 400 && statusPassed === undefined)) {
    const verdict = classifyStatus({
      status,
      method: request.method,
      url: request.url,
      headers: observation.headers,
      body: observation.body,
      ...(input.baseline === undefined ? {} : { baseline: input.baseline }),
      ...(input.sendsCredentials ? { sendsCredentials: true } : {}),
    });
    if (verdict !== undefined) return { ...verdict, message };
    if (statusFailed !== undefined && status >= 300 && status < 400) {
      const location = observation.headers['location'];
      const to = location === undefined ? '' : ` to ${displayUrl(location, observation.url)}`;
      return {
        layer: 'route',
        hint: `${status} on ${label}${to} where the journey expects ${formatExpected(expectedStatus)}: the path moved in the running build — check the route (and the proxy's redirects), or follow redirects in the journey`,
        message,
        reason: `unexpected redirect ${status}`,
      };
    }
    if (statusFailed !== undefined) {
      return {
        layer: 'result',
        hint: `${status} on ${label} where the journey expects ${formatExpected(expectedStatus)}: everything answered, but not with the outcome the journey expects — check the data and state the app holds for this path`,
        message,
        reason: `status ${status} is not an error, but not the expected one`,
      };
    }
  }

  const drift = failed.find((a) => DRIFT_KINDS.has(a.kind));
  if (drift !== undefined) {
    const failure = classifyDrift({
      kind: drift.kind as 'version' | 'environment',
      expected: drift.expected === undefined || drift.expected === null ? undefined : String(drift.expected),
      served: drift.actual === undefined || drift.actual === null ? undefined : String(drift.actual),
      source: `${label}${drift.subject === undefined ? '' : ` ${drift.subject}`}`,
    });
    return { ...failure, message };
  }

  const wrong = failed.find((a) => !SLOW_KINDS.has(a.kind));
  if (wrong !== undefined) {
    return {
      layer: 'result',
      hint: `${status} on ${label}, but ${oneLine(wrong.expression)}: everything answered, the data is wrong — check what produced it (write path, data store, background jobs), not the path to it`,
      message,
      reason: `status ${status} as expected; ${wrong.kind} assertion failed`,
    };
  }

  const slow = failed.find((a) => SLOW_KINDS.has(a.kind));
  if (slow !== undefined) {
    const budget = typeof slow.expected === 'number' ? ` (budget ${formatDuration(slow.expected)})` : '';
    return {
      layer: 'app',
      hint: `${label} took ${formatDuration(observation.timings.totalMs)}${budget}${slowestPhase(observation.timings)}: the app is slow — check its load, slow queries and downstream calls`,
      message,
      reason: 'every expectation held except the time budget',
    };
  }

  // No failed assertion at all: the caller called us on a passing step. Say so plainly.
  return {
    layer: 'result',
    hint: `${status} on ${label}: the step failed without a failed assertion — check the journey step`,
    message,
    reason: 'no failed assertion was given',
  };
}

const LOGIN_SEGMENT_RE = /^(login|log-in|logon|signin|sign-in|sso|oauth|oauth2|auth|authorize|saml|saml2|openid-connect|cas)$/i;
const LOGIN_HOST_RE = /^(login|signin|sso|auth|accounts)\./i;

/**
 * True when a URL looks like a login page: a path segment such as `/login`, `/signin`,
 * `/auth`, `/sso`, `/oauth` (an extension like `login.php` counts), or a host `login.…`.
 */
export function looksLikeLogin(url: string, base?: string): boolean {
  let parsed: URL;
  try {
    parsed = base === undefined ? new URL(url) : new URL(url, base);
  } catch {
    return false;
  }
  if (LOGIN_HOST_RE.test(parsed.hostname)) return true;
  return parsed.pathname
    .split('/')
    .some((segment) => LOGIN_SEGMENT_RE.test(segment.replace(/\.(php|html?|aspx?|jsp|do)$/i, '')));
}

/** The first hop into a login page, unless the request itself was for a login page. */
function loginRedirect(requestUrl: string, observation: HttpObservation): { to: string; status: number } | undefined {
  if (looksLikeLogin(requestUrl)) return undefined;
  for (const hop of observation.redirects) {
    if (looksLikeLogin(hop.to, hop.from)) return { to: new URL(hop.to, hop.from).href, status: hop.status };
  }
  const location = observation.headers['location'];
  if (observation.status >= 300 && observation.status < 400 && location !== undefined && looksLikeLogin(location, observation.url)) {
    return { to: new URL(location, observation.url).href, status: observation.status };
  }
  return undefined;
}

/**
 * Whether the status expectation admits a 2xx. Unknown (no status assertion seen) means the
 * default expectation, "2xx or 3xx", which does.
 */
export function expectsSuccess(expected: unknown): boolean {
  if (expected === undefined || expected === null) return true;
  if (Array.isArray(expected)) return expected.some((item) => expectsSuccess(item));
  if (typeof expected === 'number') return expected >= 200 && expected < 300;
  if (typeof expected === 'string') {
    // Accept our own forms and anything that names a 2xx: "2xx", "200", "2xx or 3xx".
    return /\b2(xx|\d\d)\b/i.test(expected);
  }
  return true;
}

function formatExpected(expected: unknown): string {
  if (expected === undefined || expected === null) return '2xx or 3xx';
  if (Array.isArray(expected)) return expected.map((item) => formatExpected(item)).join(' or ');
  return oneLine(String(expected), 40);
}

const PHASE_LABELS: ReadonlyArray<readonly [keyof HttpTimings, string]> = [
  ['dnsMs', 'DNS'],
  ['connectMs', 'connecting'],
  ['tlsMs', 'the TLS handshake'],
  ['ttfbMs', 'waiting for the first byte'],
  ['transferMs', 'reading the body'],
];

/** ", most of it waiting for the first byte (1.1s)" when one phase took at least half. */
function slowestPhase(timings: HttpTimings): string {
  let best: { label: string; ms: number } | undefined;
  for (const [key, label] of PHASE_LABELS) {
    const ms = timings[key];
    if (ms !== undefined && (best === undefined || ms > best.ms)) best = { label, ms };
  }
  if (best === undefined || timings.totalMs <= 0 || best.ms * 2 < timings.totalMs) return '';
  return `, most of it ${best.label} (${formatDuration(best.ms)})`;
}
