import { access, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JourneyResult, RunResult } from '../result/types.js';
import { nextChecks } from '../classify/hints.js';
import { buildInvestigation, investigationReporter, renderInvestigation } from './investigation.js';
import { JOURNEYS, MIXED_RUN, PARTIAL_POSTURE, PROTECTS_RUN, runOf } from './run.fixtures.js';

describe('buildInvestigation', () => {
  const record = buildInvestigation(MIXED_RUN, 'rollback');

  it('names what is back, and which paths recovered since the previous run', () => {
    expect(record.back).toEqual([
      { journey: 'api-health', file: 'journeys/api-health.yaml', outcome: 'passed', recovered: true, was: 'proxy' },
      { journey: 'order-api', file: 'journeys/order-api.yaml', outcome: 'flaky', recovered: false },
    ]);
  });

  it('names what is broken with stage, layer, hint, the failed assertion and the evidence', () => {
    expect(record.broken).toEqual([
      {
        journey: 'refund-api',
        file: 'journeys/refund-api.yaml',
        stage: 'action',
        layer: 'route',
        hint: JOURNEYS.failed.hint,
        failure: expect.arrayContaining(['expected: status (404) == 201']),
        evidence: ['evidence/refund-api/attempt-1/response-body.txt', 'evidence/refund-api/attempt-1/page.png'],
        transition: JOURNEYS.failed.transition,
      },
    ]);
    expect(record.unverified).toEqual([{ journey: 'refund-request', file: 'journeys/refund-request.yaml', stage: 'entry', code: 'BROWSER_UNAVAILABLE', message: 'no browser: install Chromium' }]);
    expect(record.notRun).toEqual([{ journey: 'home-page', reason: 'interrupted' }]);
  });

  it('keeps a timeline from start through each finished journey to the end, in time order', () => {
    expect(record.timeline.map((e) => [e.event, e.journey ?? ''])).toEqual([
      ['run started', ''],
      ['journey finished', 'refund-request'],
      ['journey finished', 'api-health'],
      ['journey finished', 'refund-api'],
      ['journey finished', 'order-api'],
      ['run ended', ''],
    ]);
    expect(record.timeline[0]!.at).toBe(MIXED_RUN.startedAt);
    expect(record.timeline.at(-1)!.at).toBe(MIXED_RUN.finishedAt);
  });

  it('records intended vs served version per journey', () => {
    expect(record.versions).toContainEqual({
      journey: 'api-health',
      expected: '2.0.3',
      served: '2.0.3',
      matches: true,
      environment: { expected: 'demo', served: 'demo' },
      servedBy: 'pathproof-demo',
    });
    const drifted: JourneyResult = { ...JOURNEYS.failed, layer: 'drift', runtime: { version: { expected: '2.0.3', served: '2.1.0' } } };
    expect(buildInvestigation(runOf([drifted]), 'rollback').versions[0]).toMatchObject({ matches: false, served: '2.1.0' });
  });

  it('lists transitions that moved, and next checks in the operator order of layers', () => {
    expect(record.transitions.map((t) => [t.journey, t.kind])).toEqual([
      ['api-health', 'recovered'],
      ['refund-api', 'broke'],
    ]);
    const authz: JourneyResult = { ...JOURNEYS.failed, name: 'b-authz', layer: 'authz' };
    const endpoint: JourneyResult = { ...JOURNEYS.failed, name: 'a-endpoint', layer: 'endpoint' };
    const route: JourneyResult = { ...JOURNEYS.failed, name: 'c-route', layer: 'route' };
    const checks = buildInvestigation(runOf([authz, endpoint, route]), 'requested').nextChecks;
    expect(checks.map((c) => c.layer)).toEqual(['endpoint', 'route', 'authz']);
    expect(checks[0]).toEqual({ layer: 'endpoint', journeys: ['a-endpoint'], checks: nextChecks('endpoint') });
  });

  it.each<[string, RunResult, RegExp]>([
    ['all back', runOf([JOURNEYS.recovered, JOURNEYS.flaky]), /^Every user path is back: all 2 journeys passed\.$/],
    ['mixed', MIXED_RUN, /^2 of 5 user paths are back; 1 still broken \(route\); 1 could not be verified\.$/],
    ['interrupted', runOf([JOURNEYS.recovered, JOURNEYS.skipped], { status: 'interrupted' }), /^1 of 2 user paths are back\. The run was interrupted/],
  ])('verdict: %s', (_label, run, expected) => {
    expect(buildInvestigation(run, 'rollback').verdict).toMatch(expected);
  });
});

