import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JourneyResult, Layer, Outcome, RunResult } from '../result/types.js';
import { journeyResult } from '../result/results.fixtures.js';
import { HISTORY_FILE, MAX_HISTORY_RUNS, appendHistory, createHistoryWriter, parseHistory, readHistory } from './history.js';

function root(): string {
  return mkdtempSync(join(tmpdir(), 'pathproof-history-'));
}

function journey(name: string, outcome: Outcome, layer?: Layer): JourneyResult {
  return journeyResult(outcome, { name, file: `${name}.yaml`, ...(layer ? { layer } : {}) });
}

function run(runId: string, journeys: JourneyResult[], env?: string): RunResult {
  return {
    schemaVersion: 1,
    runId,
    status: 'complete',
    trigger: env ? { env } : {},
    startedAt: '2026-11-22T09:15:02.000Z',
    durationMs: 5,
    outcome: journeys.some((j) => j.outcome === 'failed') ? 'failed' : 'passed',
    counts: { passed: 0, degraded: 0, flaky: 0, failed: 0, error: 0, skipped: 0 },
    journeys,
  };
}

async function index(dir: string) {
  const read = await readHistory(dir);
  if (!read.ok) throw new Error(read.warning);
  return read.index;
}

describe('history index', () => {
  it('is empty (not an error) when missing', async () => {
    const history = await index(root());
    expect(history.previous('refund-api', undefined)).toBeUndefined();
    expect(history.runs()).toEqual([]);
  });

  it('creates a missing report root and records outcome, layer and time per journey', async () => {
    const dir = join(root(), 'not', 'yet');
    await appendHistory(dir, run('r1', [journey('refund-api', 'failed', 'route'), journey('api-health', 'passed')]), '/tmp/r1');
    const history = await index(dir);
    expect(history.previous('refund-api', undefined)).toEqual({ runId: 'r1', outcome: 'failed', layer: 'route', startedAt: '2026-11-22T09:15:02.000Z' });
    expect(history.previous('api-health', undefined)).toMatchObject({ runId: 'r1', outcome: 'passed' });
    expect(history.runs()).toEqual([{ runId: 'r1', startedAt: '2026-11-22T09:15:02.000Z', outcome: 'failed', dir: '/tmp/r1' }]);
    // No temporary file is left behind.
    expect(readdirSync(dir)).toEqual([HISTORY_FILE]);
  });

  it('records the status the failure was decided on, and drops one that is not an HTTP status', async () => {
    const dir = root();
    const base = journeyResult('failed', { name: 'refund-api', file: 'refund-api.yaml', layer: 'auth', stage: 'action' });
    const failing: JourneyResult = base.outcome === 'failed' ? { ...base, failure: { ...base.failure, status: 401 } } : base;
    await appendHistory(dir, run('r1', [failing]));
    expect((await index(dir)).previous('refund-api', undefined)).toMatchObject({ layer: 'auth', status: 401 });
    const hand = { version: 1, runs: [], journeys: { a: { '': { runId: 'r0', outcome: 'failed', layer: 'route', status: 'four-oh-four' } } } };
    expect(parseHistory(JSON.stringify(hand)).journeys.a?.['']).toEqual({ runId: 'r0', outcome: 'failed', layer: 'route' });
  });

  it('keeps environments apart', async () => {
    const dir = root();
    await appendHistory(dir, run('r1', [journey('refund-api', 'failed', 'route')], 'staging'));
    await appendHistory(dir, run('r2', [journey('refund-api', 'passed')], 'prod'));
    const history = await index(dir);
    expect(history.previous('refund-api', 'staging')).toMatchObject({ runId: 'r1', layer: 'route' });
    expect(history.previous('refund-api', 'prod')).toMatchObject({ runId: 'r2', outcome: 'passed' });
    expect(history.previous('refund-api', undefined)).toBeUndefined();
    expect(history.runs('staging').map((r) => r.runId)).toEqual(['r1']);
    expect(history.runs().map((r) => r.runId)).toEqual(['r1', 'r2']);
  });

  it('keeps the previous entry of a journey that was skipped', async () => {
    const dir = root();
    await appendHistory(dir, run('r1', [journey('refund-api', 'failed', 'authz')]));
    await appendHistory(dir, run('r2', [journey('refund-api', 'skipped')]));
    expect((await index(dir)).previous('refund-api', undefined)).toMatchObject({ runId: 'r1', layer: 'authz' });
  });

  it.each([
    ['truncated JSON', '{"version":1,"runs":[', /not valid JSON/],
    ['another shape', '{"version":2,"entries":[]}', /unknown shape/],
    ['an array', '[]', /unknown shape/],
  ])('says transitions are unavailable for %s, and the next append rewrites it', async (_what, text, why) => {
    const dir = root();
    writeFileSync(join(dir, HISTORY_FILE), text);
    const read = await readHistory(dir);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.warning).toMatch(/^transitions unavailable: could not read .*history\.json/);
    expect(read.warning).toMatch(why);
    expect(read.warning).toContain('rewritten after this run');
    await appendHistory(dir, run('r1', [journey('refund-api', 'passed')]));
    expect((await index(dir)).previous('refund-api', undefined)).toMatchObject({ runId: 'r1' });
    expect(JSON.parse(readFileSync(join(dir, HISTORY_FILE), 'utf8'))).toMatchObject({ version: 1 });
  });

  it('drops malformed entries instead of trusting them', () => {
    const file = parseHistory(
      JSON.stringify({
        version: 1,
        runs: [{ runId: 'r1', startedAt: 't', outcome: 'passed' }, { runId: 2 }, 'junk'],
        journeys: {
          good: { '': { runId: 'r1', outcome: 'failed', layer: 'route' } },
          'bad-layer': { '': { runId: 'r1', outcome: 'failed', layer: 'database' } },
          'bad-outcome': { '': { runId: 'r1', outcome: 'exploded' } },
          'not-a-map': 7,
        },
      }),
    );
    expect(file.runs).toHaveLength(1);
    expect(file.journeys.good?.['']).toEqual({ runId: 'r1', outcome: 'failed', layer: 'route' });
    expect(file.journeys['bad-layer']).toEqual({});
    expect(file.journeys['bad-outcome']).toEqual({});
    expect(file.journeys['not-a-map']).toBeUndefined();
  });

  it('never answers for inherited object keys', async () => {
    const history = await index(root());
    expect(history.previous('__proto__', undefined)).toBeUndefined();
    expect(history.previous('constructor', undefined)).toBeUndefined();
  });

  it(`keeps the last ${MAX_HISTORY_RUNS} runs`, async () => {
    const dir = root();
    const runs = Array.from({ length: MAX_HISTORY_RUNS + 3 }, (_, i) => ({ runId: `r${i}`, startedAt: 't', outcome: 'passed' }));
    writeFileSync(join(dir, HISTORY_FILE), JSON.stringify({ version: 1, runs, journeys: {} }));
    await appendHistory(dir, run('last', [journey('a', 'passed')]));
    const kept = (await index(dir)).runs();
    expect(kept).toHaveLength(MAX_HISTORY_RUNS);
    expect(kept.at(-1)?.runId).toBe('last');
    expect(kept[0]?.runId).toBe('r4');
  });
});

