/**
 * Phase timings (dns / connect / tls / ttfb / transfer) and the remote address of each
 * HTTP exchange, measured without per-request subscriptions.
 *
 * How a request is tied to its socket — undici does not hand the socket to `request()`:
 * 1. The Agent's connector is wrapped ({@link TimingTracker.wrapConnector}); every socket
 *    we open gets a {@link SocketTimeline} in a WeakMap, filled from the socket's own
 *    `lookup` / `connect` / `secureConnect` events.
 * 2. A dispatcher interceptor ({@link TimingTracker.interceptor}) wraps the handler of every
 *    request that carries an {@link ExchangeTrace} as its `opaque`. undici calls the
 *    handler's `onRequestStart` and then, synchronously in the same tick (client-h1
 *    `writeH1`), publishes `undici:client:sendHeaders` with the socket. The interceptor
 *    parks the trace in `pending`; the one `sendHeaders` subscriber of this tracker takes it.
 *    Nothing can run between the two, so this holds under any concurrency.
 * 3. The first trace to use a socket claims its connect timeline; later requests on the
 *    same (kept-alive) socket performed no dns/connect/tls, so those stay undefined.
 *
 * Hazards: `diagnostics_channel` channels are process-wide and Node's bundled undici (global
 * fetch) publishes on the same names, so the subscriber ignores sockets this tracker did not
 * open. The whole scheme leans on undici 7 internals (the onRequestStart → sendHeaders
 * order); the probe tests pin it.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { PeerCertificate as NodePeerCertificate, TLSSocket } from 'node:tls';
import type { buildConnector, Dispatcher } from 'undici';
import type { Clock } from '../../result/clock.js';
import type { HttpTimings, PeerCertificate } from '../../result/types.js';

/** When a socket we opened passed each connection phase (tracker clock, ms). */
export interface SocketTimeline {
  readonly startedAt: number;
  /** Set only when a DNS lookup happened (not for IP literals). */
  lookupAt?: number;
  connectedAt?: number;
  /** TLS handshake done (https only). */
  secureAt?: number;
  /** The certificate the server presented in that handshake (https only), read once per socket. */
  certificate?: PeerCertificate;
  /** The first request on the socket owns the connection phases. */
  claimed: boolean;
}

/**
 * What one request saw on the wire. The probe creates one per hop and passes it as the
 * request's `opaque`; the tracker fills it in. Fields stay undefined when the dispatcher
 * was not built by `createHttpDeps` (no tracker), or when the phase did not happen.
 */
export class ExchangeTrace {
  /** Connection phases, only when this request opened the socket. */
  connection?: SocketTimeline;
  /** The request headers were written to a socket. */
  sentAt?: number;
  /** Response headers arrived. */
  headersAt?: number;
  /** The last response chunk arrived. */
  lastByteAt?: number;
  remoteAddress?: string;
  remotePort?: number;
  /** The server's certificate on the socket that carried this request (every request, reused sockets too). */
  certificate?: PeerCertificate;
}

/** Per-deps timing machinery: one subscription, WeakMaps, nothing global. */
export interface TimingTracker {
  /** Wraps a connector so every socket it opens is timed. */
  wrapConnector(connector: buildConnector.connector): buildConnector.connector;
  /** Dispatcher interceptor that ties requests carrying an {@link ExchangeTrace} to their socket. */
  readonly interceptor: Dispatcher.DispatcherComposeInterceptor;
  /** Unsubscribes from diagnostics channels. */
  close(): void;
}

/** Where the interceptor parks a trace until the next `sendHeaders` takes it. */
interface PendingSlot {
  park(trace: ExchangeTrace): void;
  /** Clears the slot only if it still holds `trace`. */
  release(trace: ExchangeTrace): void;
}

const SEND_HEADERS = 'undici:client:sendHeaders';

interface SendHeadersMessage {
  readonly socket?: Socket;
}

export function createTimingTracker(clock: Clock): TimingTracker {
  const sockets = new WeakMap<object, SocketTimeline>();
  let pending: ExchangeTrace | undefined;

  const onSendHeaders = (message: unknown): void => {
    const trace = pending;
    if (trace === undefined) return;
    const socket = (message as SendHeadersMessage).socket;
    // Not one of ours (another dispatcher, Node's bundled undici): leave `pending` alone.
    if (socket === undefined || !sockets.has(socket)) return;
    pending = undefined;
    const timeline = sockets.get(socket) as SocketTimeline;
    trace.sentAt = clock.now();
    trace.remoteAddress = socket.remoteAddress;
    trace.remotePort = socket.remotePort;
    if (timeline.certificate !== undefined) trace.certificate = timeline.certificate;
    if (!timeline.claimed) {
      timeline.claimed = true;
      trace.connection = timeline;
    } else {
      // A retried request (undici may re-send on a new socket) must not keep a stale timeline.
      trace.connection = undefined;
    }
  };
  diagnosticsChannel.subscribe(SEND_HEADERS, onSendHeaders);

  const wrapConnector = (connector: buildConnector.connector): buildConnector.connector => {
    return (options, callback) => {
      const timeline: SocketTimeline = { startedAt: clock.now(), claimed: false };
      // undici's connector returns the socket it created (the type says void).
      const socket = (connector as unknown as (...args: Parameters<buildConnector.connector>) => Socket | undefined)(
        options,
        callback,
      );
      if (socket === undefined) return;
      sockets.set(socket, timeline);
      socket.once('lookup', () => {
        timeline.lookupAt = clock.now();
      });
      socket.once('connect', () => {
        timeline.connectedAt = clock.now();
      });
      // Prepended: undici's own secureConnect listener writes the first request at once, and
      // the certificate must be on the timeline before that request's sendHeaders claims it.
      socket.prependOnceListener('secureConnect', () => {
        timeline.secureAt = clock.now();
        // TLS expiry (issue #17): the certificate of this very connection, no extra handshake.
        const certificate = peerCertificate(socket as TLSSocket);
        if (certificate !== undefined) timeline.certificate = certificate;
      });
    };
  };

  const slot: PendingSlot = {
    park: (trace) => {
      pending = trace;
    },
    release: (trace) => {
      if (pending === trace) pending = undefined;
    },
  };

  const interceptor: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (options, handler) => {
    const trace = (options as { opaque?: unknown }).opaque;
    if (!(trace instanceof ExchangeTrace)) return dispatch(options, handler);
    return dispatch(options, traceHandler(handler, trace, clock, slot));
  };

  return {
    wrapConnector,
    interceptor,
    close: () => {
      diagnosticsChannel.unsubscribe(SEND_HEADERS, onSendHeaders);
      pending = undefined;
    },
  };
}

