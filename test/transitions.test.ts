/**
 * Transitions end to end: the bundled demo, broken one way then another, run by the built
 * CLI in one working directory so every run shares `reports/history.json`.
 *
 * Only the API journeys run (`--tag api`): transitions do not depend on the browser, and
 * refund-api shows every layer change the demo scenarios make.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JourneyResult, RunResult } from '../src/result/types.js';
import { runCli, tempDir } from './helpers.js';
import type { CliResult } from './helpers.js';

interface DemoRun {
  readonly cli: CliResult;
  readonly run: RunResult;
}

/** Runs `pathproof demo --scenario <scenario> --tag api` in `cwd`; run.json is found by run id. */
async function demo(cwd: string, scenario: string, extra: string[] = []): Promise<DemoRun> {
  const cli = await runCli(['demo', '--scenario', scenario, '--tag', 'api', ...extra], { cwd, timeoutMs: 90_000 });
  const runId = /pathproof run (\S+)/.exec(cli.stdout)?.[1];
  if (!runId) throw new Error(`no run id in the output (exit ${cli.code}):\n${cli.stdout}\n${cli.stderr}`);
  const run = JSON.parse(readFileSync(join(cwd, 'reports', runId, 'run.json'), 'utf8')) as RunResult;
  return { cli, run };
}

function refundApi(run: RunResult): JourneyResult {
  const found = run.journeys.find((j) => j.name === 'refund-api');
  if (!found) throw new Error('refund-api is not in run.json');
  return found;
}

describe('transitions between demo runs (default environment)', () => {
  const cwd = tempDir('pathproof-transitions-');
  const runs: Record<'first' | 'progressed' | 'recovered' | 'broke', DemoRun> = {} as never;

  beforeAll(async () => {
    // In order: each run is compared with the one before it.
    runs.first = await demo(cwd, 'missing-route');
    runs.progressed = await demo(cwd, 'forbidden');
    runs.recovered = await demo(cwd, 'healthy');
    runs.broke = await demo(cwd, 'missing-route');
  }, 240_000);

  it('a first run is new', () => {
    expect(runs.first.cli.code).toBe(1);
    expect(refundApi(runs.first.run)).toMatchObject({ layer: 'route', transition: { kind: 'new', to: 'route' } });
    expect(runs.first.run.warnings ?? []).toEqual([]);
  });

  it('missing-route → forbidden: route → authz, progressed, in run.json and on the console', () => {
    const journey = refundApi(runs.progressed.run);
    expect(journey).toMatchObject({
      outcome: 'failed',
      layer: 'authz',
      transition: { kind: 'progressed', from: 'route', to: 'authz', previousRunId: runs.first.run.runId, fromStatus: 404, toStatus: 403 },
    });
    const { stdout } = runs.progressed.cli;
    // In the operator's words (DESIGN §2): the status codes, then the layers.
    expect(stdout).toMatch(/✗ refund-api\s+failed\s+\S+\s+action · authz\s+404 → 403\s+progressed: route → authz\n/);
    expect(stdout).toContain(`since   404 → 403  progressed: route → authz (previous run ${runs.first.run.runId})`);
    // Journeys that passed both times are unchanged, and the line says nothing about it.
    expect(runs.progressed.run.journeys.find((j) => j.name === 'api-health')?.transition).toMatchObject({ kind: 'unchanged', from: 'passed', to: 'passed' });
    expect(stdout).toMatch(/✓ api-health\s+passed\s+\S+\n/);
  });

  it('forbidden → healthy: recovered, shown on the passing line', () => {
    expect(runs.recovered.cli.code).toBe(0);
    expect(refundApi(runs.recovered.run)).toMatchObject({ outcome: 'passed', transition: { kind: 'recovered', from: 'authz', to: 'passed', fromStatus: 403 } });
    expect(runs.recovered.cli.stdout).toMatch(/✓ refund-api\s+passed\s+\S+\s+authz → passed recovered\n/);
  });

  it('healthy → missing-route: broke', () => {
    expect(refundApi(runs.broke.run)).toMatchObject({ outcome: 'failed', layer: 'route', transition: { kind: 'broke', from: 'passed', to: 'route', toStatus: 404 } });
    expect(runs.broke.cli.stdout).toMatch(/✗ refund-api\s+failed\s+\S+\s+action · route\s+passed → route broke\n/);
    expect(runs.broke.cli.stdout).toContain('since   broke: passed → route (404)');
  });

  it('keeps every run in the history index', () => {
    const history = JSON.parse(readFileSync(join(cwd, 'reports', 'history.json'), 'utf8')) as {
      runs: { runId: string }[];
      journeys: Record<string, Record<string, { layer?: string; status?: number }>>;
    };
    expect(history.runs.map((r) => r.runId)).toEqual(Object.values(runs).map((r) => r.run.runId));
    // The latest refund-api failure with the status it was decided on (404 of missing-route).
    expect(history.journeys['refund-api']?.['']).toMatchObject({ layer: 'route', status: 404 });
  });
});

describe('transitions per environment', () => {
  it('compares a journey only with its previous run in the same --env', async () => {
    const cwd = tempDir('pathproof-transitions-env-');
    writeFileSync(join(cwd, 'pathproof.yaml'), 'environments:\n  staging: {}\n  prod: {}\n');
    await demo(cwd, 'missing-route', ['--env', 'staging']);
    const prod = await demo(cwd, 'forbidden', ['--env', 'prod']);
    expect(prod.run.trigger.env).toBe('prod');
    expect(refundApi(prod.run).transition).toEqual({ kind: 'new', to: 'authz', toStatus: 403 });
    const staging = await demo(cwd, 'forbidden', ['--env', 'staging']);
    expect(refundApi(staging.run).transition).toMatchObject({ kind: 'progressed', from: 'route', to: 'authz' });
    const none = await demo(cwd, 'healthy');
    expect(refundApi(none.run).transition).toEqual({ kind: 'new', to: 'passed' });
  }, 240_000);
});

describe('a corrupt history index', () => {
  it('never fails the run: it warns that transitions are unavailable and rewrites the index', async () => {
    const cwd = tempDir('pathproof-transitions-corrupt-');
    await demo(cwd, 'missing-route');
    writeFileSync(join(cwd, 'reports', 'history.json'), '{"version":1,"runs":[{"runId":');
    const healthy = await demo(cwd, 'healthy');
    expect(healthy.cli.code).toBe(0);
    expect(healthy.run.outcome).toBe('passed');
    expect(healthy.run.journeys.every((j) => j.transition === undefined)).toBe(true);
    expect(healthy.run.warnings?.join('\n')).toMatch(/transitions unavailable: could not read .*history\.json \(not valid JSON/);
    expect(healthy.cli.stdout).toMatch(/warning: transitions unavailable/);
    // Rewritten: valid again, and the next run has transitions.
    const history = JSON.parse(readFileSync(join(cwd, 'reports', 'history.json'), 'utf8')) as { runs: { runId: string }[] };
    expect(history.runs.map((r) => r.runId)).toEqual([healthy.run.runId]);
    const next = await demo(cwd, 'forbidden');
    expect(refundApi(next.run).transition).toMatchObject({ kind: 'broke', from: 'passed', to: 'authz' });
    expect(readdirSync(join(cwd, 'reports')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 240_000);
});
