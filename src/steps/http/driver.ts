/**
 * The HTTP step: build the request, probe, then run pure checks on the observation and
 * classify the first failure. Probe → observation → checks, nothing else.
 */
import { classifyHttp } from '../../classify/http.js';
import type { AssertionResult, Failure } from '../../result/types.js';
import { parseRequestLine } from '../../journey/schema.js';
import type { StepOf } from '../../journey/schema.js';
import type { StepContext, StepDriver, StepOutcome } from '../types.js';
import { checkExpect } from './assertions.js';
import { captureValues } from './capture.js';
import { probeInContext, requestInContext } from './in-context.js';

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

export const httpDriver: StepDriver<'request'> = {
  async run(step, ctx): Promise<StepOutcome> {
    const built = requestInContext(requestWithStepHeaders(step), ctx);
    if (!built.ok) return { status: 'error', error: { code: 'REQUEST_INVALID', message: built.message } };
    const request = built.request;
    const result = await probeInContext(request, ctx);
    const where = { method: request.method, url: request.url };

    if (!result.ok) {
      if (ctx.signal.aborted) {
        return abortedOutcome(ctx, result.error.message);
      }
      const failure = classifyHttp({ request: where, transport: result.error, failed: [], timeoutMs: request.timeoutMs });
      return { status: 'failed', failure: redactFailure(ctx, failure) };
    }

    const observation = result.observation;
    const assertions = checkExpect(step.expect ?? {}, observation);
    const failed = assertions.filter((a) => !a.passed);
    if (failed.length > 0) {
      const failure = classifyHttp({ request: where, observation, failed, assertions });
      return { status: 'failed', failure: redactFailure(ctx, failure), assertions, observation };
    }

    if (step.capture) {
      const { values, errors } = captureValues(step.capture, observation);
      if (errors.length > 0) {
        // The response was fine by every expectation but lacks what a later step needs.
        const captureAssertions: AssertionResult[] = errors.map((message) => ({
          kind: 'capture',
          expression: message,
          expected: 'a value',
          actual: undefined,
          passed: false,
        }));
        const failure = classifyHttp({ request: where, observation, failed: captureAssertions, assertions: [...assertions, ...captureAssertions] });
        return {
          status: 'failed',
          failure: redactFailure(ctx, failure),
          assertions: [...assertions, ...captureAssertions],
          observation,
        };
      }
      for (const [name, value] of Object.entries(values)) ctx.vars.set(name, value);
      return { status: 'passed', assertions, observation, captured: values };
    }
    return { status: 'passed', assertions, observation };
  },
};

/** The run was interrupted (SIGTERM): our decision, never the target's fault. */
function abortedOutcome(_ctx: StepContext, _message: string): StepOutcome {
  return { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted during this step' } };
}

function redactFailure(ctx: StepContext, failure: Failure): Failure {
  return ctx.redactor.redactDeep(failure);
}
