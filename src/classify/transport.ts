/**
 * Transport failures (no HTTP response to judge) → layer and hint, keyed on stable codes:
 * Node (`ECONNREFUSED`…), TLS (`CERT_HAS_EXPIRED`, `ERR_SSL_*`…), undici (`UND_ERR_*`) and
 * our own (`PATHPROOF_*`). Never on messages: they change between Node versions.
 *
 * Decisions:
 * - A reset or socket error while the BODY was being read (`phase: 'body'`) means something
 *   answered and then died mid-response: the app (or a proxy in front of it) crashed or was
 *   killed → `app`. Before that, nothing usable answered → `endpoint`.
 * - Header/body timeouts and our own deadline mean the connection was made and the app did
 *   not answer in time → `app`; but a deadline hit while still resolving / connecting /
 *   handshaking is the endpoint's fault (packets dropped, host down) → `endpoint`.
 * - Unknown codes → `endpoint`, with the code in the hint so it can be added here.
 * - HTTP parse errors (`HPE_*`, llhttp): before the body, what answered does not speak
 *   HTTP (a TLS port dialled with http://, another protocol) → `endpoint`; in the body,
 *   the response broke mid-way → `app`.
 * - Codes on OUR side (the run was interrupted, the journey's request cannot be sent as
 *   written) still get a row so nothing crashes, but `isRunnerSideCode` names them so a
 *   driver can report "could not verify" instead of blaming the target.
 * - `PATHPROOF_HTTP_ERROR` (an error with no code at all) and `PATHPROOF_NO_RESPONSE` (no
 *   response and no error) are judged by phase like a reset: nothing usable answered.
 */
import type { Failure, Layer } from '../result/types.js';
import { requestLabel } from './hints.js';
import { formatDuration } from '../util/format.js';
import { hostOf, hostPortOf } from '../util/url.js';

/** Where the exchange was when it failed (the HTTP probe reports these). */
export type TransportPhase = 'dns' | 'connect' | 'tls' | 'request' | 'headers' | 'body' | 'redirect' | 'aborted';

export interface TransportContext {
  readonly method: string;
  readonly url: string;
  /** The probe's phase; `body` turns a reset into an app failure. */
  readonly phase?: TransportPhase | string;
  /** The time budget that ran out, for "answered nothing within 10s". */
  readonly timeoutMs?: number;
  /** The transport error message, kept as the failure's `message` (defaults to the code). */
  readonly message?: string;
}

interface Facts {
  readonly label: string;
  readonly hostPort: string;
  readonly host: string;
  readonly phase: string | undefined;
  readonly within: string;
}

interface TransportRule {
  readonly layer: Layer | ((facts: Facts) => Layer);
  readonly hint: (facts: Facts, code: string) => string;
}

const MID_RESPONSE_PHASES: ReadonlySet<string> = new Set(['body']);
const BEFORE_CONNECTED_PHASES: ReadonlySet<string> = new Set(['dns', 'connect', 'tls']);

const midResponse = (facts: Facts): boolean => facts.phase !== undefined && MID_RESPONSE_PHASES.has(facts.phase);

/** A reset: mid-body → the app died answering; before → nothing usable listens. */
const resetRule = (what: string): TransportRule => ({
  layer: (facts) => (midResponse(facts) ? 'app' : 'endpoint'),
  hint: (f) =>
    midResponse(f)
      ? `${what} while reading the body of ${f.label}: the app (or a proxy in front of it) died mid-response — check the app's logs, restarts and OOM kills at this time`
      : `${what} by ${f.hostPort} on ${f.label} before any response: something accepted and dropped the connection — check the process on that port (crash loop, plain HTTP vs TLS, proxy without upstream)`,
});

const connectTimeout: TransportRule = {
  layer: 'endpoint',
  hint: (f) =>
    `connecting to ${f.hostPort} timed out on ${f.label}: packets are dropped or the host is down — check the host is up and firewalls/security groups allow the port`,
};

const appSilent = (what: string): TransportRule => ({
  layer: 'app',
  hint: (f) => `${f.label} ${what}${f.within}: the connection was made but the app hangs — check its logs, worker pool, database locks and downstream calls`,
});

const redirectRule = (what: string): TransportRule => ({
  layer: 'route',
  hint: (f) =>
    `${f.label} ${what}: check the redirect rules of the proxy and the app (http↔https, trailing slash, a login that redirects back to itself)`,
});