describe('renderInvestigation', () => {
  it('says so when everything passed', () => {
    const markdown = renderInvestigation(buildInvestigation(runOf([JOURNEYS.recovered]), 'rollback'));
    expect(markdown).toContain('# Investigation: rollback `customer-service:2.0.3`');
    expect(markdown).toContain('**✅ Every user path is back: all 1 journey passed.**');
    expect(markdown).toContain('- `api-health` passed — **recovered** (was proxy)');
    expect(markdown).toContain('Nothing: no journey failed.');
    expect(markdown).toContain('Nothing: every journey that ran passed.');
  });

  it('details what is broken, with hints, evidence and the next checks', () => {
    const markdown = renderInvestigation(buildInvestigation(MIXED_RUN, 'rollback'));
    expect(markdown).toContain('### `refund-api`: action stage, route layer');
    expect(markdown).toContain('- evidence: `evidence/refund-api/attempt-1/response-body.txt`, `evidence/refund-api/attempt-1/page.png`');
    expect(markdown).toContain('1. **route** (`refund-api`)');
    expect(markdown).toContain(`   - ${nextChecks('route')[0]}`);
    expect(markdown).toContain('## Could not verify');
    expect(markdown).toContain('- `home-page`: interrupted');
    expect(markdown).toContain('| `api-health` | `2.0.3` | `2.0.3` | `demo` | pathproof-demo |');
  });
});

describe('investigationReporter', () => {
  async function runReporter(run: RunResult, always: boolean): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'pathproof-investigation-'));
    const reporter = investigationReporter({ always });
    await reporter.onRunStart?.({ runId: run.runId, startedAt: run.startedAt, trigger: run.trigger, runDir: dir, journeys: [], concurrency: 1 });
    await reporter.onRunEnd?.(run);
    return dir;
  }
  const exists = (file: string) => access(file).then(() => true, () => false);

  it('writes the record and its JSON twin for a rollback run', async () => {
    const dir = await runReporter(MIXED_RUN, false);
    const json = JSON.parse(await readFile(join(dir, 'investigation.json'), 'utf8'));
    expect(json).toEqual(JSON.parse(JSON.stringify(buildInvestigation(MIXED_RUN, 'rollback'))));
    expect(await readFile(join(dir, 'investigation.md'), 'utf8')).toContain('# Investigation: rollback');
  });

  it('writes nothing after a deploy unless asked with --investigate', async () => {
    const deploy = runOf([JOURNEYS.recovered], { trigger: { after: 'deploy' } });
    expect(await exists(join(await runReporter(deploy, false), 'investigation.md'))).toBe(false);
    const dir = await runReporter(deploy, true);
    expect(JSON.parse(await readFile(join(dir, 'investigation.json'), 'utf8'))).toMatchObject({ why: 'requested' });
  });
});

