import { describe, expect, it } from 'vitest';
import type { Layer } from '../result/types.js';
import { DEFAULT_POLICY, INITIAL_STATE, observe, reconcile, summarize } from './alert-state.js';
import type { AlertPolicy, JourneyAlertState, RunObservation } from './alert-state.js';

/** One line of a script: a run (`outcome[:layer[:status]]`), or a clock tick; `~` runs it in a quiet window. */
type Line = string;

interface Played {
  /** Per line: `confirmed[ rerun][ flapping]` and the notices sent, e.g. `down rerun | broke`. */
  readonly trace: string[];
  readonly state: JourneyAlertState;
  readonly story: string[];
}

const MINUTE = 60_000;

/**
 * Plays a script against the machine, one minute apart unless a line says `@<minutes>`.
 * `tick` only reconciles (time passes, quiet windows end).
 */
function play(lines: readonly Line[], policy: AlertPolicy = DEFAULT_POLICY): Played {
  let state = INITIAL_STATE;
  let now = 0;
  let n = 0;
  const trace: string[] = [];
  const story: string[] = [];
  for (const raw of lines) {
    const quiet = raw.startsWith('~');
    const [body = '', at] = raw.replace(/^~/, '').split('@');
    now = at === undefined ? now + MINUTE : Number(at) * MINUTE;
    let rerun = false;
    if (body !== 'tick') {
      const [outcome = 'passed', layer, status] = body.split(':');
      const run: RunObservation = {
        runId: `r${++n}`,
        at: now,
        outcome,
        ...(layer ? { layer: layer as Layer } : {}),
        ...(status ? { status: Number(status) } : {}),
      };
      const observed = observe(state, run, policy);
      state = observed.state;
      rerun = observed.rerun;
      story.push(...observed.story.map((e) => `${e.kind}@${e.run.runId}`));
    }
    const reconciled = reconcile(state, policy, { now, quiet });
    state = reconciled.state;
    story.push(...reconciled.story.map((e) => `${e.kind}@${e.run.runId}`));
    const words = [state.confirmed, rerun ? 'rerun' : '', state.flapping ? 'flapping' : ''].filter(Boolean).join(' ');
    const sent = reconciled.notices.map((notice) => notice.event).join(',');
    trace.push(sent ? `${words} | ${sent}` : words);
  }
  return { trace, state, story };
}

const policy = (overrides: Partial<AlertPolicy>): AlertPolicy => ({ ...DEFAULT_POLICY, ...overrides });

describe('confirmation', () => {
  it.each<[string, AlertPolicy, Line[], string[]]>([
    ['one blip never pages (confirm 2)', DEFAULT_POLICY, ['passed', 'failed:route', 'passed'], ['up', 'up rerun', 'up']],
    [
      'two failures page once, a pass resolves once (confirm 2, recover 1)',
      DEFAULT_POLICY,
      ['passed', 'failed:route', 'failed:route', 'failed:route', 'passed', 'passed'],
      ['up', 'up rerun', 'down | broke', 'down', 'up | recovered', 'up'],
    ],
    ['confirm 1: the first failure pages', policy({ confirm: 1 }), ['passed', 'failed:app', 'passed'], ['up', 'down | broke', 'up | recovered']],
    [
      'confirm 3 re-runs twice; recover 2 re-runs once',
      policy({ confirm: 3, recover: 2 }),
      ['passed', 'failed:app', 'failed:app', 'failed:app', 'passed', 'passed'],
      ['up', 'up rerun', 'up rerun', 'down | broke', 'down rerun', 'up | recovered'],
    ],
    [
      'a failure while recovering starts over',
      policy({ recover: 2 }),
      ['failed:app', 'failed:app', 'passed', 'failed:app', 'passed', 'passed'],
      ['unknown rerun', 'down | broke', 'down rerun', 'down', 'down rerun', 'up | recovered'],
    ],
    [
      'could not verify counts as failing (a canary that cannot verify is not up)',
      DEFAULT_POLICY,
      ['passed', 'error', 'error', 'passed'],
      ['up', 'up rerun', 'down | broke', 'up | recovered'],
    ],
    ['skipped runs change nothing', DEFAULT_POLICY, ['passed', 'failed:route', 'skipped', 'failed:route'], ['up', 'up rerun', 'up', 'down | broke']],
    [
      'an outcome it does not know (degraded) passes',
      DEFAULT_POLICY,
      ['failed:app', 'failed:app', 'degraded'],
      ['unknown rerun', 'down | broke', 'up | recovered'],
    ],
  ])('%s', (_name, p, lines, trace) => {
    expect(play(lines, p).trace).toEqual(trace);
  });

  it('a break is dated from its first failure, and the notice names the failing run', () => {
    let state = INITIAL_STATE;
    const notices = [];
    for (const [i, outcome] of ['passed', 'failed', 'failed'].entries()) {
      const run: RunObservation = { runId: `r${i}`, at: 1_000 * (i + 1), outcome, ...(outcome === 'failed' ? { layer: 'route' as const, status: 404 } : {}) };
      state = observe(state, run, DEFAULT_POLICY).state;
      const reconciled = reconcile(state, DEFAULT_POLICY, { now: run.at, quiet: false });
      state = reconciled.state;
      notices.push(...reconciled.notices);
    }
    expect(notices).toEqual([{ event: 'broke', at: 3_000, since: 2_000, run: { runId: 'r2', at: 3_000, outcome: 'failed', layer: 'route', status: 404 } }]);
    expect(summarize(state, DEFAULT_POLICY)).toEqual({ state: 'down', since: 2_000 });
  });
});

