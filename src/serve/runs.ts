/**
 * Runs in `pathproof serve`: every run (schedule tick, API request, Flagger webhook) gets an
 * id up front, waits for concurrency permits from the shared semaphore, executes, and is
 * kept (bounded) so `GET /api/runs/:id` can answer. The latest result of each journey is
 * kept for `GET /api/journeys`.
 *
 * Everything stored here is already redacted by the caller's `execute` (reporters receive
 * redacted data through the multiplexer; the final RunResult is redacted before it is
 * returned), so the HTTP layer can serve it as is.
 */
import type { JourneyResult, RunResult, Trigger } from '../result/types.js';
import type { Semaphore } from '../schedule/semaphore.js';
import { SemaphoreClosedError } from '../schedule/semaphore.js';

export type RunRecordStatus = 'queued' | 'running' | 'complete' | 'cancelled' | 'error';

export interface RunRecord {
  readonly id: string;
  readonly trigger: Trigger;
  readonly journeys: readonly string[];
  readonly status: RunRecordStatus;
  readonly createdAt: string;
  /** run.json so far (status `running`), then the final one. Redacted. */
  readonly run?: RunResult;
  /** Why the run did not complete (cancelled by shutdown, runner bug). */
  readonly error?: string;
}

/** What `GET /api/journeys` shows of the last finished run of a journey. */
export interface LatestResult {
  readonly runId: string;
  readonly trigger: Trigger;
  readonly result: JourneyResult;
}

export interface ExecuteRequest {
  readonly id: string;
  readonly journeys: readonly string[];
  readonly trigger: Trigger;
  /** Journeys this run may run at once (the permits it holds). */
  readonly concurrency: number;
  /** Call as each journey finishes, with the redacted result and the run so far. */
  readonly onJourneyEnd: (result: JourneyResult, snapshot: RunResult) => void;
}

export interface RunServiceOptions {
  readonly semaphore: Semaphore;
  /** Executes one run and resolves with its final, redacted RunResult. */
  readonly execute: (request: ExecuteRequest) => Promise<RunResult>;
  readonly makeId: () => string;
  /** Merged under every run's trigger (env, expected version). */
  readonly baseTrigger?: Trigger;
  readonly now?: () => Date;
  /** Called once per run when it completed, was cancelled or failed (to log it). */
  readonly onFinish?: (record: RunRecord) => void;
  /** Finished runs kept for GET /api/runs/:id (default 200). */
  readonly keep?: number;
}

export class ServiceClosedError extends Error {
  override readonly name = 'ServiceClosedError';
  readonly code = 'SERVICE_CLOSED';
  constructor() {
    super('no new runs: the server is shutting down');
  }
}

export interface RunService {
  /** Queues a run of these journeys; returns its record at once. Throws ServiceClosedError when draining. */
  start(journeys: readonly string[], trigger: Trigger): RunRecord;
  get(id: string): RunRecord | undefined;
  /** Resolves with the record once the run completed, was cancelled or failed. */
  wait(id: string): Promise<RunRecord>;
  latest(): ReadonlyMap<string, LatestResult>;
  /** Drops the latest result of journeys that are no longer loaded. */
  forget(journey: string): void;
  /** Runs queued or running. */
  active(): number;
  /** Stops taking runs and cancels the queued ones; running ones continue. */
  close(): void;
  /** Resolves once no run is queued or running. */
  idle(): Promise<void>;
}

export function createRunService(options: RunServiceOptions): RunService {
  const keep = options.keep ?? 200;
  const now = options.now ?? (() => new Date());
  const records = new Map<string, RunRecord>();
  const done = new Map<string, Promise<RunRecord>>();
  const latest = new Map<string, LatestResult>();
  let closed = false;

  const update = (id: string, patch: Partial<RunRecord>): RunRecord => {
    const next = { ...(records.get(id) as RunRecord), ...patch };
    records.set(id, next);
    return next;
  };

  /** Oldest finished records go first; queued and running ones are never evicted. */
  const evict = (): void => {
    if (records.size <= keep) return;
    for (const [id, record] of records) {
      if (records.size <= keep) break;
      if (record.status === 'queued' || record.status === 'running') continue;
      records.delete(id);
      done.delete(id);
    }
  };

  const perform = async (id: string, journeys: readonly string[], trigger: Trigger): Promise<RunRecord> => {
    let permit: { permits: number; release: () => void };
    try {
      permit = await options.semaphore.acquire(journeys.length);
    } catch (error) {
      const message = error instanceof SemaphoreClosedError ? 'cancelled: the server shut down before the run started' : String(error);
      return update(id, { status: 'cancelled', error: message });
    }
    try {
      update(id, { status: 'running' });
      const run = await options.execute({
        id,
        journeys,
        trigger,
        concurrency: permit.permits,
        onJourneyEnd: (result, snapshot) => {
          if (result.outcome !== 'skipped') latest.set(result.name, { runId: id, trigger, result });
          update(id, { run: snapshot });
        },
      });
      return update(id, { status: 'complete', run });
    } catch (error) {
      return update(id, { status: 'error', error: `the run could not complete: ${(error as Error).message}` });
    } finally {
      permit.release();
      evict();
    }
  };

  return {
    start(journeys, requested) {
      if (closed) throw new ServiceClosedError();
      let id = options.makeId();
      // Ids are a timestamp and 16 random bits: several runs in one second may collide.
      while (records.has(id)) id = options.makeId();
      const trigger: Trigger = { ...options.baseTrigger, ...requested };
      const record: RunRecord = { id, trigger, journeys: [...journeys], status: 'queued', createdAt: now().toISOString() };
      records.set(id, record);
      const finished = perform(id, journeys, trigger).then((final) => {
        options.onFinish?.(final);
        return final;
      });
      done.set(id, finished);
      // Settled once it ends, whatever happens: idle() waits on these.
      void finished.finally(() => done.delete(id));
      return record;
    },
    get: (id) => records.get(id),
    async wait(id) {
      const pending = done.get(id);
      if (pending) return pending;
      const record = records.get(id);
      if (!record) throw new Error(`unknown run ${id}`);
      return record;
    },
    latest: () => latest,
    forget(journey) {
      latest.delete(journey);
    },
    active: () => done.size,
    close() {
      closed = true;
      options.semaphore.close();
    },
    async idle() {
      while (done.size > 0) await Promise.allSettled([...done.values()]);
    },
  };
}
