/**
 * One HTTP exchange, redirects included, turned into a plain {@link HttpObservation} or a
 * transport error with a stable code and the phase it happened in. No checks here: the
 * assertions are pure functions of the observation (assertions.ts).
 *
 * Guarantees:
 * - The whole exchange (queueing, connect, redirects, body) ends by `timeoutMs`, even when
 *   a server trickles bytes: one deadline timer aborts the request, and the wait for
 *   headers is raced against it because undici only honours an abort signal once the
 *   request has a socket (a request still connecting would otherwise wait for the connect
 *   timeout).
 * - At most `maxBodyBytes` are read; then the stream is destroyed (the socket with it).
 * - Credentials (`authorization`, `cookie`, `proxy-authorization`) never follow a redirect
 *   to another origin.
 * - Error messages never contain request header values.
 */
import { request as undiciRequest } from './undici.js';
import type { Dispatcher } from 'undici';
import { errorCode, messageOf } from '../../util/errors.js';
import type { Clock } from '../../result/clock.js';
import type { HttpObservation, HttpTimings, RedirectHop } from '../../result/types.js';
import type { CookieJar } from '../cookie-jar.js';
import type { TraceContext } from '../trace.js';
import { TRACEPARENT } from '../trace.js';
import type { FreshDispatcher } from '../types.js';
import { computeTimings, ExchangeTrace } from './timings.js';

/** A fully resolved request: absolute URL, lower-cased headers, encoded body, limits. */
export interface ProbeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Redirects to follow; 0 = the 3xx itself is the observation. */
  readonly maxRedirects: number;
  /** The whole exchange: redirects and body included. */
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /**
   * The attempt's cookie jar: applied to every hop (unless the step set its own `cookie`
   * header) and fed by every hop's Set-Cookie, redirects included.
   */
  readonly cookies?: CookieJar;
  /**
   * The attempt's trace: every hop to a first-party origin carries a `traceparent` with a new
   * span id (unless the step set its own); hops to other origins carry none.
   */
  readonly trace?: Pick<TraceContext, 'next' | 'sendsTo'>;
}

/** Where an exchange broke. `aborted` = the run was interrupted (not the target's fault). */
export type ProbePhase = 'dns' | 'connect' | 'tls' | 'request' | 'headers' | 'body' | 'redirect' | 'aborted';

export interface ProbeError {
  /** Stable code: ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, DEPTH_ZERO_SELF_SIGNED_CERT, PATHPROOF_*… */
  readonly code: string;
  readonly message: string;
  readonly phase: ProbePhase;
}

export type ProbeResult =
  | { readonly ok: true; readonly observation: HttpObservation }
  | {
      readonly ok: false;
      readonly error: ProbeError;
      /** What was seen before it broke (status and headers of the last response, remote address…). */
      readonly partial?: Partial<HttpObservation>;
      readonly redirects: readonly RedirectHop[];
      readonly timings: HttpTimings;
    };

export interface ProbeDeps {
  /** From `createHttpDeps` (phase timings and remote address need its tracker). */
  readonly dispatcher: Dispatcher;
  /**
   * A one-off dispatcher that always opens a new connection, for sending a request again
   * after the server closed a reused keep-alive connection under it. Without it the retry
   * goes through `dispatcher` (whose broken socket is gone by then).
   */
  readonly fresh?: () => FreshDispatcher;
  /** Use the clock `createHttpDeps` got, so phase timings and totals share one time base. */
  readonly clock: Clock;
  /** Interrupts the probe (run interrupted): phase `aborted`, code PATHPROOF_ABORTED. */
  readonly signal?: AbortSignal;
}

/** Our own stable codes (the rest come from undici / Node). */
export const PROBE_CODES = {
  deadline: 'PATHPROOF_DEADLINE',
  aborted: 'PATHPROOF_ABORTED',
  redirectLoop: 'PATHPROOF_REDIRECT_LOOP',
  tooManyRedirects: 'PATHPROOF_TOO_MANY_REDIRECTS',
  invalidRedirect: 'PATHPROOF_REDIRECT_INVALID',
  unknown: 'PATHPROOF_HTTP_ERROR',
} as const;

class ProbeDeadlineError extends Error {
  override readonly name = 'ProbeDeadlineError';
  readonly code = PROBE_CODES.deadline;
  constructor(readonly timeoutMs: number) {
    super(`no complete response within ${Math.round(timeoutMs)}ms`);
  }
}

