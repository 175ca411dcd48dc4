/**
 * `pathproof run --pushgateway URL`: a one-shot run pushes the same journey metrics to a
 * Prometheus Pushgateway, on a dedicated registry (no process metrics: they describe a
 * process that is about to exit).
 *
 * The grouping key is `job=pathproof` plus `env` when one is named, never a run id: a run id
 * would leave one group per run in the Pushgateway forever. PUT replaces the whole group,
 * so the journeys of the previous run that this run did not select disappear with it.
 *
 * Hazard: `fetch` refuses URLs with credentials (`http://user:pass@host`), so they move to
 * an Authorization header; messages name the host only, never the credentials.
 */
import { Registry } from 'prom-client';
import type { RunResult } from '../result/types.js';
import { createMetrics } from './metrics.js';

export interface PushOptions {
  /** Pushgateway base URL, e.g. http://pushgateway:9091 (a path prefix is kept). */
  readonly url: string;
  readonly run: RunResult;
  /** The `--env` name: the `env` label and grouping key. */
  readonly env?: string;
  /** Bound on the whole PUT (default 10 s). */
  readonly fetchTimeoutMs?: number;
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

/** The group's URL and the Authorization header taken out of it, if any. */
export function pushTarget(base: string, env: string | undefined): { url: string; authorization?: string; where: string } {
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
  // A value with `/` (or other path characters) would change the path: those use the
  // Pushgateway's base64 form, `env@base64/<base64url>`; plain names stay readable.
  const envPart = !env ? '' : /^[A-Za-z0-9._~-]+$/.test(env) ? `/env/${env}` : `/env@base64/${Buffer.from(env).toString('base64url')}`;
  const group = `/metrics/job/pathproof${envPart}`;
  parsed.pathname = `${prefix}${group}`;
  return { url: parsed.toString(), ...(authorization ? { authorization } : {}), where: parsed.host };
}

/** Renders the run's journey metrics in the Prometheus text format (exported for tests). */
export async function runMetricsText(run: RunResult, env: string | undefined): Promise<{ body: string; contentType: string }> {
  const registry = new Registry();
  const metrics = createMetrics(registry);
  const label = env ?? '';
  metrics.initJourneys(
    run.journeys.filter((j) => j.outcome !== 'skipped').map((j) => j.name),
    label,
  );
  for (const journey of run.journeys) metrics.recordJourney(journey, label);
  return { body: await registry.metrics(), contentType: registry.contentType };
}

/** PUTs the run's metrics to `<url>/metrics/job/pathproof[/env/<env>]`; rejects with a PushError. */
export async function pushRunMetrics(options: PushOptions): Promise<void> {
  const target = pushTarget(options.url, options.env);
  const { body, contentType } = await runMetricsText(options.run, options.env);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'PUT',
      headers: { 'content-type': contentType, ...(target.authorization ? { authorization: target.authorization } : {}) },
      body,
      signal: AbortSignal.timeout(options.fetchTimeoutMs ?? DEFAULT_TIMEOUT_MS),
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