const TRANSPORT_RULES: Readonly<Record<string, TransportRule>> = {
  ENOTFOUND: {
    layer: 'endpoint',
    hint: (f) => `DNS lookup of ${f.host} failed on ${f.label}: the name does not resolve — check the host name, its DNS records and the resolver where pathproof runs`,
  },
  EAI_AGAIN: {
    layer: 'endpoint',
    hint: (f) => `DNS lookup of ${f.host} failed temporarily on ${f.label}: the resolver did not answer — check the resolver where pathproof runs and retry`,
  },
  ECONNREFUSED: {
    layer: 'endpoint',
    hint: (f) => `connection refused by ${f.hostPort} on ${f.label}: nothing listens there — check the service is up and the port/target is right`,
  },
  ECONNRESET: resetRule('connection reset'),
  EPIPE: resetRule('connection closed while sending'),
  UND_ERR_SOCKET: resetRule('socket closed'),
  EHOSTUNREACH: {
    layer: 'endpoint',
    hint: (f) => `no route to host ${f.hostPort} on ${f.label}: the network cannot reach it — check the host is up, the network/VPN and routing between the runner and the target`,
  },
  ENETUNREACH: {
    layer: 'endpoint',
    hint: (f) => `network unreachable for ${f.hostPort} on ${f.label}: the runner has no route to that network — check the runner's network (IPv6 vs IPv4, VPN, container network)`,
  },
  ETIMEDOUT: connectTimeout,
  UND_ERR_CONNECT_TIMEOUT: connectTimeout,
  UND_ERR_CLOSED: {
    layer: 'endpoint',
    hint: (f) => `the connection to ${f.hostPort} was closed before ${f.label} could be sent — check the target's keep-alive/idle settings and retry`,
  },
  UND_ERR_HEADERS_TIMEOUT: appSilent('answered nothing'),
  UND_ERR_BODY_TIMEOUT: {
    layer: 'app',
    hint: (f) => `${f.label} sent its headers but the body stalled${f.within}: the app hangs while streaming — check its logs, slow queries and downstream calls`,
  },
  PATHPROOF_DEADLINE: {
    layer: (facts) => (facts.phase !== undefined && BEFORE_CONNECTED_PHASES.has(facts.phase) ? 'endpoint' : 'app'),
    hint: (f) =>
      f.phase !== undefined && BEFORE_CONNECTED_PHASES.has(f.phase)
        ? `${f.label} could not reach ${f.hostPort}${f.within} (stuck in ${f.phase}): check the host is up and reachable from where pathproof runs`
        : `${f.label} did not finish${f.within}: the app is too slow or hangs — check its logs, worker pool and downstream calls`,
  },
  PATHPROOF_REDIRECT_LOOP: redirectRule('redirects in a loop'),
  PATHPROOF_TOO_MANY_REDIRECTS: redirectRule('redirected too many times'),
  PATHPROOF_REDIRECT_INVALID: redirectRule('redirected to an invalid or non-http location'),
  PATHPROOF_HTTP_ERROR: {
    layer: (facts) => (midResponse(facts) ? 'app' : 'endpoint'),
    hint: (f) =>
      midResponse(f)
        ? `${f.label} failed while reading the body with an error that carries no code: the response broke mid-way — check the app (or proxy) did not die mid-response`
        : `${f.label} failed${f.phase === undefined ? '' : ` in ${f.phase}`} before any response from ${f.hostPort}, with an error that carries no code (see the message) — check the connection to the target`,
  },
  PATHPROOF_NO_RESPONSE: {
    layer: 'endpoint',
    hint: (f) => `${f.label} got no response from ${f.hostPort} and no error to explain it — check the connection to the target and retry`,
  },
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: {
    layer: 'app',
    hint: (f) => `the body of ${f.label} did not match its content-length: the response was cut off — check the app (or a proxy in front of it) did not die mid-response`,
  },
  PATHPROOF_ABORTED: {
    layer: 'endpoint',
    hint: (f) => `${f.label} was cancelled by pathproof before ${f.hostPort} answered (the run was interrupted): this says nothing about the target — run again`,
  },
  UND_ERR_ABORTED: {
    layer: 'endpoint',
    hint: (f) => `${f.label} was cancelled by pathproof before ${f.hostPort} answered (the run was interrupted): this says nothing about the target — run again`,
  },
};

/**
 * Codes raised on pathproof's side: the run was interrupted, or the journey's request
 * cannot be sent as written (invalid URL, header or body). A driver should report these as
 * "could not verify" (RunnerError), never as the target failing.
 */
const RUNNER_SIDE_CODES: ReadonlySet<string> = new Set([
  'PATHPROOF_ABORTED',
  'UND_ERR_ABORTED',
  'ERR_INVALID_URL',
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_CHAR',
  'ERR_UNESCAPED_CHARACTERS',
]);