class ProbeAbortedError extends Error {
  override readonly name = 'ProbeAbortedError';
  readonly code = PROBE_CODES.aborted;
  constructor(cause: unknown) {
    super('the probe was interrupted', { cause });
  }
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'host'] as const;
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'transfer-encoding'] as const;
/** Bytes of a redirect response we read (and drop) so its socket can be reused. */
const REDIRECT_BODY_BYTES = 64 * 1024;

interface Hop {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
}

/** Runs one exchange. Never throws for anything the network or the server does. */
export async function probe(request: ProbeRequest, deps: ProbeDeps): Promise<ProbeResult> {
  const { clock } = deps;
  const startedAt = clock.now();
  const redirects: RedirectHop[] = [];
  const secrets = Object.values(request.headers);

  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new ProbeDeadlineError(request.timeoutMs)), request.timeoutMs);
  const onOuterAbort = (): void => stop.abort(new ProbeAbortedError(deps.signal?.reason));
  if (deps.signal?.aborted) onOuterAbort();
  else deps.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const stopped = new Promise<never>((_, reject) => {
    if (stop.signal.aborted) reject(stop.signal.reason);
    else stop.signal.addEventListener('abort', () => reject(stop.signal.reason), { once: true });
  });
  stopped.catch(() => undefined);

  let hop: Hop = { method: request.method, url: request.url, headers: { ...request.headers }, body: request.body };
  const visited = new Set<string>([`${hop.method} ${hop.url}`]);
  // Set once a request was sent again on a fresh connection (at most once per exchange).
  let retried: string | undefined;
  let freshDispatcher: FreshDispatcher | undefined;
  // The traceparent of the latest hop we sent, kept in the observation (a failure's too).
  let traceparent: string | undefined;

  const failure = (
    error: ProbeError,
    trace: ExchangeTrace,
    hopStartedAt: number,
    partial: Partial<HttpObservation> = {},
  ): ProbeResult => {
    const now = clock.now();
    return {
      ok: false,
      error: { ...error, message: scrub(error.message, secrets) },
      partial: {
        method: hop.method,
        url: hop.url,
        ...remoteOf(trace),
        ...(traceparent === undefined ? {} : { traceparent }),
        ...partial,
        redirects: [...redirects],
      },
      redirects: [...redirects],
      timings: computeTimings(trace, hopStartedAt, now, now - startedAt),
    };
  };

  try {
    for (;;) {
      const trace = new ExchangeTrace();
      const hopStartedAt = clock.now();
      const remainingMs = Math.max(1, startedAt + request.timeoutMs - hopStartedAt);

      const jarCookie = request.cookies && request.headers['cookie'] === undefined ? request.cookies.header(hop.url) : undefined;
      traceparent = request.trace && request.headers[TRACEPARENT] === undefined && request.trace.sendsTo(hop.url) ? request.trace.next() : undefined;
      const pending = undiciRequest(hop.url, {
        dispatcher: freshDispatcher?.dispatcher ?? deps.dispatcher,
        method: hop.method as Dispatcher.HttpMethod,
        headers: {
          ...hop.headers,
          ...(jarCookie === undefined ? {} : { cookie: jarCookie }),
          ...(traceparent === undefined ? {} : { [TRACEPARENT]: traceparent }),
        },
        body: hop.body ?? null,
        signal: stop.signal,
        opaque: trace,
        // Explicit, so undici's 300s defaults never outlive the step; the deadline below is the real bound.
        headersTimeout: remainingMs,
        bodyTimeout: remainingMs,
      });
      let response: Dispatcher.ResponseData<ExchangeTrace>;
      try {
        response = await Promise.race([pending, stopped]);
      } catch (error) {
        // If we gave up first, make sure a late response does not hold a pooled socket.
        void pending.then(
          (late) => late.body.destroy(),
          () => undefined,
        );
        const problem = toProbeError(error, stageOf(trace));
        // The server closed a kept-alive connection just as we reused it: not a verdict. Send it
        // again once, on a fresh connection, as browsers do; a fresh one failing is the verdict.
        if (retried === undefined && !stop.signal.aborted && staleConnection(problem, trace, hop.method)) {
          retried = problem.code;
          freshDispatcher = deps.fresh?.();
          continue;
        }
        return failure(problem, trace, hopStartedAt);
      }

      const status = response.statusCode;
      const setCookie = response.headers['set-cookie'];
      if (request.cookies && setCookie !== undefined) {
        request.cookies.store(hop.url, Array.isArray(setCookie) ? setCookie : [setCookie]);
      }
      const headers = flattenHeaders(response.headers);
      const seen: Partial<HttpObservation> = { status, statusText: response.statusText, headers };
      const location = headers['location'];

      if (REDIRECT_STATUSES.has(status) && location !== undefined && request.maxRedirects > 0) {
        try {
          await readBody(response.body, REDIRECT_BODY_BYTES);
        } catch (error) {
          if (stop.signal.aborted) return failure(toProbeError(error, 'redirect'), trace, hopStartedAt, seen);
          // A broken redirect body does not matter: we follow the Location anyway.
        }
        const next = nextHop(hop, status, location);
        if (!next.ok) return failure(next.error, trace, hopStartedAt, seen);
        redirects.push({ status, from: hop.url, to: next.hop.url });
        const key = `${next.hop.method} ${next.hop.url}`;
        if (visited.has(key)) {
          return failure(
            {
              code: PROBE_CODES.redirectLoop,
              phase: 'redirect',
              message: `redirect loop: ${describeChain(redirects)}`,
            },
            trace,
            hopStartedAt,
            seen,
          );
        }
        if (redirects.length > request.maxRedirects) {
          return failure(
            {
              code: PROBE_CODES.tooManyRedirects,
              phase: 'redirect',
              message: `more than ${request.maxRedirects} redirects: ${describeChain(redirects)}`,
            },
            trace,
            hopStartedAt,
            seen,
          );
        }
        visited.add(key);
        hop = next.hop;
        continue;
      }

      let body: BodyRead;
      try {
        body = await readBody(response.body, request.maxBodyBytes);
      } catch (error) {
        return failure(toProbeError(error, 'body'), trace, hopStartedAt, seen);
      }
      const endedAt = clock.now();
      const contentLength = Number(headers['content-length']);
      return {
        ok: true,
        observation: {
          kind: 'http',
          method: hop.method,
          url: hop.url,
          status,
          ...(response.statusText ? { statusText: response.statusText } : {}),
          headers,
          body: UTF8.decode(body.bytes),
          // Truncated: the size the server announced when it did (else what we read).
          bodyBytes: body.truncated && Number.isFinite(contentLength) ? contentLength : body.bytes.byteLength,
          bodyTruncated: body.truncated,
          timings: computeTimings(trace, hopStartedAt, endedAt, endedAt - startedAt),
          ...remoteOf(trace),
          redirects,
          ...(retried === undefined ? {} : { retriedOnFreshConnection: retried }),
          ...(trace.certificate === undefined ? {} : { tls: trace.certificate }),
          ...(traceparent === undefined ? {} : { traceparent }),
        },
      };
    }
  } finally {
    clearTimeout(timer);
    deps.signal?.removeEventListener('abort', onOuterAbort);
    // Closed in the background: a fresh socket of an answered exchange holds nothing we wait for.
    if (freshDispatcher !== undefined) void freshDispatcher.close().catch(() => undefined);
  }
}

