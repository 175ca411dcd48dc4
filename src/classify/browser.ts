/**
 * A failed browser step → layer and hint, choosing the cause by RELEVANCE, never by which
 * failure happened to arrive first or inside which step's window (DESIGN §2). The same
 * page behaviour gives the same verdict on every run.
 *
 * What the observation already did: only first-party requests (the journey's target, its
 * `origins:`, the page's own origin) are in `failedRequests` / `pendingRequests`;
 * third-party ones are in `thirdParty` — evidence only, never a cause.
 *
 * The decision, in order:
 * 0. an ambiguous locator (N elements match) is the journey's to narrow: `frontend`, and
 *    nothing on the page is blamed for it;
 * 1. the navigation itself failed with a network code (net::ERR_…) → by the code;
 * 2. the page's document answered >= 400 → by status (status.ts, with the body when the
 *    browser gave it and the origin's normal replies);
 * 3. first-party requests the page needed, strongest relation first:
 *      the page's scripts and stylesheets (a missing bundle breaks the page) →
 *      requests the failing step triggered (or the action just before it), failed →
 *      the same, still pending (a hung call the step waited on) →
 *      calls the page made earlier (its load, background calls), failed →
 *      the same, still pending;
 *    set aside, with the reason recorded: requests the page asked again with success
 *    (`laterSucceeded`); for a step acting on a control, calls the page made on its own
 *    (not triggered by this step or the action before it: a control comes with the page's
 *    code, content comes from its calls — and when such a call answered is timing, not
 *    behaviour); repeating polls and long-lived streams, images,
 *    fonts and media, and requests the browser cancelled itself;
 *    within one rank, the request that STARTED first wins (start order is the page's own;
 *    arrival order is timing);
 * 4. the page's own script threw → `frontend`, quoting the error (never `app`: the page's
 *    scripts are the frontend's code); with `failOnPageErrors: true` a step that otherwise
 *    passed fails on it (symptom `script-error`) and that error is the cause;
 * 5. the page says "not found" with a 200 (a soft 404) → `route`;
 * 6. the visible symptom: control missing → `frontend`, wrong text/value/URL → `result`
 *    (a URL that landed on a login page → `auth`), timeout → `app`.
 */
import type {
  AssertionResult,
  BrowserObservation,
  FailedRequest,
  Failure,
  Layer,
  OriginBaseline,
  PageSymptom,
  PendingRequest,
  SetAside,
  StepNote,
} from '../result/types.js';
import { formatDuration, oneLine } from '../util/format.js';
import { hostOf, hostPortOf, pathOf, stripQueries } from '../util/url.js';
import { requestLabel } from './hints.js';
import { looksLikeLogin } from './http.js';
import { classifyStatus } from './status.js';
import { classifyTransport } from './transport.js';

export type BrowserSymptom = PageSymptom;

export interface BrowserFailureInput {
  /** The step label: `click role=button[name="Submit"]`. */
  readonly step: string;
  /** The action key: `goto`, `click`, `see`, … */
  readonly kind: string;
  readonly observation: BrowserObservation;
  readonly symptom: BrowserSymptom;
  readonly failed: readonly AssertionResult[];
  /** The driver's text; kept as the failure's message, never parsed. */
  readonly message: string;
  /** Normal replies of first-party origins seen by earlier HTTP steps of the attempt. */
  readonly baselines?: readonly OriginBaseline[];
}

/** Failures the browser causes itself (navigation cancelled pending requests, an ad blocker). */
const NOISE_CODES: ReadonlySet<string> = new Set(['ERR_ABORTED', 'ERR_BLOCKED_BY_CLIENT', 'ERR_BLOCKED_BY_RESPONSE']);

/** Resource types a user can do without: their failure is noted, never the cause. */
const COSMETIC_RESOURCES: ReadonlySet<string> = new Set(['image', 'font', 'media', 'manifest', 'texttrack', 'ping', 'beacon', 'cspviolationreport', 'prefetch', 'other']);

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

