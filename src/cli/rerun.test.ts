import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../result/types.js';
import { planRerun } from './rerun.js';

let cwd: string;
let root: string;

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'pathproof-rerun-'));
  root = join(cwd, 'reports');
  await mkdir(join(cwd, 'journeys'), { recursive: true });
  for (const name of ['a', 'b', 'c', 'd']) await writeFile(join(cwd, 'journeys', `${name}.yaml`), `name: ${name}\n`);
});

async function writeRun(runId: string, outcomes: Record<string, Outcome>, options: { env?: string; trigger?: object } = {}): Promise<string> {
  const dir = join(root, runId);
  await mkdir(dir, { recursive: true });
  const journeys = Object.entries(outcomes).map(([name, outcome]) => ({ name, file: `journeys/${name}.yaml`, outcome }));
  await writeFile(join(dir, 'run.json'), JSON.stringify({ schemaVersion: 1, runId, trigger: options.trigger ?? {}, journeys }));
  return dir;
}

async function writeHistory(runs: { runId: string; dir?: string; env?: string }[]): Promise<void> {
  await mkdir(root, { recursive: true });
  const entries = runs.map((r) => ({ startedAt: '2026-11-22T09:15:02.000Z', outcome: 'failed', ...r }));
  await writeFile(join(root, 'history.json'), JSON.stringify({ version: 1, runs: entries, journeys: {} }));
}

describe('planRerun', () => {
  it('re-runs the failed and errored journeys of the latest run, from the files that run named', async () => {
    await writeRun('run-1', { a: 'failed', b: 'passed' });
    const dir = await writeRun('run-2', { a: 'passed', b: 'failed', c: 'error', d: 'skipped' }, { trigger: { after: 'rollback', expectVersion: '2.0.3' } });
    await writeHistory([{ runId: 'run-1', dir: join(root, 'run-1') }, { runId: 'run-2', dir }]);
    const plan = await planRerun({ paths: [], cwd, reportRoot: root });
    expect(plan).toEqual({
      kind: 'rerun',
      previous: { runId: 'run-2', dir, trigger: { after: 'rollback', expectVersion: '2.0.3' } },
      names: ['b', 'c'],
      paths: ['journeys/b.yaml', 'journeys/c.yaml'],
    });
  });

  it('continues the run whose directory (or run.json) is named first, searching the paths after it', async () => {
    const dir = await writeRun('run-9', { a: 'failed', b: 'passed' });
    await writeHistory([{ runId: 'other', dir: join(root, 'missing') }]);
    expect(await planRerun({ paths: [dir], cwd, reportRoot: root })).toMatchObject({ kind: 'rerun', names: ['a'], paths: ['journeys/a.yaml'] });
    expect(await planRerun({ paths: [join(dir, 'run.json'), 'journeys'], cwd, reportRoot: root })).toMatchObject({ kind: 'rerun', names: ['a'], paths: ['journeys'] });
  });

  it('picks the latest run of the same --env', async () => {
    const staging = await writeRun('run-s', { a: 'failed' }, { env: 'staging' });
    const prod = await writeRun('run-p', { b: 'failed' }, { env: 'prod' });
    await writeHistory([{ runId: 'run-s', dir: staging, env: 'staging' }, { runId: 'run-p', dir: prod, env: 'prod' }]);
    expect(await planRerun({ paths: [], cwd, reportRoot: root, env: 'staging' })).toMatchObject({ names: ['a'] });
  });

  it('says there is nothing to do when nothing failed', async () => {
    const dir = await writeRun('run-ok', { a: 'passed', b: 'flaky', c: 'skipped' });
    await writeHistory([{ runId: 'run-ok', dir }]);
    expect(await planRerun({ paths: [], cwd, reportRoot: root })).toEqual({
      kind: 'nothing',
      previous: { runId: 'run-ok', dir, trigger: {} },
      message: 'nothing to re-run: no journey failed or errored in run run-ok',
    });
  });

  it.each([
    ['no history', async () => undefined, /no earlier run recorded in .*history\.json/],
    ['corrupt history', async () => writeFile(join(root, 'history.json'), '{ nope'), /cannot tell the latest run/],
    [
      'a run dir without run.json',
      async () => writeHistory([{ runId: 'gone', dir: join(root, 'gone') }]),
      /cannot read .*gone\/run\.json/,
    ],
    [
      'a journey file that moved',
      async () => {
        const dir = await writeRun('run-x', { moved: 'failed' });
        await writeHistory([{ runId: 'run-x', dir }]);
      },
      /journey file journeys\/moved\.yaml from run run-x is not there/,
    ],
  ])('explains %s', async (_label, setup, message) => {
    await mkdir(root, { recursive: true });
    await setup();
    const plan = await planRerun({ paths: [], cwd, reportRoot: root });
    expect(plan.kind).toBe('invalid');
    expect(plan.kind === 'invalid' && plan.message).toMatch(message);
  });
});
