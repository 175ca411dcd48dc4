import { describe, expect, it } from 'vitest';
import type { AttemptResult, BrowserObservation, HttpObservation, JourneyResult, Observation, StepResult } from '../result/types.js';
import { failureStatus, observationStatus } from './failure-status.js';

const http = (status: number): HttpObservation => ({
  kind: 'http',
  method: 'GET',
  url: 'http://shop.test/api',
  status,
  headers: {},
  body: '',
  bodyBytes: 0,
  bodyTruncated: false,
  timings: { totalMs: 1 },
  redirects: [],
});

const browser = (extra: Partial<BrowserObservation>): BrowserObservation => ({
  kind: 'browser',
  url: 'http://shop.test/',
  failedRequests: [],
  consoleErrors: [],
  pageErrors: [],
  ...extra,
});

describe('observationStatus', () => {
  it.each<[string, Observation | undefined, number | undefined]>([
    ['an HTTP response', http(404), 404],
    ['a 200 with the wrong body', http(200), 200],
    ['no observation (connection refused)', undefined, undefined],
    ['a document that answered 401', browser({ documentStatus: 401 }), 401],
    ['a 200 document, a failed fetch', browser({ documentStatus: 200, failedRequests: [{ method: 'POST', url: '/api', status: 403, resourceType: 'fetch' }] }), 403],
    ['a broken image only (noise)', browser({ documentStatus: 200, failedRequests: [{ method: 'GET', url: '/logo.png', status: 404, resourceType: 'image' }] }), undefined],
    ['a request that never answered', browser({ failedRequests: [{ method: 'GET', url: '/api', failure: 'net::ERR_CONNECTION_REFUSED', resourceType: 'fetch' }] }), undefined],
    ['the page was fine', browser({ documentStatus: 200 }), undefined],
  ])('%s → %s', (_what, observation, status) => {
    expect(observationStatus(observation)).toBe(status);
  });
});

describe('failureStatus', () => {
  const step = (status: StepResult['status'], observation?: Observation): StepResult =>
    status === 'failed'
      ? { name: 's', kind: 'request', phase: 'entry', index: 0, durationMs: 1, status, failure: { layer: 'route', hint: 'h', message: 'm' }, ...(observation ? { observation } : {}) }
      : { name: 's', kind: 'request', phase: 'entry', index: 0, durationMs: 1, status: 'passed', ...(observation ? { observation } : {}) };
  const attempt = (steps: StepResult[], outcome: AttemptResult['outcome'] = 'failed'): AttemptResult => ({ attempt: 1, outcome, startedAt: '', durationMs: 1, steps });
  const journey = (outcome: JourneyResult['outcome'], attempts: AttemptResult[]) => ({ outcome, attempts });

  it('reads the failing step of the last attempt, never a passing one', () => {
    expect(failureStatus(journey('failed', [attempt([step('passed', http(200)), step('failed', http(401))])]))).toBe(401);
    expect(failureStatus(journey('failed', [attempt([step('failed', http(502))]), attempt([step('failed', http(404))])]))).toBe(404);
  });

  it('is undefined for a journey that did not fail', () => {
    expect(failureStatus(journey('flaky', [attempt([step('failed', http(502))]), attempt([step('passed', http(200))], 'passed')]))).toBeUndefined();
    expect(failureStatus(journey('passed', [attempt([step('passed', http(200))], 'passed')]))).toBeUndefined();
  });
});