/**
 * The peer certificate of a TLS socket as plain data: notAfter as ISO 8601, subject and issuer
 * common names. Undefined when there is none or its dates cannot be read (never throws: a
 * socket torn down mid-handshake must not break the exchange).
 */
export function peerCertificate(socket: Pick<TLSSocket, 'getPeerCertificate'>): PeerCertificate | undefined {
  let raw: NodePeerCertificate;
  try {
    raw = socket.getPeerCertificate();
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || typeof raw.valid_to !== 'string') return undefined;
  // OpenSSL's format, `Dec  2 00:52:00 2026 GMT`: Date parses it in every Node we support.
  const notAfter = Date.parse(raw.valid_to);
  if (!Number.isFinite(notAfter)) return undefined;
  const subject = nameOf(raw.subject);
  const issuer = nameOf(raw.issuer);
  return { notAfter: new Date(notAfter).toISOString(), ...(subject === undefined ? {} : { subject }), ...(issuer === undefined ? {} : { issuer }) };
}

/** CN, else O, of a certificate name (a field may repeat: Node gives an array then). */
function nameOf(name: unknown): string | undefined {
  if (name === null || typeof name !== 'object') return undefined;
  const fields = name as Record<string, string | string[] | undefined>;
  for (const key of ['CN', 'O']) {
    const value = fields[key];
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && first !== '') return first;
  }
  return undefined;
}

/** Delegates to `inner` (already a new-style handler: compose wraps it) and records trace points. */
function traceHandler(
  inner: Dispatcher.DispatchHandler,
  trace: ExchangeTrace,
  clock: Clock,
  slot: PendingSlot,
): Dispatcher.DispatchHandler {
  return {
    onRequestStart(controller, context) {
      slot.park(trace);
      // If undici aborts before writing (no sendHeaders follows), do not leave a stale trace
      // for the next request; sendHeaders, when it comes, comes synchronously before this.
      queueMicrotask(() => slot.release(trace));
      inner.onRequestStart?.(controller, context);
    },
    onRequestUpgrade(controller, statusCode, headers, socket) {
      inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
    },
    onResponseStart(controller, statusCode, headers, statusMessage) {
      // 1xx informational responses come first; time the final headers.
      if (statusCode >= 200) trace.headersAt = clock.now();
      inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
    },
    onResponseData(controller, chunk) {
      trace.lastByteAt = clock.now();
      inner.onResponseData?.(controller, chunk);
    },
    onResponseEnd(controller, trailers) {
      trace.lastByteAt ??= clock.now();
      inner.onResponseEnd?.(controller, trailers);
    },
    onResponseError(controller, error) {
      inner.onResponseError?.(controller, error);
    },
  };
}

/**
 * Phase durations of one exchange. `startedAt` is when the request was issued, `endedAt`
 * when the probe finished reading; `totalMs` is supplied by the caller (it may span
 * redirects). Absent phases were not performed (reused socket, IP literal, plain http).
 */
export function computeTimings(trace: ExchangeTrace, startedAt: number, endedAt: number, totalMs: number): HttpTimings {
  const c = trace.connection;
  const dnsMs = c?.lookupAt !== undefined ? c.lookupAt - c.startedAt : undefined;
  const connectMs = c?.connectedAt !== undefined ? c.connectedAt - (c.lookupAt ?? c.startedAt) : undefined;
  const tlsMs = c?.secureAt !== undefined && c.connectedAt !== undefined ? c.secureAt - c.connectedAt : undefined;
  const headersAt = trace.headersAt;
  const ttfbMs = headersAt !== undefined ? headersAt - (trace.sentAt ?? startedAt) : undefined;
  const transferMs = headersAt !== undefined ? Math.max(trace.lastByteAt ?? endedAt, headersAt) - headersAt : undefined;
  // Built field by field (absent phases left out), in the order reports print them.
  const timings: { -readonly [K in keyof HttpTimings]?: HttpTimings[K] } = {};
  if (dnsMs !== undefined) timings.dnsMs = round(dnsMs);
  if (connectMs !== undefined) timings.connectMs = round(connectMs);
  if (tlsMs !== undefined) timings.tlsMs = round(tlsMs);
  if (ttfbMs !== undefined) timings.ttfbMs = round(ttfbMs);
  if (transferMs !== undefined) timings.transferMs = round(transferMs);
  timings.totalMs = round(totalMs);
  return timings as HttpTimings;
}

function round(ms: number): number {
  return Math.round(Math.max(0, ms) * 100) / 100;
}
