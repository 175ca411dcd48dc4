/**
 * The HTTP step: build the request, probe, then run pure checks on the observation.
 * Probe → observation → checks → symptom; the verdict is src/classify's, the decision
 * between `failed` and `error` the runner's.
 */
import type { AssertionResult } from '../../result/types.js';
import { parseRequestLine } from '../../journey/schema.js';
import type { StepOf } from '../../journey/schema.js';
import type { StepContext, StepDriver, StepOutcome } from '../types.js';
import { checkExpect } from './assertions.js';
import { captureValues } from './capture.js';
import { probeInContext, requestInContext } from './in-context.js';
import { tracedBy } from '../trace.js';
import type { ProbeRequest } from './probe.js';

export { labelRequest } from './label.js';

type HttpStep = StepOf<'request'>;

/** Step-level `headers:` go over the request's own, so `request: GET /x` can carry headers too. */
export function requestWithStepHeaders(step: HttpStep): HttpStep['request'] {
  if (!step.headers) return step.request;
  if (typeof step.request === 'string') {
    const line = parseRequestLine(step.request);
    if (!line) return step.request;
    return { method: line.method as 'GET', url: line.url, headers: step.headers };
  }
  return { ...step.request, headers: { ...step.request.headers, ...step.headers } };
}

const CREDENTIAL_FIELD_RE = /(^|[&{,\s"'])(password|passwd|pass|client_secret|grant_type|refresh_token|otp)("?\s*[:=])/i;

/**
 * True when the request submits credentials in its body (a login form, an OAuth token
 * request): a 403 then means the credentials were refused (auth), not a policy (authz).
 */
export function sendsCredentials(request: ProbeRequest, ctx: Pick<StepContext, 'secrets'>): boolean {
  const body = request.body;
  if (body === undefined) return false;
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  return CREDENTIAL_FIELD_RE.test(text) || ctx.secrets.holdsSecret(text);
}

export const httpDriver: StepDriver<'request'> = {
  async run(step, ctx): Promise<StepOutcome> {
    const built = requestInContext(requestWithStepHeaders(step), ctx);
    if (!built.ok) return { status: 'error', error: { code: 'REQUEST_INVALID', message: built.message } };
    const request = built.request;
    const result = await probeInContext(request, ctx);
    const where = { method: request.method, url: request.url, ...(sendsCredentials(request, ctx) ? { sendsCredentials: true } : {}) };

    if (!result.ok) {
      if (ctx.signal.aborted) return { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted during this step' } };
      return {
        status: 'failed',
        symptom: {
          kind: 'transport',
          request: where,
          code: result.error.code,
          message: result.error.message,
          phase: result.error.phase,
          timeoutMs: request.timeoutMs,
        },
        // A request that hung in the app still reached it: its trace is where to look.
        ...tracedBy(result.partial?.traceparent),
      };
    }

    const observation = result.observation;
    const assertions = checkExpect(step.expect ?? {}, observation);
    if (assertions.some((a) => !a.passed)) return { status: 'failed', symptom: { kind: 'response', request: where }, assertions, observation };

    if (!step.capture) return { status: 'passed', assertions, observation };
    const { values, errors } = captureValues(step.capture, observation);
    if (errors.length > 0) {
      // The response was fine by every expectation but lacks what a later step needs.
      const missing: AssertionResult[] = errors.map((message) => ({ kind: 'capture', expression: message, expected: 'a value', actual: undefined, passed: false }));
      return { status: 'failed', symptom: { kind: 'response', request: where }, assertions: [...assertions, ...missing], observation };
    }
    for (const [name, value] of Object.entries(values)) ctx.vars.set(name, value);
    return { status: 'passed', assertions, observation, captured: values };
  },
};
