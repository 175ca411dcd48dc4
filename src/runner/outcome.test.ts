import { describe, expect, it } from 'vitest';
import { computeOutcome, countOutcomes, exitCodeFor, runOutcome } from './outcome.js';
import type { Outcome } from '../result/types.js';

type A = 'passed' | 'failed' | 'error';

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
});

describe('runOutcome and exit codes', () => {
  it.each<[Outcome[], Outcome, number]>([
    [['passed', 'passed'], 'passed', 0],
    [['passed', 'flaky'], 'flaky', 0],
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