describe('the investigation record groups what is broken by what it protects', () => {
  const record = buildInvestigation(PROTECTS_RUN, 'requested');

  it('lists broken journeys identity first, and the groups for tools', () => {
    expect(record.broken.map((b) => [b.journey, b.protects])).toEqual([
      ['login', 'identity'],
      ['refunds', 'data'],
      ['home', undefined],
    ]);
    expect(record.unverified.map((u) => [u.journey, u.protects])).toEqual([['export', 'data']]);
    expect(record.brokenByProtects).toEqual([
      { protects: 'identity', journeys: ['login'] },
      { protects: 'data', journeys: ['refunds', 'export'] },
      { journeys: ['home'] },
    ]);
    expect(buildInvestigation(MIXED_RUN, 'rollback').brokenByProtects).toEqual([{ journeys: ['refund-api', 'refund-request'] }]);
  });

  it('says so under the verdict, and heads each group in "What is still broken"', () => {
    const markdown = renderInvestigation(record);
    expect(markdown).toContain('Broken, by what they protect: **identity**: `login` · **data**: `refunds`, `export` · without protects: `home`\n');
    const broken = markdown.slice(markdown.indexOf('## What is still broken'), markdown.indexOf('## Could not verify'));
    expect(broken.split('\n').filter((l) => l.startsWith('###'))).toEqual([
      '### Protects identity',
      '#### `login`: entry stage, auth layer',
      '### Protects data',
      '#### `refunds`: action stage, route layer',
      '### Without protects:',
      '#### `home`: action stage, route layer',
    ]);
    expect(markdown).toContain('- `export` (protects data) (entry): `BROWSER_UNAVAILABLE` no browser: install Chromium');
  });

  it('keeps the plain headings when none says', () => {
    const markdown = renderInvestigation(buildInvestigation(MIXED_RUN, 'rollback'));
    expect(markdown).toContain('### `refund-api`: action stage, route layer');
    expect(markdown).not.toContain('protect');
  });
});

describe('the investigation record leads with the posture (intended: of pathproof.yaml)', () => {
  it('a partial deployment: which services run as intended and which do not, before anything else', () => {
    const record = buildInvestigation({ ...MIXED_RUN, posture: PARTIAL_POSTURE }, 'rollback');
    expect(record.posture).toEqual(PARTIAL_POSTURE);
    const markdown = renderInvestigation(record);
    const headings = markdown.split('\n').filter((l) => l.startsWith('## '));
    expect(headings.slice(0, 2)).toEqual(['## Posture: intended vs running', '## Trigger']);
    expect(markdown).toContain('**❌ partial deployment: stale: worker — as intended: api, web**');
    expect(markdown).toContain('| `worker` | **stale** | shop-worker-1 | shop-worker:2.0.3 @ sha256:1a2b3c4d5e6f | old image: runs sha256:1a2b3c4d5e6f, shop-worker:2.0.3 is sha256:9f8e7d6c5b4a |');
    expect(markdown).toContain('| `api` | ok | shop-api-1 | shop-api:2.0.3 @ sha256:9f8e7d6c5b4a |  |');
  });

  it('an engine that could not be asked: said so, without changing the verdict', () => {
    const posture = { status: 'unavailable', file: 'docker-compose.yml', project: 'shop', at: '2026-11-22T09:15:04.000Z', code: 'ENGINE_UNREACHABLE', message: 'no engine socket at /var/run/docker.sock (ENOENT)' } as const;
    const plain = buildInvestigation(MIXED_RUN, 'rollback');
    const record = buildInvestigation({ ...MIXED_RUN, posture }, 'rollback');
    expect(record.verdict).toBe(plain.verdict);
    expect(renderInvestigation(record)).toContain(
      'Could not be read (`ENGINE_UNREACHABLE`): no engine socket at /var/run/docker.sock (ENOENT) — project `shop` of `docker-compose.yml`. This does not change the verdict.',
    );
  });

  it('no intended: no posture section', () => {
    expect(renderInvestigation(buildInvestigation(MIXED_RUN, 'rollback'))).not.toContain('Posture');
  });
});

describe('the investigation record says which container serves the target', () => {
  it('in the versions table, beside who answered', () => {
    const endpoint = { kind: 'mapped', target: '127.0.0.1:8080', container: { id: 'a', name: 'shop-web-1', port: '80/tcp' }, selected: false } as const;
    const journey: JourneyResult = { ...JOURNEYS.failed, runtime: { ...JOURNEYS.failed.runtime, container: { selector: 'name shop-api', endpoint } } };
    const record = buildInvestigation(runOf([journey]), 'rollback');
    expect(record.versions[0]?.endpoint).toBe('127.0.0.1:8080 → container shop-web-1 (80/tcp)');
    expect(renderInvestigation(record)).toContain('| pathproof-demo · 127.0.0.1:8080 → container shop-web-1 (80/tcp) |');
  });
});
