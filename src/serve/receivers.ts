/**
 * Delivery to alert receivers (webhooks, Alertmanager, Slack), kept off the verdict's path:
 * `send` queues and returns at once; each receiver has its own serial queue (so a
 * `recovered` never overtakes its `broke`), a bounded backlog, and retries with exponential
 * backoff and a per-attempt timeout, so a receiver that hangs or answers 500 costs a bounded
 * time in its own queue and nothing anywhere else.
 *
 * Failures are counted on every delivery (`onDelivery`) but logged once per outage: the
 * first failure says what went wrong, later ones stay quiet until the receiver takes a
 * delivery again, which is logged too. Log lines name the receiver (`slack-1`,
 * `alertmanager-1 (alertmanager:9093)`), never its URL: a Slack or webhook URL is a
 * credential, and any text from an error passes through `redact` (the receivers' secrets).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { errorCode } from '../util/errors.js';
import { SIGNATURE_HEADER } from './alert-payload.js';

export type ReceiverKind = 'webhook' | 'alertmanager' | 'slack';

export interface Receiver {
  /** `webhook-1`, `alertmanager-2`, `slack-1`: the metric label and the name in logs. */
  readonly id: string;
  readonly kind: ReceiverKind;
  /** Where to POST (for Alertmanager: the base URL; /api/v2/alerts is appended). */
  readonly url: string;
  /** Webhooks: the HMAC-SHA256 key of the signature header. */
  readonly secret?: string;
}

/** `alertmanager-1 (alertmanager:9093)`; webhooks and Slack by id only (their URL is a credential). */
export function describeReceiver(receiver: Receiver): string {
  if (receiver.kind !== 'alertmanager') return receiver.id;
  try {
    return `${receiver.id} (${new URL(receiver.url).host})`;
  } catch {
    return receiver.id;
  }
}

export interface PostResult {
  readonly status: number;
}

/** One HTTP POST; rejects on transport errors and when `signal` aborts. */
export type Post = (url: string, body: string, headers: Readonly<Record<string, string>>, signal: AbortSignal) => Promise<PostResult>;

export interface RetryPolicy {
  /** Attempts per delivery, the first included. */
  readonly attempts: number;
  /** Delay before the second attempt; doubled each time, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Bound on each attempt (connect, send, answer). */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 8_000, timeoutMs: 10_000 };

/** Deliveries waiting per receiver before the oldest is dropped (counted as failed). */
export const MAX_BACKLOG = 100;

export type DeliveryResult = 'delivered' | 'failed' | 'dropped';

export interface OutboxOptions {
  readonly post: Post;
  readonly retry?: RetryPolicy;
  readonly log: (line: string) => void;
  /** Every delivery's end, for the metric. */
  readonly onDelivery?: (receiver: Receiver, result: DeliveryResult) => void;
  /** Scrubs receiver secrets out of error text before it is logged. */
  readonly redact?: (text: string) => string;
  readonly backlog?: number;
}

export interface Delivery {
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Deliveries with the same key replace a waiting one (Alertmanager re-sends: only the
   * newest state matters). Without a key every delivery is kept.
   */
  readonly key?: string;
  /** For the log line: what this delivery was (`broke refund-api`). */
  readonly what: string;
}

export interface Outbox {
  /** Queues a delivery; never throws, never waits. */
  send(receiver: Receiver, delivery: Delivery): void;
  /** Resolves when every queue is empty, or at `deadlineMs` (monotonic wall-free timer), whichever is first. */
  flush(deadlineMs: number): Promise<void>;
  /** Stops retrying: waiting deliveries are dropped, backoff delays end now. */
  close(): void;
}

interface Queue {
  readonly receiver: Receiver;
  readonly waiting: Delivery[];
  running: boolean;
  failing: boolean;
  failures: number;
}

