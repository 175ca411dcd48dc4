/**
 * Finding the one element an action acts on. Strict like Playwright: several visible
 * matches without `nth` is a failure that says how many and how to narrow the locator,
 * rather than clicking whichever came first.
 */
import type { Locator as PwLocator } from 'playwright-core';
import type { StepOutcome } from '../../types.js';
import { describeTarget, hasNth, settleTarget, targetLocator } from '../locator.js';
import type { Target } from '../locator.js';
import type { StepScope } from '../run-step.js';

export type Found = { readonly ok: true; readonly locator: PwLocator } | { readonly ok: false; readonly outcome: StepOutcome };

/** Waits until some element of `target` is visible. False when the budget ran out first. */
export async function appears(scope: StepScope, target: Target): Promise<boolean> {
  const locator = targetLocator(scope.page, target);
  const visible = hasNth(target) ? locator : locator.filter({ visible: true }).first();
  try {
    await visible.waitFor({ state: 'visible', timeout: scope.left() });
    return true;
  } catch (error) {
    if (scope.isTimeout(error)) return false;
    throw error;
  }
}

/** How many elements match at all, hidden ones included (for messages). */
export async function countAll(scope: StepScope, target: Target): Promise<number> {
  return targetLocator(scope.page, target)
    .count()
    .catch(() => 0);
}

export function missingMessage(scope: StepScope, target: Target, hidden: number): string {
  const hiddenNote = hidden > 0 ? ` (${hidden} matching element${hidden === 1 ? ' is' : 's are'} hidden)` : '';
  return `${scope.kind} ${describeTarget(target)}: no visible element matched within ${scope.budgetText}${hiddenNote}`;
}

export async function findOne(scope: StepScope, target: Target): Promise<Found> {
  if (!(await appears(scope, target))) {
    const hidden = await countAll(scope, target);
    const outcome = await scope.fail({
      symptom: 'locator-missing',
      message: missingMessage(scope, target, hidden),
      target,
      matchCount: 0,
    });
    return { ok: false, outcome };
  }
  const locator = await settleTarget(scope.page, target);
  if (hasNth(target)) return { ok: true, locator };
  const count = await locator.count();
  if (count > 1) {
    const outcome = await scope.fail({
      symptom: 'locator-ambiguous',
      message:
        `${scope.kind} ${describeTarget(target)}: ${count} visible elements match, expected one; ` +
        'narrow the locator with nth (0-based), exact: true, or role + name',
      target,
      matchCount: count,
      candidates: [],
    });
    return { ok: false, outcome };
  }
  // count 0: it matched a moment ago and went away (re-render); Playwright's action waits for it again.
  return { ok: true, locator };
}
