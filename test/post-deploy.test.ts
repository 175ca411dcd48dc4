/**
 * Post-deploy and post-rollback verification, end to end through the built CLI against the
 * demo shop: a deploy that breaks a route, a re-run of exactly what failed, a rollback that
 * brings the user paths back (with its investigation record), the CI reports, and shards.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoJourneyEnv, startDemoApp } from '../src/demo/app.js';
import type { DemoApp } from '../src/demo/app.js';
import type { RunResult } from '../src/result/types.js';
import type { InvestigationRecord } from '../src/report/investigation.js';
import type { CtrfReport } from '../src/report/ctrf.js';
import { findAll, parseXml } from '../src/report/xml-reader.fixtures.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';

const LONG = 180_000;

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** The run directory a CLI run printed (`report: <dir>/run.json`). */
function runDirOf(stdout: string): string {
  const match = /report: (.+)\/run\.json/.exec(stdout);
  if (!match) throw new Error(`no report line in:\n${stdout}`);
  return match[1]!;
}

const namesOf = (run: RunResult): string[] => run.journeys.map((j) => j.name).sort();
const failedOf = (run: RunResult): string[] =>
  run.journeys
    .filter((j) => j.outcome === 'failed' || j.outcome === 'error')
    .map((j) => j.name)
    .sort();

