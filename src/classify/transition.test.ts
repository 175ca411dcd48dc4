import { describe, expect, it } from 'vitest';
import type { Layer, Outcome, Transition } from '../result/types.js';
import { computeTransition, describeTransition } from './transition.js';
import type { TransitionCurrent, TransitionPrevious } from './transition.js';

type State = { outcome: Outcome; layer?: Layer };
const passed: State = { outcome: 'passed' };
const flaky: State = { outcome: 'flaky' };
const error: State = { outcome: 'error' };
const skipped: State = { outcome: 'skipped' };
const failed = (layer?: Layer): State => (layer === undefined ? { outcome: 'failed' } : { outcome: 'failed', layer });

describe('computeTransition', () => {
  it.each<[string, State | undefined, State, Transition]>([
    ['first run, passed', undefined, passed, { kind: 'new', to: 'passed' }],
    ['first run, failed', undefined, failed('route'), { kind: 'new', to: 'route' }],
    ['passed → failed', passed, failed('proxy'), { kind: 'broke', from: 'passed', to: 'proxy' }],
    ['flaky → failed', flaky, failed('app'), { kind: 'broke', from: 'flaky', to: 'app' }],
    ['passed → failed without layer', passed, failed(), { kind: 'broke', from: 'passed', to: 'failed' }],
    ['failed → passed', failed('route'), passed, { kind: 'recovered', from: 'route', to: 'passed' }],
    ['failed → flaky', failed('app'), flaky, { kind: 'recovered', from: 'app', to: 'flaky' }],
    ['404 → 401 (route → auth)', failed('route'), failed('auth'), { kind: 'progressed', from: 'route', to: 'auth' }],
    ['endpoint → result', failed('endpoint'), failed('result'), { kind: 'progressed', from: 'endpoint', to: 'result' }],
    ['401 → 404 (auth → route)', failed('auth'), failed('route'), { kind: 'regressed', from: 'auth', to: 'route' }],
    ['frontend → proxy', failed('frontend'), failed('proxy'), { kind: 'regressed', from: 'frontend', to: 'proxy' }],
    ['same layer', failed('authz'), failed('authz'), { kind: 'unchanged', from: 'authz', to: 'authz' }],
    ['failed without layer → failed', failed(), failed('app'), { kind: 'unchanged', from: 'failed', to: 'app' }],
    ['passed → passed', passed, passed, { kind: 'unchanged', from: 'passed', to: 'passed' }],
    ['passed → flaky', passed, flaky, { kind: 'unchanged', from: 'passed', to: 'flaky' }],
    ['error → failed', error, failed('route'), { kind: 'unchanged', from: 'error', to: 'route' }],
    ['failed → error', failed('route'), error, { kind: 'unchanged', from: 'route', to: 'error' }],
    ['error → passed', error, passed, { kind: 'unchanged', from: 'error', to: 'passed' }],
    ['passed → error', passed, error, { kind: 'unchanged', from: 'passed', to: 'error' }],
    ['skipped → failed', skipped, failed('app'), { kind: 'unchanged', from: 'skipped', to: 'app' }],
    ['failed → skipped', failed('app'), skipped, { kind: 'unchanged', from: 'app', to: 'skipped' }],
  ])('%s', (_name, previous, current, expected) => {
    expect(computeTransition(previous, current)).toEqual(expected);
  });

  it.each<[string, TransitionPrevious | undefined, TransitionCurrent, Transition]>([
    ['404 → 401', { outcome: 'failed', layer: 'route', status: 404 }, { outcome: 'failed', layer: 'auth', status: 401 }, { kind: 'progressed', from: 'route', to: 'auth', fromStatus: 404, toStatus: 401 }],
    ['passed → 502', { outcome: 'passed', status: 200 }, { outcome: 'failed', layer: 'proxy', status: 502 }, { kind: 'broke', from: 'passed', to: 'proxy', toStatus: 502 }],
    ['404 → passed', { outcome: 'failed', layer: 'route', status: 404 }, { outcome: 'passed', status: 200 }, { kind: 'recovered', from: 'route', to: 'passed', fromStatus: 404 }],
    ['refused → 503', { outcome: 'failed', layer: 'endpoint' }, { outcome: 'failed', layer: 'proxy', status: 503 }, { kind: 'progressed', from: 'endpoint', to: 'proxy', toStatus: 503 }],
    ['new with a status', undefined, { outcome: 'failed', layer: 'route', status: 404 }, { kind: 'new', to: 'route', toStatus: 404 }],
  ])('carries the status codes: %s', (_name, previous, current, expected) => {
    expect(computeTransition(previous, current)).toEqual(expected);
  });

  it('treats an outcome it does not know (degraded) as passing', () => {
    const degraded = { outcome: 'degraded' as Outcome };
    expect(computeTransition({ outcome: 'failed', layer: 'app', status: 500 }, degraded)).toMatchObject({ kind: 'recovered', from: 'app', to: 'degraded' });
    expect(computeTransition(degraded, failed('app'))).toMatchObject({ kind: 'broke', from: 'degraded', to: 'app' });
  });

  it('carries the previous run id', () => {
    expect(computeTransition({ outcome: 'failed', layer: 'route', runId: '2026-11-22T09-15-02Z-7f3a' }, failed('authz'))).toEqual({
      kind: 'progressed',
      from: 'route',
      to: 'authz',
      previousRunId: '2026-11-22T09-15-02Z-7f3a',
    });
  });
});

describe('describeTransition', () => {
  it.each<[Transition, string]>([
    [{ kind: 'new', to: 'passed' }, 'new'],
    [{ kind: 'progressed', from: 'route', to: 'authz' }, 'progressed route → authz'],
    [{ kind: 'recovered', from: 'app', to: 'passed' }, 'recovered app → passed'],
    [{ kind: 'progressed', from: 'route', to: 'auth', fromStatus: 404, toStatus: 401 }, '404 → 401  progressed: route → auth'],
    [{ kind: 'broke', from: 'passed', to: 'proxy', toStatus: 502 }, 'broke: passed → proxy (502)'],
    [{ kind: 'recovered', from: 'route', to: 'passed', fromStatus: 404 }, 'recovered: route (404) → passed'],
    [{ kind: 'progressed', from: 'route', to: 'auth', fromStatus: 404 }, 'progressed route → auth'],
    [{ kind: 'unchanged', from: 'error', to: 'route', toStatus: 404 }, 'unchanged: error → route (404)'],
  ])('%j → %s', (transition, text) => {
    expect(describeTransition(transition)).toBe(text);
  });
});