const NET_CODE_RE = /\b(?:net::)?(ERR_[A-Z0-9_]+)\b/;

/** `ERR_CONNECTION_REFUSED` from `net::ERR_CONNECTION_REFUSED at http://…`, or undefined. */
export function netCode(text: string | undefined): string | undefined {
  return text === undefined ? undefined : NET_CODE_RE.exec(text)?.[1];
}

/** What a page that does not exist says about itself (soft 404s are served with 200). */
const NOT_FOUND_RE = /\b(404|not found|page not found|page (?:does not|doesn't) exist|no such page|cannot be found|could not be found)\b/i;

/** Rank of a cause: lower is more directly what the step needed. */
type Rank = 1 | 2 | 3 | 4 | 5;
const RANK_WHY: Readonly<Record<Rank, string>> = {
  1: "one of the page's own scripts or stylesheets",
  2: 'a request the step triggered',
  3: 'a request the step triggered and waited on',
  4: 'a call the page made before the step, with no step passing after it',
  5: 'a call the page made before the step, still unanswered',
};

interface Candidate {
  readonly rank: Rank;
  /** Start order on the page: ties are broken by it, never by arrival. */
  readonly order: number;
  readonly label: string;
  readonly decide: () => Omit<Failure, 'message'>;
}

/** Classify one failed browser step. Pure: the same observation always gives the same Failure. */
export function classifyBrowser(input: BrowserFailureInput): Failure {
  const { observation } = input;
  const message = input.failed[0]?.expression ?? input.message;
  const setAside: SetAside[] = thirdPartySetAside(observation);
  const baselineOf = baselineLookup([...(observation.baselines ?? []), ...(input.baselines ?? [])]);
  const finish = (failure: Omit<Failure, 'message'>, extra: readonly SetAside[] = []): Failure => {
    const all = [...extra, ...setAside];
    return { ...failure, message, ...(all.length > 0 ? { setAside: all } : {}) };
  };

  if (input.symptom === 'locator-ambiguous') {
    const others = [...requestSetAside(observation, 'the locator matched several elements: the journey must say which one'), ...scriptSetAside(observation, 'the locator matched several elements')];
    return finish(ambiguous(input), others);
  }

  const navigation = netCode(observation.navigationError);
  if (navigation !== undefined && navigation !== 'ERR_HTTP_RESPONSE_CODE_FAILURE') {
    const document = observation.failedRequests.find((r) => r.resourceType === 'document');
    const url = document?.url ?? observation.url;
    return finish(netFailure(navigation, { method: document?.method ?? 'GET', url }, 'navigation'));
  }

  if (observation.documentStatus !== undefined && observation.documentStatus >= 400) {
    const verdict = classifyStatus({
      status: observation.documentStatus,
      method: 'GET',
      url: observation.url,
      ...(observation.documentHeaders === undefined ? {} : { headers: observation.documentHeaders }),
      ...(observation.documentBody === undefined ? {} : { body: observation.documentBody }),
      ...withBaseline(baselineOf(observation.url)),
    });
    if (verdict !== undefined) {
      return finish({ ...verdict, reason: `the page's document answered ${observation.documentStatus}: ${verdict.reason}`, status: observation.documentStatus });
    }
  }

  if (input.symptom === 'script-error' && observation.pageErrors[0] !== undefined) {
    const why = 'the step itself worked: failOnPageErrors: true fails it on the script error';
    return finish(scriptFailure(input, observation.pageErrors[0]), requestSetAside(observation, why));
  }

  const controls = CONTROL_STEPS.has(input.kind);
  const { candidates, skipped } = collectCandidates(observation, baselineOf, `${pathOf(observation.url)} (${oneLine(stripQueries(input.step), 80)})`, controls);
  const chosen = [...candidates].sort((a, b) => a.rank - b.rank || a.order - b.order)[0];
  if (chosen !== undefined) {
    const lesser = candidates
      .filter((c) => c !== chosen)
      .map((c) => ({ evidence: c.label, why: `less directly needed than ${chosen.label} (${RANK_WHY[c.rank]})` }));
    const failure = chosen.decide();
    return finish({ ...failure, reason: `${RANK_WHY[chosen.rank]}: ${failure.reason ?? chosen.label}` }, [
      ...lesser,
      ...skipped,
      ...scriptSetAside(observation, `a request failed first: ${chosen.label}`),
    ]);
  }

  const scriptError = observation.pageErrors[0];
  if (scriptError !== undefined) {
    return finish(scriptFailure(input, scriptError), skipped);
  }

  const soft = softNotFound(input);
  if (soft !== undefined) return finish(soft, skipped);

  return finish(symptomFailure(input), skipped);
}

function withBaseline(baseline: OriginBaseline | undefined): { baseline?: OriginBaseline } {
  return baseline === undefined ? {} : { baseline };
}

function baselineLookup(baselines: readonly OriginBaseline[]): (url: string) => OriginBaseline | undefined {
  return (url) => {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return undefined;
    }
    // The browser's own baseline (same page) first, then the HTTP steps'.
    return baselines.find((b) => b.origin === origin);
  };
}

/**
 * Steps that act on a control. A control comes with the page (its bundle), content comes from
 * the calls the page makes: a call the page made on its own does not explain a missing
 * control, but content the call would have brought can be missing because of it.
 */
const CONTROL_STEPS: ReadonlySet<string> = new Set(['click', 'fill', 'press', 'select', 'check']);

/** Long-lived connections are pending by design: never a hung call. */
const STREAMS: ReadonlySet<string> = new Set(['eventsource', 'websocket']);

function collectCandidates(
  observation: BrowserObservation,
  baselineOf: (url: string) => OriginBaseline | undefined,
  where: string,
  controls: boolean,
): { candidates: Candidate[]; skipped: SetAside[] } {
  const candidates: Candidate[] = [];
  const skipped: SetAside[] = [];
  observation.failedRequests.forEach((request, order) => {
    const label = describeRequest(request);
    const code = netCode(request.failure);
    const resource = request.resourceType;
    if (request.status === undefined && (code === undefined || NOISE_CODES.has(code))) {
      skipped.push({ evidence: label, why: 'cancelled by the browser itself (a navigation or the page aborted it)' });
      return;
    }
    if (resource === 'document') return; // the current document is judged above; earlier documents are history
    if (resource !== undefined && COSMETIC_RESOURCES.has(resource)) {
      skipped.push({ evidence: label, why: `not needed to use the page (${resource})` });
      return;
    }
    if (request.laterSucceeded) {
      skipped.push({ evidence: label, why: 'the page asked again and got an answer' });
      return;
    }
    const assets = resource === 'script' || resource === 'stylesheet';
    // A control comes with the page's own code: a call the page made on its own (not what
    // this step or the action before it triggered) does not explain a missing control —
    // whenever it happened to answer, so the verdict does not depend on timing.
    if (controls && !assets && request.startedBy !== 'step') {
      const handled = request.handledBefore === undefined ? '' : `; ${oneLine(stripQueries(request.handledBefore), 60)} passed after it`;
      skipped.push({ evidence: label, why: `a call the page made on its own, not for this control${handled}` });
      return;
    }
    const rank: Rank = assets ? 1 : request.startedBy === 'step' ? 2 : 4;
    candidates.push({ rank, order, label, decide: () => requestFailure(request, baselineOf(request.url)) });
  });
  const base = observation.failedRequests.length;
  (observation.pendingRequests ?? []).forEach((request, index) => {
    const label = `${requestLabel(request.method, request.url)} (pending ${formatDuration(request.pendingMs)})`;
    if (request.resourceType !== undefined && STREAMS.has(request.resourceType)) {
      skipped.push({ evidence: label, why: `a long-lived ${request.resourceType} connection: open by design` });
      return;
    }
    if (request.repeating) {
      skipped.push({ evidence: label, why: 'a repeating call (a poll or long poll): it answered before on this page' });
      return;
    }
    if (request.pendingMs < PENDING_EVIDENCE_MS) {
      skipped.push({ evidence: label, why: `pending for less than ${formatDuration(PENDING_EVIDENCE_MS)}: just started` });
      return;
    }
    const assets = request.resourceType === 'script' || request.resourceType === 'stylesheet';
    if (controls && !assets && request.startedBy !== 'step') {
      skipped.push({ evidence: label, why: 'a call the page made on its own, still waiting: not what this control needs' });
      return;
    }
    const rank: Rank = assets ? 1 : request.startedBy === 'step' ? 3 : 5;
    candidates.push({ rank, order: base + index, label, decide: () => pendingFailure(request, where) });
  });
  return { candidates, skipped };
}

function requestFailure(request: FailedRequest, baseline: OriginBaseline | undefined): Omit<Failure, 'message'> {
  const resource = request.resourceType;
  const label = requestLabel(request.method, request.url);
  if (request.status !== undefined && request.status >= 400) {
    const verdict = classifyStatus({
      status: request.status,
      method: request.method,
      url: request.url,
      ...(request.headers === undefined ? {} : { headers: request.headers }),
      ...(request.body === undefined ? {} : { body: request.body }),
      ...(resource === undefined ? {} : { resource }),
      ...withBaseline(baseline),
      ...(request.sendsCredentials ? { sendsCredentials: true } : {}),
    });
    if (verdict !== undefined) return { ...verdict, reason: `${label} → ${request.status}; ${verdict.reason}`, status: request.status };
  }
  const code = netCode(request.failure) ?? 'ERR_FAILED';
  return netFailure(code, request, resource === undefined ? 'request' : resource);
}

function pendingFailure(request: PendingRequest, where: string): Omit<Failure, 'message'> {
  const label = requestLabel(request.method, request.url);
  const waited = formatDuration(request.pendingMs);
  if (request.resourceType === 'script' || request.resourceType === 'stylesheet') {
    return {
      layer: 'app',
      hint: `the page's ${request.resourceType} ${label} had not loaded after ${waited} when the step gave up on ${where}: the page waits on it — check the server (or CDN) that serves the app's bundles`,
      reason: `${label} (${request.resourceType}) was still loading after ${waited}`,
    };
  }
  return {
    layer: 'app',
    hint: `${label} had not answered after ${waited} when the step gave up on ${where}: the page waited on a hung call — check the app's logs, slow queries and downstream calls for ${label}`,
    reason: `${label} (${request.resourceType ?? 'request'}) was still pending after ${waited}`,
  };
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

function ambiguous(input: BrowserFailureInput): Omit<Failure, 'message'> {
  const { observation } = input;
  const step = oneLine(stripQueries(input.step), 100);
  const locator = oneLine(stripQueries(observation.locator ?? input.step), 100);
  const count = observation.matchCount === undefined ? 'several' : String(observation.matchCount);
  return {
    layer: 'frontend',
    hint: `${step} on ${pathOf(observation.url)}: ${locator} matches ${count} elements — narrow the locator (nth, exact, or role+name); the journey is ambiguous, not the page`,
    reason: `the locator matched ${count} elements`,
  };
}

function scriptFailure(input: BrowserFailureInput, error: string): Omit<Failure, 'message'> {
  const { observation } = input;
  const firstLine = oneLine(stripQueries(error.split('\n', 1)[0] ?? error), 100);
  const symptom = symptomFailure(input);
  const count = observation.pageErrors.length;
  return {
    layer: 'frontend',
    hint: `${oneLine(stripQueries(input.step), 80)} on ${pathOf(observation.url)}: the page's own script threw "${firstLine}" — check the served frontend bundle (and the data it was given)`,
    reason: `first-party script error${count > 1 ? ` (${count} errors)` : ''} and no failed request the step needed; the symptom: ${symptom.reason ?? input.symptom}`,
  };
}

function softNotFound(input: BrowserFailureInput): Omit<Failure, 'message'> | undefined {
  if (input.symptom !== 'locator-missing' && input.symptom !== 'assertion-failed') return undefined;
  const { observation } = input;
  const said = [observation.heading, observation.title].find((text) => text !== undefined && NOT_FOUND_RE.test(text));
  if (said === undefined) return undefined;
  // The journey looking for the not-found text itself is not a soft 404.
  if (input.failed.some((a) => typeof a.subject === 'string' && NOT_FOUND_RE.test(a.subject))) return undefined;
  const page = pathOf(observation.url);
  return {
    layer: 'route',
    hint: `${page} answered ${observation.documentStatus ?? 200} but the page says "${oneLine(stripQueries(said), 60)}" (a soft 404): the route is missing in the running frontend — check the deployed build has this page, before the locator`,
    reason: `soft 404: the page's ${said === observation.heading ? 'heading' : 'title'} says not found`,
  };
}

function symptomFailure(input: BrowserFailureInput): Omit<Failure, 'message'> {
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
        reason: 'the page loaded with no failed request it needed, but the control was not found',
      };
    }
    case 'locator-ambiguous':
      return ambiguous(input);
    case 'assertion-failed': {
      const expression = oneLine(stripQueries(input.failed[0]?.expression ?? step), 120);
      if ((input.kind === 'expectUrl' || input.kind === 'wait') && looksLikeLogin(observation.url) && !input.failed.some((a) => looksLikeLogin(String(a.expected), observation.url))) {
        return {
          layer: 'auth',
          hint: `${expression}: the page is at the login page ${pathOf(observation.url)} — the session was not established or was refused; check the journey's credentials and the login flow`,
          reason: 'the URL check landed on a login page',
        };
      }
      return {
        layer: 'result',
        hint: `${expression} on ${page}: the page answered but shows the wrong text, value or URL — check the data behind it, not the path to it`,
        reason: 'every request the step needed answered; the page content is not what the journey expects',
      };
    }
    case 'timeout':
      return {
        layer: 'app',
        hint: `${step} on ${page} timed out with no failed request the step needed: the page did not respond in time — check slow API calls and long-running scripts`,
        reason: 'timeout with no failed request or page error',
      };
    case 'navigation-failed':
      return {
        layer: 'endpoint',
        hint: `${step}: the navigation failed before a page was served — check the target URL is reachable from where pathproof runs`,
        reason: 'navigation failed without a network code or status',
      };
    case 'script-error':
      return {
        layer: 'frontend',
        hint: `${step} on ${page}: the page's own script threw (failOnPageErrors: true) — check the served frontend bundle`,
        reason: "the page's own script threw during the step",
      };
  }
}