/** Codes of a connection closed under a request (reset, EPIPE, undici's "other side closed"). */
const CLOSED_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
/** Methods a client may send again (RFC 9110 §9.2.2); others only if nothing was sent. */
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * True when a request failed because the server had closed the reused keep-alive connection:
 * closed before any response byte, on a socket an earlier request opened, and safe to send
 * again (idempotent, or nothing was written).
 */
function staleConnection(problem: ProbeError, trace: ExchangeTrace, method: string): boolean {
  if (!CLOSED_CODES.has(problem.code) || trace.headersAt !== undefined) return false;
  const reused = trace.sentAt !== undefined && trace.connection === undefined;
  if (!reused) return false;
  return IDEMPOTENT.has(method.toUpperCase());
}

/** Stateless for one-shot decodes, so one instance serves every probe. */
const UTF8 = new TextDecoder('utf-8');

interface BodyRead {
  readonly bytes: Uint8Array;
  readonly truncated: boolean;
}

/**
 * Reads at most `max` bytes. Leaving the loop early destroys the stream (and its socket),
 * so a 50 MiB body costs `max` bytes of memory, not 50 MiB.
 */
async function readBody(body: AsyncIterable<unknown>, max: number): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  let read = 0;
  let truncated = false;
  for await (const raw of body) {
    const chunk = raw as Buffer;
    const room = max - read;
    if (chunk.byteLength > room) {
      if (room > 0) chunks.push(chunk.subarray(0, room));
      read += room;
      truncated = true;
      break;
    }
    chunks.push(chunk);
    read += chunk.byteLength;
  }
  return { bytes: Buffer.concat(chunks, read), truncated };
}

