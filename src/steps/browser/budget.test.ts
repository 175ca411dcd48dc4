import { describe, expect, it } from 'vitest';
import type { Clock } from '../../result/clock.js';
import { budgetText, shownBudgetMs, stepBudgetMs } from './budget.js';

const at = (now: number): Clock => ({ now: () => now, wallNow: () => new Date(now) });

describe("a browser step's budget", () => {
  it("is the configured step time, a project's default included, within what is left", () => {
    // defaults.stepTimeout: 30s in pathproof.yaml; the step has no timeout of its own.
    expect(stepBudgetMs(undefined, { clock: at(1_000), deadline: 31_000, stepTimeoutMs: 30_000 })).toBe(30_000);
    expect(stepBudgetMs(5_000, { clock: at(1_000), deadline: 31_000, stepTimeoutMs: 30_000 })).toBe(5_000);
    // The journey's deadline comes first.
    expect(stepBudgetMs(undefined, { clock: at(1_000), deadline: 4_000, stepTimeoutMs: 30_000 })).toBe(3_000);
    // Called directly, with nothing configured: pathproof's default.
    expect(stepBudgetMs(undefined, { clock: at(0), deadline: 60_000 })).toBe(10_000);
  });

  it('names the time as written when the step bounds itself, whatever a busy machine took before the budget was read', () => {
    // timeout: 1s, 20 ms gone before the step read its budget.
    const budget = stepBudgetMs(undefined, { clock: at(1_020), deadline: 2_000, stepTimeoutMs: 1_000 });
    expect(budget).toBe(980);
    expect(budgetText(shownBudgetMs(budget, undefined, { stepTimeoutMs: 1_000, deadlineFrom: 'step' }))).toBe('1s');
    // The journey's deadline bounds it: what was left is the truth.
    expect(budgetText(shownBudgetMs(980, undefined, { stepTimeoutMs: 10_000, deadlineFrom: 'journey' }))).toBe('980ms');
  });
});
