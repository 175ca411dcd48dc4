/**
 * Slow is not broken (DESIGN §2): what makes an attempt that worked `degraded`, as pure
 * functions of what was measured and the budgets the journey set. The runner calls them
 * for steps and attempts that passed; a failure never goes through here (`maxMs` still
 * fails: it is an assertion). Each degradation says what was seen (`message`) and, in the
 * operator's order, what to look at (`hint`).
 *
 * Decisions:
 * - An HTTP step is measured like `maxMs`: the whole exchange, redirects included
 *   (`timings.totalMs`), so `warnMs` and `maxMs` compare the same number. A browser step is
 *   measured as the runner measured it (the step's duration).
 * - Equal to the budget is not slower than it: only `took > budget` degrades.
 * - A journey's `warnAfter` counts its stage steps only: runtime checks are pathproof
 *   verifying the platform, and launching the browser is ours, not the user's wait.
 * - A certificate degrades when it expires within `tlsWarnWithin` of now (wall time). One
 *   that has already expired only reaches here with `insecure: true` (a verified
 *   connection fails with CERT_HAS_EXPIRED, layer endpoint): it degrades too, never silently.
 */
import type { CertificateTruth, Degradation, HttpTimings, Observation, Phase } from '../result/types.js';
import { formatDuration } from '../util/format.js';

export interface SlowStepInput {
  readonly phase: Phase;
  readonly index: number;
  /** The step's label as reports show it. */
  readonly label: string;
  /** The step's duration as the runner measured it. */
  readonly durationMs: number;
  readonly observation?: Observation;
  readonly budget: 'warnMs' | 'warnAfter';
  readonly budgetMs: number;
}

/** The degradation of a step that passed slower than its warning budget, or undefined. */
export function slowStep(input: SlowStepInput): Extract<Degradation, { kind: 'slow-step' }> | undefined {
  const http = input.observation?.kind === 'http' ? input.observation : undefined;
  const tookMs = Math.round(http?.timings.totalMs ?? input.durationMs);
  if (!(tookMs > input.budgetMs)) return undefined;
  const budgetName = input.budget === 'warnMs' ? 'expect.warnMs' : 'warnAfter';
  const took = `${formatDuration(tookMs)} (${budgetName} ${formatDuration(input.budgetMs)})`;
  const where = http ? slowPhase(http.timings) : undefined;
  const hint = http
    ? `${input.label} answered correctly but slowly, ${took}${where ? `: most of it ${where}` : ''} — users wait for it; look at it before it reaches maxMs`
    : `${input.label} worked but slowly, ${took}: check what the page waited for (its requests in the HTML report, the app's latency) before users give up`;
  return {
    kind: 'slow-step',
    phase: input.phase,
    index: input.index,
    step: input.label,
    tookMs,
    budget: input.budget,
    budgetMs: input.budgetMs,
    message: `${input.label} took ${took}`,
    hint,
  };
}

/** The phase that took most of a slow exchange, in words: `waiting for the server (ttfb 790ms)`. */
function slowPhase(timings: HttpTimings): string | undefined {
  const phases: [string, number | undefined][] = [
    ['resolving the host name (dns', timings.dnsMs],
    ['connecting (connect', timings.connectMs],
    ['in the TLS handshake (tls', timings.tlsMs],
    ['waiting for the server to answer (ttfb', timings.ttfbMs],
    ['reading the body (transfer', timings.transferMs],
  ];
  let best: [string, number] | undefined;
  for (const [name, ms] of phases) if (ms !== undefined && (best === undefined || ms > best[1])) best = [name, ms];
  // A phase that is not most of the time explains nothing (queueing, redirects).
  if (best === undefined || best[1] < timings.totalMs / 2) return undefined;
  return `${best[0]} ${formatDuration(best[1])})`;
}

export interface SlowJourneyInput {
  /** The stage steps of the attempt that passed (runtime checks left out by the caller or here). */
  readonly steps: readonly { readonly phase: Phase; readonly name: string; readonly durationMs: number }[];
  readonly budgetMs: number;
}

/** The degradation of a journey whose stage steps together took longer than `warnAfter`, or undefined. */
export function slowJourney(input: SlowJourneyInput): Extract<Degradation, { kind: 'slow-journey' }> | undefined {
  const steps = input.steps.filter((s) => s.phase !== 'runtime');
  const tookMs = Math.round(steps.reduce((sum, s) => sum + s.durationMs, 0));
  if (!(tookMs > input.budgetMs)) return undefined;
  const slowest = steps.reduce<(typeof steps)[number] | undefined>((a, b) => (a === undefined || b.durationMs > a.durationMs ? b : a), undefined);
  const took = `${formatDuration(tookMs)} (warnAfter ${formatDuration(input.budgetMs)})`;
  return {
    kind: 'slow-journey',
    tookMs,
    budgetMs: input.budgetMs,
    message: `the journey's steps took ${took}`,
    hint: `every step worked, but the whole path took ${took}${slowest ? `; the slowest step was ${slowest.phase} "${slowest.name}" (${formatDuration(slowest.durationMs)})` : ''} — start there`,
  };
}

const DAY_MS = 86_400_000;

/** `9 days`, `20 hours`, `45 minutes`: how long until (or since) an expiry, for people. */
export function expiryText(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 2 * DAY_MS) return `${Math.floor(abs / DAY_MS)} days`;
  if (abs >= 2 * 3_600_000) return `${Math.floor(abs / 3_600_000)} hours`;
  const minutes = Math.max(1, Math.floor(abs / 60_000));
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/**
 * The degradation of a first-party certificate that expires within `warnWithinMs` of `now`
 * (wall ms), or undefined (plenty of time left, or a notAfter we cannot read).
 */
export function certificateExpiry(certificate: CertificateTruth, now: number, warnWithinMs: number): Extract<Degradation, { kind: 'tls-expiry' }> | undefined {
  const notAfter = Date.parse(certificate.notAfter);
  if (!Number.isFinite(notAfter)) return undefined;
  const expiresInMs = notAfter - now;
  if (expiresInMs > warnWithinMs) return undefined;
  const date = new Date(notAfter).toISOString().replace(/\.000Z$/, 'Z');
  const whose = [certificate.subject ? `CN ${certificate.subject}` : undefined, certificate.issuer ? `issued by ${certificate.issuer}` : undefined].filter(Boolean).join(', ');
  // Days as written in pathproof.yaml (14d), not 336h.
  const within = `tlsWarnWithin ${warnWithinMs >= DAY_MS && warnWithinMs % DAY_MS === 0 ? `${warnWithinMs / DAY_MS}d` : formatDuration(warnWithinMs)}`;
  const expired = expiresInMs <= 0;
  return {
    kind: 'tls-expiry',
    origin: certificate.origin,
    notAfter: new Date(notAfter).toISOString(),
    expiresInMs: Math.round(expiresInMs),
    warnWithinMs,
    message: expired
      ? `the TLS certificate of ${certificate.origin} expired ${expiryText(expiresInMs)} ago (${date})`
      : `the TLS certificate of ${certificate.origin} expires in ${expiryText(expiresInMs)} (${date}, ${within})`,
    hint: expired
      ? `renew the certificate of ${certificate.origin}${whose ? ` (${whose})` : ''} now: it expired on ${date}, and only insecure: true let this journey pass — users' browsers refuse it`
      : `renew the certificate of ${certificate.origin}${whose ? ` (${whose})` : ''} before ${date}: after that users get a certificate error (check the renewal job: certbot, cert-manager, the load balancer's)`,
  };
}
