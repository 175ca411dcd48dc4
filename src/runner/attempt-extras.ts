/**
 * What an attempt collects besides its verdict (issue #17): slow steps and the journey's own
 * budget (`degraded`), the certificate of each first-party HTTPS origin (runtime truth, TLS
 * expiry), and the W3C trace its first-party requests carried. Kept apart from journey.ts so
 * the runner's flow stays readable; the judgements are src/classify/degraded.ts's.
 *
 * Everything read here comes from outcomes already redacted at the runner's boundary.
 */
import { isFirstParty, originOf } from '../result/origins.js';
import type { CertificateTruth, Degradation, Observation, Phase, StepResult, TraceRef } from '../result/types.js';
import { certificateExpiry, slowJourney, slowStep } from '../classify/degraded.js';
import { createTrace } from '../steps/trace.js';
import type { RandomBytes, TraceContext } from '../steps/trace.js';
import type { StepOutcome } from '../steps/types.js';

/** The project's settings for these (pathproof.yaml), handed down by the CLI. */
export interface ExtrasSettings {
  /** `tlsWarnWithin`: a first-party certificate expiring within it degrades the run. Undefined: off. */
  readonly tlsWarnWithinMs?: number;
  /** `traceparent:` of pathproof.yaml; the journey's own key wins. Default true. */
  readonly traceparent?: boolean;
  /** `traceUrl:` resolved (`${VAR}` substituted): `{traceId}` is filled in per attempt. */
  readonly traceUrl?: string;
  /** Where trace ids come from (tests pin it); default the CSPRNG, drawn in bulk (steps/trace.ts). */
  readonly random?: RandomBytes;
}

export interface AttemptExtras {
  /** The attempt's trace; undefined with `traceparent: false`. */
  readonly trace: TraceContext | undefined;
  readonly firstParty: readonly string[];
  /** Per origin, the certificate that expires first. */
  readonly certificates: Map<string, CertificateTruth>;
  /** Steps that passed slower than their warning budget, in order. */
  readonly slow: Degradation[];
}

export function startExtras(journey: { readonly traceparent?: boolean }, settings: ExtrasSettings, firstParty: readonly string[]): AttemptExtras {
  const send = journey.traceparent ?? settings.traceparent ?? true;
  return {
    trace: send ? createTrace(firstParty, settings.random) : undefined,
    firstParty,
    certificates: new Map(),
    slow: [],
  };
}

/**
 * One settled step: remember its certificates, judge its speed against its budget (a step
 * that passed only), and say which trace id it carried (for the step result).
 */
export function noteStep(
  extras: AttemptExtras,
  outcome: StepOutcome,
  step: { readonly phase: Phase; readonly index: number; readonly label: string; readonly durationMs: number },
  warn: { readonly budget: 'warnMs' | 'warnAfter'; readonly ms: number } | undefined,
): { traceId?: string } {
  const observation: Observation | undefined = outcome.observation;
  if (observation?.kind === 'http' && observation.tls !== undefined) {
    const origin = originOf(observation.url);
    if (origin !== undefined) remember(extras, { origin, ...observation.tls });
  }
  for (const certificate of outcome.certificates ?? []) remember(extras, certificate);
  if (outcome.status === 'passed' && warn !== undefined) {
    const slow = slowStep({ ...step, ...(observation === undefined ? {} : { observation }), budget: warn.budget, budgetMs: warn.ms });
    if (slow !== undefined) extras.slow.push(slow);
  }
  const traceId = outcome.traceId ?? (observation?.kind === 'http' && observation.traceparent !== undefined ? extras.trace?.traceId : undefined);
  return traceId === undefined ? {} : { traceId };
}

function remember(extras: AttemptExtras, certificate: CertificateTruth): void {
  // First-party origins only: a redirect to a third party is not ours to warn about.
  if (!certificate.origin.startsWith('https:') || !isFirstParty(certificate.origin, extras.firstParty)) return;
  const known = extras.certificates.get(certificate.origin);
  if (known === undefined || Date.parse(certificate.notAfter) < Date.parse(known.notAfter)) extras.certificates.set(certificate.origin, certificate);
}

/** What the attempt result carries from the extras. */
export interface FinishedExtras {
  readonly degradations?: readonly Degradation[];
  readonly certificates?: readonly CertificateTruth[];
  readonly trace?: TraceRef;
}

/**
 * At the end of an attempt: its certificates (soonest expiry first), its trace with the link,
 * and, when it passed, why it is degraded (slow steps, the journey's `warnAfter`, certificates
 * expiring within `tlsWarnWithin` of `now`, wall ms).
 */
export function finishExtras(
  extras: AttemptExtras,
  options: { readonly passed: boolean; readonly steps: readonly StepResult[]; readonly warnAfterMs?: number; readonly now: number; readonly settings: ExtrasSettings },
): FinishedExtras {
  const certificates = [...extras.certificates.values()].sort((a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter));
  const degradations: Degradation[] = [];
  if (options.passed) {
    degradations.push(...extras.slow);
    if (options.warnAfterMs !== undefined) {
      const journey = slowJourney({ steps: options.steps, budgetMs: options.warnAfterMs });
      if (journey !== undefined) degradations.push(journey);
    }
    const within = options.settings.tlsWarnWithinMs;
    if (within !== undefined) {
      for (const certificate of certificates) {
        const expiring = certificateExpiry(certificate, options.now, within);
        if (expiring !== undefined) degradations.push(expiring);
      }
    }
  }
  const trace = extras.trace;
  const url = trace === undefined ? undefined : traceLink(options.settings.traceUrl, trace.traceId);
  return {
    ...(degradations.length > 0 ? { degradations } : {}),
    ...(certificates.length > 0 ? { certificates } : {}),
    ...(trace === undefined ? {} : { trace: { id: trace.traceId, ...(url === undefined ? {} : { url }) } }),
  };
}

/** `https://tempo.example/trace/{traceId}` with the id filled in (every occurrence). */
export function traceLink(template: string | undefined, traceId: string): string | undefined {
  return template === undefined ? undefined : template.split('{traceId}').join(traceId);
}