function describeRequest(request: FailedRequest): string {
  const label = requestLabel(request.method, request.url);
  const what = request.status !== undefined ? String(request.status) : (netCode(request.failure) ?? 'failed');
  return `${label} → ${what}${request.resourceType !== undefined ? ` (${request.resourceType})` : ''}`;
}

function requestSetAside(observation: BrowserObservation, why: string): SetAside[] {
  return [
    ...observation.failedRequests.filter((r) => r.resourceType !== 'document').map((r) => ({ evidence: describeRequest(r), why })),
    ...(observation.pendingRequests ?? []).map((r) => ({ evidence: `${requestLabel(r.method, r.url)} (pending)`, why })),
  ];
}

function scriptSetAside(observation: BrowserObservation, why: string): SetAside[] {
  return observation.pageErrors.map((error) => ({ evidence: `script error "${oneLine(stripQueries(error.split('\n', 1)[0] ?? error), 80)}"`, why }));
}

function thirdPartySetAside(observation: BrowserObservation): SetAside[] {
  const third = observation.thirdParty;
  if (third === undefined) return [];
  const requests = third.failedRequests.length === 0 ? [] : [{ evidence: describeThirdParty(third.failedRequests), why: 'third-party: evidence only, never the cause' }];
  const scripts = third.scriptErrors.map((e) => ({
    evidence: `third-party script error "${oneLine(stripQueries(e.message), 60)}"${e.source === undefined ? '' : ` from ${hostOf(e.source) ?? 'another origin'}`}`,
    why: 'third-party: evidence only, never the cause',
  }));
  return [...requests, ...scripts];
}

