/**
 * `POST /hooks/flagger`: Flagger calls a webhook at each phase of a canary analysis and
 * moves on when it answers 2xx (any other status counts as a failed check). We run the
 * selected journeys and answer 200 when they pass (flaky and degraded included: slow is not
 * broken) or 500 when they fail.
 *
 * Hazards:
 * - Flagger copies the response body into Kubernetes events and its logs: the body names
 *   journeys, outcomes, stages and layers only (bounded sets), never hints, messages or
 *   URLs, which could carry a secret or an internal address;
 * - Flagger retries and several Flagger replicas can deliver the same phase twice: a
 *   delivery with the same canary, checksum and phase reuses the in-flight run, or the
 *   finished one for `ttlMs`, instead of doubling the load on the target.
 */
import { z } from 'zod';
import type { RunResult, Trigger } from '../result/types.js';
import { parseDuration } from '../journey/duration.js';
import { countsAsPassed } from '../result/types.js';
import type { RunRecord, RunService } from './runs.js';
import type { CatalogEntry } from './select.js';
import { selectJourneys, splitList } from './select.js';

/** Flagger's webhook payload (pkg/apis/flagger CanaryWebhookPayload); extra fields are allowed. */
export const FlaggerPayload = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().min(1),
  phase: z.string().optional(),
  checksum: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});
export type FlaggerPayload = z.infer<typeof FlaggerPayload>;

export interface HookReply {
  readonly status: number;
  /** Short plain text, safe to copy into Kubernetes events. */
  readonly body: string;
}

export type PayloadResult = { ok: true; payload: FlaggerPayload } | { ok: false; message: string };

export function parseFlaggerPayload(value: unknown): PayloadResult {
  const parsed = FlaggerPayload.safeParse(value);
  if (parsed.success) return { ok: true, payload: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'payload';
  return {
    ok: false,
    message: `not a Flagger webhook payload: ${where}: ${issue?.message ?? 'invalid'} (expected { name, namespace, phase, checksum, metadata })`,
  };
}

/** Longest body we answer: Kubernetes events are for people, not for reports. */
const MAX_REPLY_CHARS = 1_000;

/** The verdict Flagger acts on, from a finished run record. */
export function flaggerReply(record: RunRecord): HookReply {
  const run = record.run;
  if (record.status !== 'complete' || !run) {
    return { status: 503, body: `pathproof: could not verify (run ${record.id} ${record.status})` };
  }
  // Degraded and flaky count as passed: slow is not broken, a rollout must not be rolled back for it.
  const passed = countsAsPassed(run.outcome);
  const text = passed ? passedText(run) : failedText(run);
  return { status: passed ? 200 : 500, body: truncate(`pathproof: ${text}; run ${record.id}`) };
}

function passedText(run: RunResult): string {
  const flaky = run.journeys.filter((j) => j.outcome === 'flaky').map((j) => j.name);
  const degraded = run.journeys.filter((j) => j.outcome === 'degraded').map((j) => j.name);
  const total = run.journeys.length;
  const notes = [flaky.length > 0 ? `flaky: ${flaky.join(', ')}` : undefined, degraded.length > 0 ? `degraded: ${degraded.join(', ')}` : undefined].filter(Boolean);
  return `${total} ${total === 1 ? 'journey' : 'journeys'} passed${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

function failedText(run: RunResult): string {
  const bad = run.journeys.filter((j) => !countsAsPassed(j.outcome));
  const parts = bad.map((j) => {
    if (j.outcome === 'failed') return `${j.name} failed${j.stage ? ` at ${j.stage}` : ''}${j.layer ? ` (layer ${j.layer})` : ''}`;
    if (j.outcome === 'error') return `${j.name} could not be verified`;
    return `${j.name} ${j.outcome}`;
  });
  return `${bad.length} of ${run.journeys.length} journeys did not pass: ${parts.join(', ')}`;
}

function truncate(text: string): string {
  return text.length <= MAX_REPLY_CHARS ? text : `${text.slice(0, MAX_REPLY_CHARS - 1)}…`;
}

export interface FlaggerHookOptions {
  readonly service: RunService;
  readonly catalog: () => readonly CatalogEntry[];
  /** How long a finished result answers duplicate deliveries (default 60 s). */
  readonly ttlMs?: number;
  /** Monotonic milliseconds. */
  readonly now?: () => number;
  /**
   * `wait:` of pathproof.yaml: how long a Flagger run gives the runtime checks to hold before
   * the stages (`metadata.wait` of the call overrides it). Scheduled runs never wait.
   */
  readonly waitMs?: number;
}

export interface FlaggerHook {
  handle(payload: FlaggerPayload): Promise<HookReply>;
}

export function createFlaggerHook(options: FlaggerHookOptions): FlaggerHook {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? (() => performance.now());
  const recent = new Map<string, { reply: Promise<HookReply>; expires: number }>();

  const prune = (): void => {
    const at = now();
    for (const [key, entry] of recent) if (entry.expires <= at) recent.delete(key);
  };

  const runFor = async (payload: FlaggerPayload): Promise<HookReply> => {
    const metadata = payload.metadata ?? {};
    const selection = selectJourneys(options.catalog(), { names: splitList(metadata.journeys), tags: splitList(metadata.tags) });
    if (!selection.ok) return { status: 400, body: `pathproof: ${selection.message}` };
    // `metadata.expectVersion` lets the Canary say which build it is promoting: a stale replica
    // answering with the old version is then drift, not a pass.
    // `metadata.wait: 1m`: the rollout may still be going when Flagger calls; keep it below the webhook's timeout.
    const waitMs = metadata.wait === undefined ? options.waitMs : parseDuration(metadata.wait.trim());
    if (metadata.wait !== undefined && (waitMs === undefined || waitMs > 60 * 60_000)) {
      return { status: 400, body: 'pathproof: metadata.wait expects a duration up to 1h, such as 30s or 2m' };
    }
    const trigger: Trigger = {
      source: 'flagger',
      deployId: `${payload.namespace}/${payload.name}`,
      ...(metadata.expectVersion ? { expectVersion: metadata.expectVersion } : {}),
      ...(waitMs ? { waitMs } : {}),
    };
    const record = options.service.start(selection.names, trigger);
    return flaggerReply(await options.service.wait(record.id));
  };

  return {
    handle(payload) {
      prune();
      // Without a checksum there is no way to tell a retry from a new revision: always run.
      if (payload.checksum === undefined) return runFor(payload);
      const key = JSON.stringify([payload.namespace, payload.name, payload.checksum, payload.phase ?? '', payload.metadata ?? {}]);
      const existing = recent.get(key);
      if (existing) return existing.reply;
      const entry = { reply: runFor(payload), expires: Number.POSITIVE_INFINITY };
      recent.set(key, entry);
      // The TTL starts when the result is known. A failure to start and a bad selection
      // (fixed by editing journeys and SIGHUP) are not cached.
      void entry.reply.then(
        (reply) => {
          if (reply.status === 400) recent.delete(key);
          else entry.expires = now() + ttlMs;
        },
        () => recent.delete(key),
      );
      return entry.reply;
    },
  };
}
