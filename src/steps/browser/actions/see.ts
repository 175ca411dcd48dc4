/**
 * see / notSee: visibility assertions, retried until the step's budget runs out.
 *
 * `see: "text"` (or `{ text }`) that never shows is a wrong *result* (the page answered
 * with other text); `see: { role, label, testId… }` that never shows is a missing
 * *control* (frontend). Several matches are fine for an assertion: one visible is enough.
 */
import type { StepOf } from '../../../journey/schema.js';
import type { AssertionResult } from '../../../result/types.js';
import type { StepOutcome } from '../../types.js';
import { describeTarget, hasNth, seeTarget, targetLocator } from '../locator.js';
import type { Target } from '../locator.js';
import type { StepScope } from '../run-step.js';
import { captureAll } from './capture.js';
import { appears } from './find.js';

function isTextTarget(target: Target): boolean {
  return target.kind === 'text' || (target.kind === 'locator' && target.spec.text !== undefined);
}

export async function runSee(step: StepOf<'see'>, scope: StepScope): Promise<StepOutcome> {
  const target = seeTarget(step.see);
  const subject = describeTarget(target);
  if (!(await appears(scope, target))) {
    const assertion: AssertionResult = {
      kind: 'see',
      subject,
      expression: `see ${subject} (not visible after ${scope.budgetText})`,
      expected: 'visible',
      actual: 'not visible',
      passed: false,
    };
    return scope.fail({
      symptom: isTextTarget(target) ? 'assertion-failed' : 'locator-missing',
      message: assertion.expression,
      assertions: [assertion],
      target,
      matchCount: 0,
    });
  }
  const seen: AssertionResult = { kind: 'see', subject, expression: `see ${subject}`, expected: 'visible', actual: 'visible', passed: true };
  if (!step.capture) return { status: 'passed', assertions: [seen] };

  const locator = targetLocator(scope.page, target);
  const element = hasNth(target) ? locator : locator.filter({ visible: true }).first();
  const { captured, assertions } = await captureAll(
    step.capture,
    {
      text: async () => (await element.innerText({ timeout: scope.left() })).trim(),
      value: () => element.inputValue({ timeout: scope.left() }),
      attribute: (name) => element.getAttribute(name, { timeout: scope.left() }),
      url: () => scope.page.url(),
    },
    scope.ctx,
  );
  const all = [seen, ...assertions];
  const failed = assertions.find((a) => !a.passed);
  if (failed) return scope.fail({ symptom: 'assertion-failed', message: failed.expression, assertions: all, candidates: [] });
  return { status: 'passed', assertions: all, captured };
}

export async function runNotSee(step: StepOf<'notSee'>, scope: StepScope): Promise<StepOutcome> {
  const target = seeTarget(step.notSee);
  const subject = describeTarget(target);
  const locator = targetLocator(scope.page, target);
  const visible = hasNth(target) ? locator : locator.filter({ visible: true });
  try {
    await (hasNth(target) ? visible : visible.first()).waitFor({ state: 'hidden', timeout: scope.left() });
  } catch (error) {
    if (!scope.isTimeout(error)) throw error;
    const count = await visible.count().catch(() => 1);
    const assertion: AssertionResult = {
      kind: 'notSee',
      subject,
      expression: `notSee ${subject} (still visible after ${scope.budgetText})`,
      expected: 'not visible',
      actual: `${count} visible`,
      passed: false,
    };
    return scope.fail({ symptom: 'assertion-failed', message: assertion.expression, assertions: [assertion], matchCount: count, candidates: [] });
  }
  return {
    status: 'passed',
    assertions: [{ kind: 'notSee', subject, expression: `notSee ${subject}`, expected: 'not visible', actual: 'not visible', passed: true }],
  };
}
