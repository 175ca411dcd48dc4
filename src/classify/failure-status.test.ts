import { describe, expect, it } from 'vitest';
import { journeyResult } from '../result/results.fixtures.js';
import { failureStatus } from './failure-status.js';

describe('failureStatus', () => {
  it('reads the status classification decided on, for a failed journey only', () => {
    const failed = journeyResult('failed', { layer: 'auth' });
    const withStatus = failed.outcome === 'failed' ? { ...failed, failure: { ...failed.failure, status: 401 } } : failed;
    expect(failureStatus(withStatus)).toBe(401);
    expect(failureStatus(failed)).toBeUndefined();
    expect(failureStatus(journeyResult('flaky', { layer: 'app' }))).toBeUndefined();
    expect(failureStatus(journeyResult('passed'))).toBeUndefined();
    expect(failureStatus(journeyResult('error'))).toBeUndefined();
  });
});