describe('createHistoryWriter', () => {
  it('keeps every update when runs of one process append at the same time', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pathproof-history-'));
    const writer = createHistoryWriter();
    const run = (i: number): RunResult =>
      ({
        schemaVersion: 1,
        runId: `run-${i}`,
        status: 'complete',
        trigger: {},
        startedAt: new Date(Date.UTC(2026, 10, 22, 9, 0, i)).toISOString(),
        durationMs: 1,
        outcome: 'passed',
        counts: { passed: 1, degraded: 0, flaky: 0, failed: 0, error: 0, skipped: 0 },
        journeys: [{ name: `journey-${i}`, file: 'x.yaml', tags: [], outcome: 'passed', durationMs: 1, attempts: [] }],
      }) satisfies RunResult;
    await Promise.all(Array.from({ length: 20 }, (_, i) => writer.append(root, run(i))));
    const read = await readHistory(root);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    for (let i = 0; i < 20; i++) expect(read.index.previous(`journey-${i}`, undefined)?.runId).toBe(`run-${i}`);
  });

  it('reads what it wrote without reading the file again, and what another process wrote when the file changed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pathproof-history-'));
    const writer = createHistoryWriter();
    const result = (id: string, name: string): RunResult =>
      ({
        schemaVersion: 1,
        runId: id,
        status: 'complete',
        trigger: {},
        startedAt: '2026-11-22T09:00:00.000Z',
        durationMs: 1,
        outcome: 'passed',
        counts: { passed: 1, degraded: 0, flaky: 0, failed: 0, error: 0, skipped: 0 },
        journeys: [{ name, file: 'x.yaml', tags: [], outcome: 'passed', durationMs: 1, attempts: [] }],
      }) satisfies RunResult;
    const previous = async (name: string): Promise<string | undefined> => {
      const read = await writer.read(root);
      if (!read.ok) throw new Error(read.warning);
      return read.index.previous(name, undefined)?.runId;
    };
    expect(await previous('checkout')).toBeUndefined();
    await writer.append(root, result('serve-1', 'checkout'));
    expect(await previous('checkout')).toBe('serve-1');

    // A `pathproof run` of another process appends to the same root: seen at once, and kept.
    await appendHistory(root, result('run-2', 'checkout'));
    expect(await previous('checkout')).toBe('run-2');
    await writer.append(root, result('serve-3', 'login'));
    expect(await previous('checkout')).toBe('run-2');
    expect(await previous('login')).toBe('serve-3');
    const onDisk = await readHistory(root);
    expect(onDisk.ok && onDisk.index.runs().map((r) => r.runId)).toEqual(['serve-1', 'run-2', 'serve-3']);

    // Edited in place (same inode) by hand into garbage: the warning, not the index held.
    writeFileSync(join(root, HISTORY_FILE), '{ not json');
    const read = await writer.read(root);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.warning).toMatch(/transitions unavailable: could not read .*history\.json \(not valid JSON/);
    // ...and the next append starts a fresh index in its place.
    await writer.append(root, result('serve-4', 'login'));
    expect(await previous('login')).toBe('serve-4');
    expect(await previous('checkout')).toBeUndefined();
  });
});