export function createOutbox(options: OutboxOptions): Outbox {
  const retry = options.retry ?? DEFAULT_RETRY;
  const backlog = options.backlog ?? MAX_BACKLOG;
  const redact = options.redact ?? ((text: string) => text);
  const queues = new Map<string, Queue>();
  const idle = new Set<() => void>();
  const closing = new AbortController();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (closing.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        closing.signal.removeEventListener('abort', done);
        resolve();
      }
      closing.signal.addEventListener('abort', done);
    });

  const attempt = async (receiver: Receiver, delivery: Delivery): Promise<{ ok: true } | { ok: false; why: string; retry: boolean }> => {
    const signal = AbortSignal.any([AbortSignal.timeout(retry.timeoutMs), closing.signal]);
    try {
      const { status } = await options.post(targetUrl(receiver), delivery.body, { 'content-type': 'application/json', ...delivery.headers }, signal);
      if (status >= 200 && status < 300) return { ok: true };
      // 408, 429 and 5xx may pass later; another 4xx says the request itself is wrong.
      return { ok: false, why: `answered ${status}`, retry: status === 408 || status === 429 || status >= 500 };
    } catch (error) {
      const timedOut = signal.aborted && !closing.signal.aborted;
      const why = timedOut ? `no answer within ${retry.timeoutMs / 1000}s` : (errorCode(error) ?? redact((error as Error).message));
      return { ok: false, why, retry: true };
    }
  };

  const deliver = async (queue: Queue, delivery: Delivery): Promise<void> => {
    const { receiver } = queue;
    let last = '';
    for (let n = 1; n <= retry.attempts && !closing.signal.aborted; n++) {
      const result = await attempt(receiver, delivery);
      if (result.ok) {
        if (queue.failing) options.log(`alerts: ${describeReceiver(receiver)} takes deliveries again (${queue.failures} failed meanwhile)`);
        queue.failing = false;
        queue.failures = 0;
        options.onDelivery?.(receiver, 'delivered');
        return;
      }
      last = result.why;
      if (!result.retry) break;
      if (n < retry.attempts) await sleep(Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (n - 1)));
    }
    queue.failures += 1;
    options.onDelivery?.(receiver, 'failed');
    if (!queue.failing) {
      queue.failing = true;
      options.log(
        `alerts: could not deliver ${delivery.what} to ${describeReceiver(receiver)}: ${last}` +
          ` (gave up after ${retry.attempts} attempts; further failures of this receiver are only counted until it works again)`,
      );
    }
  };

  const pump = async (queue: Queue): Promise<void> => {
    queue.running = true;
    try {
      while (queue.waiting.length > 0) {
        const next = queue.waiting.shift() as Delivery;
        await deliver(queue, next);
      }
    } finally {
      queue.running = false;
      if ([...queues.values()].every((q) => !q.running && q.waiting.length === 0)) {
        for (const resolve of idle) resolve();
        idle.clear();
      }
    }
  };

  return {
    send(receiver, delivery) {
      if (closing.signal.aborted) return;
      let queue = queues.get(receiver.id);
      if (!queue) {
        queue = { receiver, waiting: [], running: false, failing: false, failures: 0 };
        queues.set(receiver.id, queue);
      }
      const replaced = delivery.key === undefined ? -1 : queue.waiting.findIndex((d) => d.key === delivery.key);
      if (replaced >= 0) queue.waiting[replaced] = delivery;
      else queue.waiting.push(delivery);
      while (queue.waiting.length > backlog) {
        queue.waiting.shift();
        options.onDelivery?.(receiver, 'dropped');
      }
      if (!queue.running) void pump(queue);
    },
    flush(deadlineMs) {
      if ([...queues.values()].every((q) => !q.running && q.waiting.length === 0)) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(finish, deadlineMs);
        timer.unref();
        function finish(): void {
          clearTimeout(timer);
          idle.delete(finish);
          resolve();
        }
        idle.add(finish);
      });
    },
    close() {
      closing.abort();
      for (const queue of queues.values()) {
        for (let i = 0; i < queue.waiting.length; i++) options.onDelivery?.(queue.receiver, 'dropped');
        queue.waiting.length = 0;
      }
    },
  };
}

/** The URL a receiver's deliveries go to, credentials removed (they travel as a header). */
function targetUrl(receiver: Receiver): string {
  if (receiver.kind !== 'alertmanager') return receiver.url;
  return `${receiver.url.replace(/\/+$/, '')}/api/v2/alerts`;
}

/** `sha256=<hex>`: the value of the webhook signature header for `body`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Headers of a webhook delivery: the signature when the webhook has a secret, and an id to de-duplicate. */
export function webhookHeaders(receiver: Receiver, body: string, id: string = randomUUID()): Record<string, string> {
  return {
    'x-pathproof-delivery': id,
    ...(receiver.secret ? { [SIGNATURE_HEADER]: signBody(receiver.secret, body) } : {}),
  };
}

/**
 * The real POST: one small undici Agent of its own (alerts never wait behind journey
 * probes for a pooled connection). Credentials in a URL (`http://user:pass@am:9093`) become
 * an Authorization header. Built by the CLI; `close()` when serve stops.
 */
export function createHttpPost(options: { connectTimeoutMs?: number } = {}): { post: Post; close(): Promise<void> } {
  const agent = new Agent({ connections: 4, keepAliveTimeout: 4_000, connect: { timeout: options.connectTimeoutMs ?? 5_000 } });
  const post: Post = async (url, body, headers, signal) => {
    const parsed = new URL(url);
    const extra: Record<string, string> = {};
    if (parsed.username || parsed.password) {
      extra.authorization = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`;
      parsed.username = '';
      parsed.password = '';
    }
    const response = await request(parsed, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'user-agent': 'pathproof', ...headers, ...extra },
      body,
      signal,
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    // The answer's body is not needed; reading it frees the socket for the next delivery.
    await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    return { status: response.statusCode };
  };
  return { post, close: () => agent.close() };
}
