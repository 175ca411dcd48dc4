/**
 * The global bound on journeys running at once in `pathproof serve`, shared by schedules,
 * API runs and webhooks (Gatus notes that unbounded concurrency skews the response times
 * it measures, and a browser context per journey at once would exhaust a small host).
 *
 * A run of k journeys takes min(k, limit) permits at once and runs them with that much
 * concurrency, so the sum in flight never passes the limit. Waiters are served first come,
 * first served: a large request is not starved by a stream of single ones.
 */

export class SemaphoreClosedError extends Error {
  override readonly name = 'SemaphoreClosedError';
  readonly code = 'SEMAPHORE_CLOSED';
  constructor() {
    super('no new runs: the server is shutting down');
  }
}

export interface Semaphore {
  readonly limit: number;
  /** Permits in use. */
  readonly inUse: number;
  /** Requests waiting. */
  readonly waiting: number;
  /**
   * Resolves with a release function once `count` permits (clamped to 1..limit) are held.
   * Rejects with SemaphoreClosedError after close(), or with the signal's reason when aborted.
   */
  acquire(count?: number, signal?: AbortSignal): Promise<{ permits: number; release: () => void }>;
  /** Rejects every waiter and every later acquire; held permits stay valid until released. */
  close(): void;
}

interface Waiter {
  readonly count: number;
  readonly grant: () => void;
  readonly fail: (error: unknown) => void;
}

export function createSemaphore(limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`semaphore limit must be a whole number >= 1, got ${limit}`);
  let inUse = 0;
  let closed = false;
  const queue: Waiter[] = [];

  const drain = (): void => {
    while (queue.length > 0 && (queue[0] as Waiter).count <= limit - inUse) {
      const waiter = queue.shift() as Waiter;
      inUse += waiter.count;
      waiter.grant();
    }
  };

  return {
    limit,
    get inUse() {
      return inUse;
    },
    get waiting() {
      return queue.length;
    },
    acquire(requested = 1, signal) {
      const count = Math.max(1, Math.min(limit, Math.floor(requested)));
      return new Promise((resolve, reject) => {
        if (closed) return reject(new SemaphoreClosedError());
        if (signal?.aborted) return reject(signal.reason);
        let released = false;
        const release = (): void => {
          // Idempotent: a double release would let more than `limit` run.
          if (released) return;
          released = true;
          inUse -= count;
          drain();
        };
        const onAbort = (): void => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          drain();
          reject(signal?.reason);
        };
        const waiter: Waiter = {
          count,
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve({ permits: count, release });
          },
          fail: (error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(waiter);
        drain();
      });
    },
    close() {
      closed = true;
      for (const waiter of queue.splice(0)) waiter.fail(new SemaphoreClosedError());
    },
  };
}