const SHORT_NET: Readonly<Record<string, string>> = {
  ERR_NAME_NOT_RESOLVED: 'DNS',
  ERR_NAME_RESOLUTION_FAILED: 'DNS',
  ERR_CONNECTION_REFUSED: 'refused',
  ERR_CONNECTION_RESET: 'reset',
  ERR_CONNECTION_CLOSED: 'closed',
  ERR_CONNECTION_TIMED_OUT: 'timeout',
  ERR_TIMED_OUT: 'timeout',
  ERR_ADDRESS_UNREACHABLE: 'unreachable',
  ERR_CERT_AUTHORITY_INVALID: 'TLS',
  ERR_CERT_DATE_INVALID: 'TLS',
  ERR_CERT_COMMON_NAME_INVALID: 'TLS',
};

/** `3 third-party requests failed: fonts.example.invalid (DNS), stats.example.invalid (DNS ×2)`. */
export function describeThirdParty(requests: readonly FailedRequest[]): string {
  const byHost = new Map<string, Map<string, number>>();
  for (const request of requests) {
    const host = hostOf(request.url) ?? 'another origin';
    const code = netCode(request.failure);
    const what = request.status !== undefined ? String(request.status) : code !== undefined ? (SHORT_NET[code] ?? code) : 'failed';
    const whats = byHost.get(host) ?? new Map<string, number>();
    whats.set(what, (whats.get(what) ?? 0) + 1);
    byHost.set(host, whats);
  }
  const parts = [...byHost].slice(0, 4).map(([host, whats]) => {
    const reasons = [...whats].map(([what, n]) => (n > 1 ? `${what} ×${n}` : what)).join(', ');
    return `${host} (${reasons})`;
  });
  const more = byHost.size > 4 ? ` and ${byHost.size - 4} more hosts` : '';
  const n = requests.length;
  return `${n} third-party ${n === 1 ? 'request' : 'requests'} failed: ${parts.join(', ')}${more}`;
}