type NextHop = { ok: true; hop: Hop } | { ok: false; error: ProbeError };

/** The request a redirect asks for (RFC 9110 §15.4, as browsers do it). */
function nextHop(hop: Hop, status: number, location: string): NextHop {
  const invalid = (why: string): NextHop => ({
    ok: false,
    error: { code: PROBE_CODES.invalidRedirect, phase: 'redirect', message: `${status} redirect ${why}` },
  });
  if (!URL.canParse(location, hop.url)) return invalid(`to an invalid Location "${truncate(location, 200)}"`);
  const target = new URL(location, hop.url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return invalid(`to an unsupported scheme ${target.protocol}`);
  }
  target.hash = '';

  const becomesGet = (status === 303 && hop.method !== 'HEAD') || ((status === 301 || status === 302) && hop.method === 'POST');
  const headers = { ...hop.headers };
  if (becomesGet) for (const name of BODY_HEADERS) delete headers[name];
  // Credentials never travel to another origin (scheme, host or port differ).
  if (target.origin !== new URL(hop.url).origin) for (const name of CREDENTIAL_HEADERS) delete headers[name];

  return {
    ok: true,
    hop: {
      method: becomesGet ? 'GET' : hop.method,
      url: target.toString(),
      headers,
      ...(becomesGet || hop.body === undefined ? {} : { body: hop.body }),
    },
  };
}

function describeChain(redirects: readonly RedirectHop[]): string {
  const [first] = redirects;
  if (first === undefined) return '';
  const urls = [first.from, ...redirects.map((hop) => hop.to)];
  return truncate(urls.join(' → '), 400);
}

/** How far one request got, from its trace (stages are only known with a tracked dispatcher). */
type Stage = 'connect' | 'headers' | 'body';

function stageOf(trace: ExchangeTrace): Stage {
  if (trace.headersAt !== undefined) return 'body';
  if (trace.sentAt !== undefined) return 'headers';
  return 'connect';
}

const PHASE_BY_CODE: Readonly<Record<string, ProbePhase>> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NODATA: 'dns',
  EAI_NONAME: 'dns',
  ECONNREFUSED: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  EHOSTDOWN: 'connect',
  ENETDOWN: 'connect',
  EADDRNOTAVAIL: 'connect',
  ETIMEDOUT: 'connect',
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'tls',
  SELF_SIGNED_CERT_IN_CHAIN: 'tls',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'tls',
  UNABLE_TO_GET_ISSUER_CERT: 'tls',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'tls',
  EPROTO: 'tls',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_HEADERS_OVERFLOW: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'body',
  UND_ERR_INVALID_ARG: 'request',
  UND_ERR_NOT_SUPPORTED: 'request',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'request',
  ERR_INVALID_URL: 'request',
};

function phaseOf(code: string, stage: Stage | 'redirect'): ProbePhase {
  const known = PHASE_BY_CODE[code];
  if (known !== undefined) return known;
  if (code.startsWith('CERT_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) return 'tls';
  if (code.startsWith('HPE_')) return stage === 'body' ? 'body' : 'headers';
  // ECONNRESET, UND_ERR_SOCKET, EPIPE…: where it happened is the phase.
  return stage;
}

function toProbeError(error: unknown, stage: Stage | 'redirect'): ProbeError {
  if (error instanceof ProbeAbortedError) {
    return { code: error.code, phase: 'aborted', message: error.message };
  }
  if (error instanceof ProbeDeadlineError) {
    const waiting =
      stage === 'connect'
        ? 'while connecting'
        : stage === 'headers'
          ? 'while waiting for response headers'
          : stage === 'body'
            ? 'while reading the body'
            : 'while following redirects';
    return { code: error.code, phase: stage, message: `${error.message} (${waiting})` };
  }
  const code = errorCode(error) ?? PROBE_CODES.unknown;
  return { code, phase: phaseOf(code, stage), message: messageOf(error) };
}

/** Request header values (tokens, cookies) must never reach a report through an error message. */
function scrub(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function remoteOf(trace: ExchangeTrace): { remoteAddress?: string; remotePort?: number } {
  return {
    ...(trace.remoteAddress !== undefined ? { remoteAddress: trace.remoteAddress } : {}),
    ...(trace.remotePort !== undefined ? { remotePort: trace.remotePort } : {}),
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