/** True when the code is pathproof's side (see RUNNER_SIDE_CODES), not the target's. */
export function isRunnerSideCode(code: string): boolean {
  return RUNNER_SIDE_CODES.has(code);
}

/** The journey's request could not be sent as written: name it, blame nobody downstream. */
const REQUEST_INVALID_HINT = (f: Facts, code: string): string =>
  `${f.label} could not be sent as written (${code}): the journey's URL, headers or body are invalid — fix the journey step; the target was not reached`;

/** TLS verification codes from Node/OpenSSL, with what is wrong with the certificate. */
const TLS_PROBLEMS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'the certificate has expired — renew it (and check the renewal job)',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet — check the clock on the server or the runner',
  CERT_REVOKED: 'the certificate was revoked — install a new one',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed — install a CA-signed one, or set `insecure: true` for a test target',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in an untrusted (private) root — trust that CA with NODE_EXTRA_CA_CERTS, or fix the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the chain is incomplete (intermediate certificate missing) — serve the full chain',
  UNABLE_TO_GET_ISSUER_CERT: 'the issuer certificate is unknown — serve the full chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer is not trusted here (private CA) — trust it with NODE_EXTRA_CA_CERTS, or serve the full chain',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not cover this host name — the wrong host or virtual host answered, or the certificate lacks this name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the port does not speak TLS — check http:// versus https:// and the port',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'no TLS version in common — check the server TLS configuration',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'the TLS handshake was refused — check ciphers and SNI on the server',
};

const TLS_PREFIXES = ['ERR_SSL_', 'ERR_TLS_', 'CERT_'] as const;

function isTlsCode(code: string): boolean {
  // Object.hasOwn, not `in`: a code like "constructor" must not match Object.prototype.
  return Object.hasOwn(TLS_PROBLEMS, code) || TLS_PREFIXES.some((prefix) => code.startsWith(prefix));
}

/**
 * Layer and one-line hint for a transport error code. `context.url` may hold a query
 * string: only its host and path are shown.
 */
export function classifyTransport(code: string, context: TransportContext): Failure {
  const facts = factsOf(context);
  const message = context.message ?? code;
  const phaseNote = context.phase === undefined ? '' : ` in phase ${context.phase}`;
  const rule = Object.hasOwn(TRANSPORT_RULES, code) ? TRANSPORT_RULES[code] : undefined;
  if (rule !== undefined) {
    const layer = typeof rule.layer === 'function' ? rule.layer(facts) : rule.layer;
    const side = isRunnerSideCode(code) ? ": pathproof's side, not evidence about the target" : '';
    return { layer, hint: rule.hint(facts, code), message, code, reason: `transport code ${code}${phaseNote}${side}` };
  }
  if (isRunnerSideCode(code)) {
    return {
      layer: 'endpoint',
      hint: REQUEST_INVALID_HINT(facts, code),
      message,
      code,
      reason: `code ${code}${phaseNote}: pathproof's side, not evidence about the target`,
    };
  }
  if (code.startsWith('HPE_')) {
    const body = midResponse(facts);
    return {
      layer: body ? 'app' : 'endpoint',
      hint: body
        ? `the body of ${facts.label} was malformed (${code}): the response broke mid-way — check the app (or a proxy in front of it) did not die or misbehave mid-response`
        : `what answered on ${facts.hostPort} for ${facts.label} does not speak HTTP properly (${code}) — check the right service listens on that port (a TLS port dialled with http://, another protocol)`,
      message,
      code,
      reason: `HTTP parse error ${code}${phaseNote}`,
    };
  }
  if (isTlsCode(code)) {
    const problem = (Object.hasOwn(TLS_PROBLEMS, code) ? TLS_PROBLEMS[code] : undefined) ?? 'the TLS handshake failed — check the certificate and TLS configuration of the target';
    return {
      layer: 'endpoint',
      hint: `TLS error ${code} from ${facts.hostPort} on ${facts.label}: ${problem}`,
      message,
      code,
      reason: `TLS code ${code}${phaseNote}`,
    };
  }
  return {
    layer: 'endpoint',
    hint: `${facts.label} failed with ${code} before any response from ${facts.hostPort}: an unrecognised transport error — check the connection to the target`,
    message,
    code,
    reason: `unrecognised transport code ${code}${phaseNote}: endpoint by default`,
  };
}

function factsOf(context: TransportContext): Facts {
  const host = hostOf(context.url) ?? 'the target';
  return {
    label: requestLabel(context.method, context.url),
    hostPort: hostPortOf(context.url) ?? host,
    host,
    phase: context.phase,
    within: context.timeoutMs === undefined ? ' in time' : ` within ${formatDuration(context.timeoutMs)}`,
  };
}