/**
 * Notes of a step that did not decide its outcome: third-party failures (always evidence
 * only) and the page's own script errors on a step that passed.
 */
export function browserNotes(observation: BrowserObservation, passed: boolean): StepNote[] {
  const notes: StepNote[] = [];
  const third = observation.thirdParty;
  if (third !== undefined && third.failedRequests.length > 0) notes.push({ kind: 'third-party', message: describeThirdParty(third.failedRequests) });
  if (third !== undefined && third.scriptErrors.length > 0) {
    const first = third.scriptErrors[0];
    const from = first?.source === undefined ? '' : ` (${hostOf(first.source) ?? 'another origin'})`;
    notes.push({
      kind: 'third-party',
      message: `${third.scriptErrors.length} third-party script ${third.scriptErrors.length === 1 ? 'error' : 'errors'}: "${oneLine(stripQueries(first?.message ?? ''), 80)}"${from}`,
    });
  }
  if (passed && observation.pageErrors.length > 0) {
    const first = observation.pageErrors[0] ?? '';
    notes.push({
      kind: 'page-error',
      message: `the page's own script threw${observation.pageErrors.length > 1 ? ` ${observation.pageErrors.length} times` : ''}: "${oneLine(stripQueries(first.split('\n', 1)[0] ?? first), 100)}" (the step passed; failOnPageErrors: true makes this fail)`,
    });
  }
  return notes;
}
