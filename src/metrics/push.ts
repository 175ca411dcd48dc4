/**
 * `pathproof run --pushgateway URL`: a one-shot run pushes the same journey metrics to a
 * Prometheus Pushgateway, on a dedicated registry (no process metrics: they describe a
 * process that is about to exit).
 *
 * Decision: one group per journey, `job=pathproof[,env=<env>],journey=<name>`, each PUT with
 * that journey's metrics only. A PUT replaces its whole group (a POST only the same-named
 * metrics in it), so with one group per run or per environment, `--shard 2/2` erased shard
 * 1's journeys and `--rerun-failed` left only the re-run ones. With one group per journey a
 * push replaces exactly the journeys it ran: shards, re-runs and runs with different `--tag`
 * keep each other's results, and no shard label is needed (a journey that moves to another
 * shard when journeys are added still has one series). Never a run id: that would leave one
 * group per run in the Pushgateway forever. A skipped journey (an interrupted run) is not
 * pushed: its previous result stays.
 *
 * Hazard: a journey that is deleted or renamed keeps its group until someone deletes it
 * (`DELETE /metrics/job/pathproof/env/<env>/journey/<name>`); `push_time_seconds` of the
 * group shows its age.
 *
 * Hazard: `fetch` refuses URLs with credentials (`http://user:pass@host`), so they move to
 * an Authorization header; messages name the host only, never the credentials.
 */
import { Registry } from 'prom-client';
import type { JourneyResult, RunResult } from '../result/types.js';
import { createMetrics } from './metrics.js';

export interface PushOptions {
  /** Pushgateway base URL, e.g. http://pushgateway:9091 (a path prefix is kept). */
  readonly url: string;
  readonly run: RunResult;
  /** The `--env` name: the `env` label and grouping key. */
  readonly env?: string;
  /** Bound on each PUT (default 10 s). */
  readonly fetchTimeoutMs?: number;
  /** PUTs in flight at once (default 4). */
  readonly concurrency?: number;
}

export class PushError extends Error {
  override readonly name = 'PushError';
  constructor(
    readonly code: 'PUSH_BAD_URL' | 'PUSH_REJECTED' | 'PUSH_UNREACHABLE',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONCURRENCY = 4;

/** One grouping-key label as a path segment: plain values stay readable, others use the Pushgateway's base64 form. */
function groupLabel(name: string, value: string): string {
  // A value with `/` (or other path characters) would change the path: `name@base64/<base64url>`.
  return /^[A-Za-z0-9._~-]+$/.test(value) ? `/${name}/${value}` : `/${name}@base64/${Buffer.from(value).toString('base64url')}`;
}

/** The group's URL and the Authorization header taken out of it, if any. */
export function pushTarget(base: string, env: string | undefined, journey?: string): { url: string; authorization?: string; where: string } {
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch {
    throw new PushError('PUSH_BAD_URL', 'the Pushgateway address is not a URL (expected e.g. http://pushgateway:9091)');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new PushError('PUSH_BAD_URL', `the Pushgateway address must be http(s), not ${parsed.protocol}`);
  }
  const authorization =
    parsed.username || parsed.password
      ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`
      : undefined;
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  const prefix = parsed.pathname.replace(/\/+$/, '');
  const group = `/metrics/job/pathproof${env ? groupLabel('env', env) : ''}${journey !== undefined ? groupLabel('journey', journey) : ''}`;
  parsed.pathname = `${prefix}${group}`;
  return { url: parsed.toString(), ...(authorization ? { authorization } : {}), where: parsed.host };
}

/** Renders one journey's metrics in the Prometheus text format (exported for tests). */
export async function journeyMetricsText(journey: JourneyResult, env: string | undefined): Promise<{ body: string; contentType: string }> {
  const registry = new Registry();
  const metrics = createMetrics(registry);
  const label = env ?? '';
  metrics.initJourneys([journey.name], label);
  metrics.recordJourney(journey, label);
  return { body: await registry.metrics(), contentType: registry.contentType };
}

/** PUTs one group; rejects with a PushError. */
async function put(target: { url: string; authorization?: string; where: string }, text: { body: string; contentType: string }, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'PUT',
      headers: { 'content-type': text.contentType, ...(target.authorization ? { authorization: target.authorization } : {}) },
      body: text.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? 'timed out' : (cause?.code ?? (error as Error).message);
    throw new PushError('PUSH_UNREACHABLE', `could not push metrics to the Pushgateway at ${target.where}: ${why}`, { cause: error });
  }
  if (!response.ok) {
    // The Pushgateway explains rejections in a short text body (e.g. inconsistent labels).
    const detail = (await response.text().catch(() => '')).trim().split('\n')[0]?.slice(0, 200) ?? '';
    throw new PushError(
      'PUSH_REJECTED',
      `the Pushgateway at ${target.where} answered ${response.status}${detail ? `: ${detail}` : ''}`,
    );
  }
  await response.body?.cancel().catch(() => undefined);
}

/**
 * PUTs each journey that ran to `<url>/metrics/job/pathproof[/env/<env>]/journey/<name>`.
 * Every journey is tried; when any push fails, rejects with the first PushError, its message
 * saying how many journeys were not pushed. Resolves with the number of journeys pushed.
 */
export async function pushRunMetrics(options: PushOptions): Promise<number> {
  pushTarget(options.url, options.env); // a bad URL fails once, before any request
  const journeys = options.run.journeys.filter((j) => j.outcome !== 'skipped');
  const timeoutMs = options.fetchTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const failures: PushError[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < journeys.length) {
      const journey = journeys[next++]!;
      try {
        await put(pushTarget(options.url, options.env, journey.name), await journeyMetricsText(journey, options.env), timeoutMs);
      } catch (error) {
        failures.push(error instanceof PushError ? error : new PushError('PUSH_UNREACHABLE', String(error), { cause: error }));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, journeys.length) }, worker));
  const [first] = failures;
  if (first) {
    const which = failures.length === journeys.length ? 'no journey was pushed' : `${failures.length} of ${journeys.length} journeys not pushed`;
    throw new PushError(first.code, `${first.message} (${which})`, { cause: first });
  }
  return journeys.length;
}