describe('deploy breaks a route, rollback brings it back', () => {
  let app: DemoApp;
  let work: string;
  let reports: string;
  let env: Record<string, string>;
  let deployDir: string;
  let deployRun: RunResult;
  let broken: string[];

  beforeAll(async () => {
    app = await startDemoApp({ scenario: 'missing-route' });
    work = tempDir('pathproof-post-deploy-');
    reports = join(work, 'reports');
    env = { ...demoJourneyEnv(app), GITHUB_STEP_SUMMARY: join(work, 'step-summary.md') };
  });
  afterAll(() => app.close());

  it('fails the deploy at the route layer and writes the CI reports', { timeout: LONG }, async () => {
    const result = await runCli(['run', 'journeys', '--after', 'deploy', '--deploy-id', 'shop:2.0.4', '--report-dir', reports], { env, timeoutMs: LONG });
    expect(result.code, result.stderr).toBe(1);
    deployDir = runDirOf(result.stdout);
    deployRun = readJson<RunResult>(join(deployDir, 'run.json'));
    broken = failedOf(deployRun);
    expect(broken).toEqual(['refund-api', 'refund-request']);
    for (const name of broken) {
      expect(deployRun.journeys.find((j) => j.name === name)).toMatchObject({ outcome: 'failed', stage: 'action', layer: 'route' });
    }
    expect(deployRun.trigger).toMatchObject({ after: 'deploy', deployId: 'shop:2.0.4' });

    // junit.xml: well-formed, one testcase per journey, the right counts and messages.
    const junit = parseXml(readFileSync(join(deployDir, 'junit.xml'), 'utf8'));
    expect(junit.attributes).toMatchObject({ tests: '5', failures: '2', errors: '0', skipped: '0' });
    const cases = findAll(junit, 'testcase');
    expect(cases.map((c) => c.attributes.name).sort()).toEqual(namesOf(deployRun));
    const failures = findAll(junit, 'failure');
    expect(failures).toHaveLength(2);
    for (const failure of failures) expect(failure.attributes.message).toMatch(/^action\/route: 404 on POST \/api\/refunds/);
    expect(cases.find((c) => c.attributes.name === 'refund-api')!.attributes.classname).toBe('pathproof.journeys.refund-api');

    // ctrf.json and summary.md beside run.json; the job summary got the same markdown.
    const ctrf = readJson<CtrfReport>(join(deployDir, 'ctrf.json'));
    expect(ctrf.results.summary).toMatchObject({ tests: 5, passed: 3, failed: 2, other: 0 });
    const summary = readFileSync(join(deployDir, 'summary.md'), 'utf8');
    expect(summary).toContain('❌ pathproof: 2 of 5 journeys failed (look at: route) — after deploy `shop:2.0.4`');
    expect(summary).toMatch(/\| ❌ \| `refund-api` \| failed \| action \| \*\*route\*\* \| 404 on POST \/api\/refunds/);
    expect(readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain(summary);

    // A deploy run leaves no investigation record unless asked.
    expect(existsSync(join(deployDir, 'investigation.md'))).toBe(false);
  });

  it('--rerun-failed runs exactly the journeys that failed, as a run that continues the deploy run', { timeout: LONG }, async () => {
    const result = await runCli(['run', '--rerun-failed', '--report-dir', reports], { env, timeoutMs: LONG });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain(`re-running 2 failed journeys of run ${deployRun.runId}: refund-api, refund-request`);
    const rerun = readJson<RunResult>(join(runDirOf(result.stdout), 'run.json'));
    expect(namesOf(rerun)).toEqual(broken);
    expect(rerun.continues).toBe(deployRun.runId);
    // It verifies what the run it continues verified.
    expect(rerun.trigger).toMatchObject({ after: 'deploy', deployId: 'shop:2.0.4' });
    expect(rerun.journeys.every((j) => j.outcome === 'failed' && j.transition?.kind === 'unchanged')).toBe(true);
  });

  it('after the rollback every journey passes; what failed is recovered and the investigation record names it', { timeout: LONG }, async () => {
    app.setScenario('healthy');
    const result = await runCli(['run', 'journeys', '--after', 'rollback', '--deploy-id', 'shop:2.0.3', '--expect-version', '2.0.3', '--report-dir', reports], {
      env,
      timeoutMs: LONG,
    });
    expect(result.code, result.stderr).toBe(0);
    const dir = runDirOf(result.stdout);
    const run = readJson<RunResult>(join(dir, 'run.json'));
    expect(run).toMatchObject({ outcome: 'passed', trigger: { after: 'rollback', deployId: 'shop:2.0.3', expectVersion: '2.0.3' } });
    for (const journey of run.journeys) {
      expect(journey.transition?.kind, journey.name).toBe(broken.includes(journey.name) ? 'recovered' : 'unchanged');
    }

    const record = readJson<InvestigationRecord>(join(dir, 'investigation.json'));
    expect(record).toMatchObject({ why: 'rollback', runId: run.runId, verdict: 'Every user path is back: all 5 journeys passed.', broken: [], nextChecks: [] });
    expect(record.back.filter((b) => b.recovered).map((b) => [b.journey, b.was])).toEqual(broken.map((name) => [name, 'route']));
    expect(record.transitions.map((t) => [t.journey, t.kind])).toEqual(broken.map((name) => [name, 'recovered']));
    expect(record.versions).toContainEqual(expect.objectContaining({ journey: 'api-health', expected: '2.0.3', served: '2.0.3', matches: true }));
    expect(record.timeline[0]).toMatchObject({ event: 'run started', at: run.startedAt });
    expect(record.timeline.filter((e) => e.event === 'journey finished')).toHaveLength(5);
    expect(record.timeline.at(-1)).toMatchObject({ event: 'run ended', outcome: 'passed' });

    const markdown = readFileSync(join(dir, 'investigation.md'), 'utf8');
    expect(markdown).toContain('# Investigation: rollback `shop:2.0.3`');
    for (const name of broken) expect(markdown).toContain(`- \`${name}\` passed — **recovered** (was route)`);
    expect(markdown).toContain('Nothing: every journey that ran passed.');
  });

  it('--rerun-failed RUN_DIR continues a named run; with nothing failed it says so and exits 0', { timeout: LONG }, async () => {
    const named = await runCli(['run', '--rerun-failed', deployDir, '--report-dir', reports, '--investigate'], { env, timeoutMs: LONG });
    expect(named.code, named.stderr).toBe(0);
    const dir = runDirOf(named.stdout);
    const run = readJson<RunResult>(join(dir, 'run.json'));
    expect(namesOf(run)).toEqual(broken);
    expect(run.continues).toBe(deployRun.runId);
    expect(readJson<InvestigationRecord>(join(dir, 'investigation.json'))).toMatchObject({ why: 'requested', continues: deployRun.runId });

    const runsBefore = readdirSync(reports).length;
    const nothing = await runCli(['run', '--rerun-failed', '--report-dir', reports], { env, timeoutMs: LONG });
    expect(nothing.code, nothing.stderr).toBe(0);
    expect(nothing.stdout).toBe(`pathproof: nothing to re-run: no journey failed or errored in run ${run.runId}\n`);
    expect(readdirSync(reports)).toHaveLength(runsBefore);
  });
});

describe('--shard', () => {
  let server: TestServer;
  let dir: string;
  const NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'];

  beforeAll(async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    dir = tempDir('pathproof-shard-');
    mkdirSync(join(dir, 'journeys'));
    // Written in reverse so the split cannot lean on the order files are found in.
    for (const name of [...NAMES].reverse()) {
      writeFileSync(join(dir, 'journeys', `${name}.yaml`), `name: ${name}\ntarget: ${server.url}\nentry:\n  - request: GET /${name}\n`);
    }
  });
  afterAll(() => server.close());

  it('1/3, 2/3 and 3/3 cover every journey exactly once', { timeout: LONG }, async () => {
    const shards = await Promise.all(
      [1, 2, 3].map(async (index) => {
        const out = join(dir, `shard-${index}`);
        const result = await runCli(['run', 'journeys', '--shard', `${index}/3`, '--out', out, '--report-dir', join(dir, 'reports')], { cwd: dir, timeoutMs: LONG });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toMatch(new RegExp(`shard ${index}/3: \\d of 7 journeys`));
        return namesOf(readJson<RunResult>(join(out, 'run.json')));
      }),
    );
    expect(shards.flat().sort()).toEqual(NAMES);
    expect(shards.map((s) => s.length).sort()).toEqual([2, 2, 3]);
  });

  it('an empty shard exits 0 and says so', async () => {
    const result = await runCli(['run', 'journeys', '--shard', '8/8', '--report-dir', join(dir, 'reports-empty')], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('pathproof: shard 8/8 has no journeys (7 selected, split over 8 shards): nothing to run\n');
    expect(existsSync(join(dir, 'reports-empty'))).toBe(false);
  });

  it('rejects a shard that does not exist', async () => {
    const result = await runCli(['run', 'journeys', '--shard', '4/3'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--shard expects i/n with 1 <= i <= n');
  });
});
