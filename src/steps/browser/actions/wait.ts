/**
 * wait: a pause (bounded by the deadline), an element to appear, or a URL.
 * A pause longer than the time left is the journey's misconfiguration, not the target's
 * failure: it ends as an error after waiting what was left.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StepOf } from '../../../journey/schema.js';
import { remaining } from '../../../result/clock.js';
import type { StepContext, StepOutcome } from '../../types.js';
import { budgetText } from '../budget.js';
import { locatorFields } from '../locator.js';
import type { Target } from '../locator.js';
import type { StepScope } from '../run-step.js';
import { checkUrl, urlMatches } from '../url-match.js';
import { appears, countAll, missingMessage } from './find.js';

/** `wait: 2s`: a pause bounded by the deadline, no browser needed. */
export async function pause(ms: number, ctx: Pick<StepContext, 'clock' | 'deadline' | 'signal'>): Promise<StepOutcome> {
  const left = remaining(ctx.clock, ctx.deadline);
  try {
    await sleep(Math.min(ms, left), undefined, { signal: ctx.signal });
  } catch {
    return { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted' } };
  }
  if (ms > left) {
    return {
      status: 'error',
      error: { code: 'STEP_DEADLINE', message: `wait ${budgetText(ms)} is longer than the ${budgetText(left)} left; raise the step or journey timeout` },
    };
  }
  return { status: 'passed' };
}

export async function runWait(step: StepOf<'wait'>, scope: StepScope): Promise<StepOutcome> {
  const { ctx, page } = scope;
  const spec = step.wait;
  if (typeof spec === 'number') return pause(spec, ctx);
  if ('for' in spec) {
    const target: Target = { kind: 'locator', spec: locatorFields(spec.for) };
    if (await appears(scope, target)) return { status: 'passed' };
    const hidden = await countAll(scope, target);
    return scope.fail({ symptom: 'locator-missing', message: missingMessage(scope, target, hidden), target, matchCount: 0 });
  }
  const expectation = { contains: spec.url };
  try {
    await page.waitForURL((url) => urlMatches(url.href, expectation), { timeout: scope.left(), waitUntil: 'commit' });
    return { status: 'passed' };
  } catch (error) {
    if (!scope.isTimeout(error)) throw error;
    const assertions = checkUrl(page.url(), expectation, ctx.target).map((a) => ({ ...a, expression: `${a.expression} (after ${scope.budgetText})` }));
    return scope.fail({ symptom: 'assertion-failed', message: assertions[0]?.expression ?? `wait for url ${spec.url}`, assertions });
  }
}

