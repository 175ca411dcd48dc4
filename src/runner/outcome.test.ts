import { describe, expect, it } from 'vitest';
import { computeOutcome, countOutcomes, countsAsPassed, exitCodeFor, runOutcome } from './outcome.js';
import type { AttemptVerdict } from './outcome.js';
import type { Degradation, Outcome } from '../result/types.js';

type A = 'passed' | 'failed' | 'error';
const slow: Degradation = { kind: 'slow-journey', tookMs: 900, budgetMs: 500, message: 'took 900ms', hint: 'slow' };

describe('computeOutcome', () => {
  it.each<[A[], Outcome]>([
    [[], 'skipped'],
    [['passed'], 'passed'],
    [['failed'], 'failed'],
    [['error'], 'error'],
    [['failed', 'passed'], 'flaky'],
    [['error', 'passed'], 'flaky'],
    [['failed', 'failed'], 'failed'],
    [['failed', 'error'], 'error'],
    [['passed', 'failed'], 'failed'],
  ])('%j → %s', (attempts, expected) => {
    expect(computeOutcome(attempts.map((outcome) => ({ outcome })))).toBe(expected);
  });

  it.each<[AttemptVerdict[], Outcome]>([
    [[{ outcome: 'passed', degradations: [slow] }], 'degraded'],
    [[{ outcome: 'passed', degradations: [] }], 'passed'],
    // Flaky outranks degraded: the failure that was retried away is the news.
    [[{ outcome: 'failed' }, { outcome: 'passed', degradations: [slow] }], 'flaky'],
    // maxMs still fails: a failed attempt is failed whatever else it saw.
    [[{ outcome: 'failed', degradations: [slow] }], 'failed'],
  ])('with degradations %j → %s', (attempts, expected) => {
    expect(computeOutcome(attempts)).toBe(expected);
  });
});

describe('runOutcome and exit codes', () => {
  it.each<[Outcome[], Outcome, number]>([
    [['passed', 'passed'], 'passed', 0],
    [['passed', 'flaky'], 'flaky', 0],
    [['passed', 'degraded'], 'degraded', 0],
    [['degraded', 'flaky'], 'flaky', 0],
    [['degraded', 'failed'], 'failed', 1],
    [['degraded', 'error'], 'error', 3],
    [['passed', 'failed'], 'failed', 1],
    [['error', 'failed'], 'failed', 1],
    [['passed', 'error'], 'error', 3],
    [['skipped'], 'skipped', 3],
    [[], 'skipped', 3],
  ])('%j → %s, exit %i', (outcomes, expected, exit) => {
    const outcome = runOutcome(countOutcomes(outcomes.map((o) => ({ outcome: o }))));
    expect(outcome).toBe(expected);
    expect(exitCodeFor(outcome)).toBe(exit);
  });

  it('interrupted wins, a failed report makes a pass unverifiable', () => {
    expect(exitCodeFor('failed', { interrupted: true })).toBe(4);
    expect(exitCodeFor('passed', { reportFailed: true })).toBe(3);
    expect(exitCodeFor('failed', { reportFailed: true })).toBe(1);
  });
});

describe('countsAsPassed', () => {
  it.each<[Outcome, boolean]>([
    ['passed', true],
    ['degraded', true],
    ['flaky', true],
    ['failed', false],
    ['error', false],
    ['skipped', false],
  ])('%s → %s', (outcome, expected) => {
    expect(countsAsPassed(outcome)).toBe(expected);
  });
});
