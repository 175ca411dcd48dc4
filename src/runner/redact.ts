/**
 * The one redaction boundary (DESIGN §1 secrets): everything a driver brings back from the
 * outside world — bodies, headers, URLs, page text, messages, captures, runtime values — is
 * redacted here, once, before it is classified, cut into excerpts or stored in a result.
 * Classification then reads redacted text, so a hint that quotes a body can never quote a
 * secret, and an excerpt can never cut one in half first.
 *
 * What is never touched: object keys, and the values pathproof itself makes — discriminators
 * (`kind`, `status`, `outcome`), layers, phases, codes, evidence paths, timings, counts. A
 * secret that happens to equal `name`, `http` or the current year cannot rename a field,
 * break a union or move a report directory.
 */
import type { Redactor } from '../result/types.js';
import type { StepOutcome } from '../steps/types.js';

/** Fields whose values pathproof makes: left exactly as they are, subtree included. */
const OURS: ReadonlySet<string> = new Set([
  'kind',
  'status',
  'phase',
  'layer',
  'code',
  'outcome',
  'resourceType',
  'startedBy',
  'path',
  'what',
  'check',
  'key',
  'passed',
  'laterSucceeded',
  'repeating',
  'sendsCredentials',
  'bodyTruncated',
  'bodyBytes',
  'timings',
  'durationMs',
  'pendingMs',
  'matchCount',
  'remotePort',
  'replies',
  'timeoutMs',
  // Ids and dates we make: the trace ids we drew, a certificate's notAfter we normalised.
  'traceId',
  'traceparent',
  'notAfter',
]);

/**
 * A copy with every string value redacted except under {@link OURS}; keys untouched. Without
 * secrets the value itself (nothing would change; a copy per step was a fiftieth of the
 * HTTP runner's time).
 */
export function redactValues<T>(value: T, redactor: Redactor): T {
  if (redactor.empty === true) return value;
  const copy = (input: unknown, key: string | undefined): unknown => {
    if (key !== undefined && OURS.has(key)) return input;
    if (typeof input === 'string') return redactor.redact(input);
    if (typeof input !== 'object' || input === null) return input;
    if (Array.isArray(input)) return input.map((item) => copy(item, undefined));
    const proto = Object.getPrototypeOf(input) as unknown;
    if (proto !== Object.prototype && proto !== null) return input;
    const out: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(input)) out[name] = copy(inner, name);
    return out;
  };
  return copy(value, undefined) as T;
}

/** A driver's outcome, redacted: the observation, assertions, symptom, captures, truth and messages. */
export function redactOutcome(outcome: StepOutcome, redactor: Redactor): StepOutcome {
  return redactValues(outcome, redactor);
}