describe('layer changes while down', () => {
  const lines = ['failed:route:404', 'failed:route:404', 'failed:auth:401', 'failed:auth:401', 'failed:route:404', 'passed'];

  it('are told only when opted in (progressed / regressed)', () => {
    expect(play(lines).trace).toEqual(['unknown rerun', 'down | broke', 'down', 'down', 'down', 'up | recovered']);
    expect(play(lines, policy({ layerChanges: true })).trace).toEqual([
      'unknown rerun',
      'down | broke',
      'down | progressed',
      'down',
      'down | regressed',
      'up | recovered',
    ]);
  });

  it('are always in the story', () => {
    expect(play(lines).story).toEqual(['down@r2', 'progressed@r3', 'regressed@r5', 'up@r6']);
  });
});

describe('flapping', () => {
  const flap = policy({ flapping: { changes: 4, windowMs: 30 * MINUTE } });

  it('alarms once, sends no breaks or recoveries while flapping, is not re-run, and settles after a stable window', () => {
    const lines = ['passed', 'failed', 'passed', 'failed', 'passed', 'failed', 'failed', 'passed', 'passed@20', 'tick@60', 'passed@61'];
    expect(play(lines, flap).trace).toEqual([
      'up',
      'up rerun',
      'up',
      'up rerun',
      'up flapping | flapping', // the 4th change within 30 minutes
      'up flapping',
      'down flapping', // confirmed underneath, not sent
      'up flapping',
      'up flapping',
      'up | recovered', // 30 minutes without a change: settled up, the flapping alarm resolves
      'up',
    ]);
  });

  it('settling down pages as a break', () => {
    const lines = ['passed', 'failed', 'passed', 'failed', 'passed', 'failed', 'failed', 'failed@20', 'tick@52'];
    const { trace, story } = play(lines, flap);
    expect(trace.slice(-3)).toEqual(['down flapping', 'down flapping', 'down | broke']);
    expect(story).toContain('settled@r8');
  });

  it('is off with no flapping policy', () => {
    const lines = ['passed', 'failed', 'passed', 'failed', 'passed', 'failed', 'passed', 'failed', 'passed'];
    expect(play(lines, policy({ flapping: undefined })).trace.some((t) => t.includes('flapping'))).toBe(false);
  });
});

describe('quiet windows', () => {
  it('send nothing, and tell what is still true when they end', () => {
    const lines = ['passed', '~failed:app', '~failed:app', '~failed:app', 'tick'];
    expect(play(lines).trace).toEqual(['up', 'up rerun', 'down', 'down', 'down | broke']);
  });

  it('never tell about a break that recovered inside the window', () => {
    const lines = ['passed', '~failed:app', '~failed:app', '~passed', 'tick', 'passed'];
    expect(play(lines).trace).toEqual(['up', 'up rerun', 'down', 'up', 'up', 'up']);
  });

  it('keep a journey that was down before the window down for receivers until it recovers after it', () => {
    const lines = ['failed:app', 'failed:app', '~passed', 'tick'];
    expect(play(lines).trace).toEqual(['unknown rerun', 'down | broke', 'up', 'up | recovered']);
  });
});

describe('summarize', () => {
  it.each<[string, Line[], ReturnType<typeof summarize>['state'], object]>([
    ['never ran', [], 'not-run', {}],
    ['first failure, being confirmed', ['failed:route'], 'checking', { pending: { toward: 'down', count: 1, of: 2 } }],
    ['up with a failure being confirmed', ['passed', 'failed:route'], 'up', { pending: { toward: 'down', count: 1, of: 2 } }],
    ['down', ['failed', 'failed'], 'down', {}],
    ['degraded passes, shown as such', ['degraded'], 'degraded', { note: 'degraded' }],
    ['an outcome it does not know: up with a note', ['warned'], 'up', { note: 'warned' }],
  ])('%s', (_name, lines, shown, extra) => {
    const summary = summarize(play(lines).state, DEFAULT_POLICY);
    expect(summary.state).toBe(shown);
    expect(summary).toMatchObject(extra);
  });
});
