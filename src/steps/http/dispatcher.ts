/**
 * The shared HTTP machinery, built once by the CLI and handed down (STYLE: build things
 * once at the edge): two keep-alive undici Agents — one strict, one that accepts invalid
 * certificates for `insecure: true` journeys — both timed by one {@link TimingTracker}.
 */
import { Agent, buildConnector } from './undici.js';
import type { Agent as AgentType, Dispatcher } from 'undici';
import { systemClock } from '../../result/clock.js';
import type { Clock } from '../../result/clock.js';
import { DEFAULTS } from '../../journey/schema.js';
import type { FreshDispatcher, HttpDeps } from '../types.js';
import { createTimingTracker } from './timings.js';

export interface HttpDepsOptions {
  /** TCP + TLS connect budget per socket (default 10s); the step deadline still bounds it. */
  readonly connectTimeoutMs?: number;
  /** Response bytes read per request before truncating (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Redirects followed per request unless the step says otherwise (default 10). */
  readonly maxRedirects?: number;
  /**
   * Sockets per origin (default 8). Bounded on purpose: unbounded concurrency against one
   * origin skews the response times we measure (Gatus makes the same point).
   */
  readonly connections?: number;
  /** The run's clock; timings are measured with it. Pass the same clock the probe gets. */
  readonly clock?: Clock;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_CONNECTIONS_PER_ORIGIN = 8;

/**
 * Builds the dispatchers. `close()` waits for in-flight requests, closes pooled sockets and
 * drops the diagnostics subscription; call it once when the run ends.
 */
export function createHttpDeps(options: HttpDepsOptions = {}): HttpDeps & { close(): Promise<void> } {
  const clock = options.clock ?? systemClock();
  const tracker = createTimingTracker(clock);
  const timeout = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const connections = options.connections ?? DEFAULT_CONNECTIONS_PER_ORIGIN;

  const agent = (rejectUnauthorized: boolean): AgentType =>
    new Agent({
      connections,
      // Pooled sockets idle out quickly: a canary probing every minute should not pin sockets
      // to an instance that a deploy has since drained.
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 30_000,
      connect: tracker.wrapConnector(buildConnector({ timeout, rejectUnauthorized })),
    });

  const strict = agent(true);
  const insecure = agent(false);
  const dispatcher: Dispatcher = strict.compose(tracker.interceptor);
  const insecureDispatcher: Dispatcher = insecure.compose(tracker.interceptor);
  /** One connection that is never reused, timed like the others: for a request sent again after a stale keep-alive. */
  const fresh = (rejectUnauthorized: boolean): FreshDispatcher => {
    const once = new Agent({ connections: 1, pipelining: 0, connect: tracker.wrapConnector(buildConnector({ timeout, rejectUnauthorized })) });
    // compose() returns a Proxy of the agent itself: never assign to it, close the agent.
    return { dispatcher: once.compose(tracker.interceptor), close: () => once.close() };
  };

  return {
    dispatcher,
    insecureDispatcher,
    fresh,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    maxRedirects: options.maxRedirects ?? DEFAULTS.maxRedirects,
    close: async () => {
      try {
        await Promise.all([strict.close(), insecure.close()]);
      } finally {
        tracker.close();
      }
    },
  };
}
