/**
 * click / fill / press / select / check: find exactly one element, then act on it with
 * what is left of the step's budget. An element that is found but never becomes
 * actionable (disabled, covered, detached by re-renders) is a frontend failure: the
 * control is there but the user cannot use it.
 */
import type { Locator as PwLocator } from 'playwright-core';
import type { StepOf } from '../../../journey/schema.js';
import type { StepOutcome } from '../../types.js';
import { clickTarget, describeTarget, locatorFields } from '../locator.js';
import type { Target } from '../locator.js';
import type { StepScope } from '../run-step.js';
import { findOne } from './find.js';

async function act(scope: StepScope, target: Target, action: (locator: PwLocator, timeout: number) => Promise<unknown>): Promise<StepOutcome> {
  const found = await findOne(scope, target);
  if (!found.ok) return found.outcome;
  scope.attempt.recorder.acting();
  try {
    await action(found.locator, scope.left());
  } catch (error) {
    if (!scope.isTimeout(error)) throw error;
    return scope.fail({
      symptom: 'locator-missing',
      message: `${scope.kind} ${describeTarget(target)}: found, but not actionable (disabled, covered or re-rendering) within ${scope.budgetText}`,
      target,
      matchCount: 1,
      candidates: [],
    });
  }
  return { status: 'passed' };
}

export function runClick(step: StepOf<'click'>, scope: StepScope): Promise<StepOutcome> {
  return act(scope, clickTarget(step.click), (locator, timeout) => locator.click({ timeout }));
}

export function runFill(step: StepOf<'fill'>, scope: StepScope): Promise<StepOutcome> {
  const { value } = step.fill;
  // A typed secret marks the attempt (no trace kept) in drivers.ts, like every step's values.
  return act(scope, { kind: 'locator', spec: locatorFields(step.fill) }, (locator, timeout) => locator.fill(value, { timeout }));
}

export async function runPress(step: StepOf<'press'>, scope: StepScope): Promise<StepOutcome> {
  const { press } = step;
  if (typeof press === 'string') {
    // A bare key goes to whatever has focus, as a user pressing it would.
    scope.attempt.recorder.acting();
    await scope.page.keyboard.press(press);
    return { status: 'passed' };
  }
  return act(scope, { kind: 'locator', spec: locatorFields(press) }, (locator, timeout) => locator.press(press.key, { timeout }));
}

export function runSelect(step: StepOf<'select'>, scope: StepScope): Promise<StepOutcome> {
  const { option } = step.select;
  // selectOption matches each string against option values and labels.
  return act(scope, { kind: 'locator', spec: locatorFields(step.select) }, (locator, timeout) => locator.selectOption(option, { timeout }));
}

export function runCheck(step: StepOf<'check'>, scope: StepScope): Promise<StepOutcome> {
  const { check } = step;
  const target: Target = typeof check === 'string' ? { kind: 'locator', spec: { label: check } } : { kind: 'locator', spec: locatorFields(check) };
  const checked = typeof check === 'string' ? true : (check.checked ?? true);
  return act(scope, target, (locator, timeout) => locator.setChecked(checked, { timeout }));
}
