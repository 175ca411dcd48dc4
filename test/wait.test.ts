/**
 * --wait end to end, through the built CLI against a real server on 127.0.0.1: the rollout
 * finishes during the wait (the server starts serving the new version after a few polls,
 * counted by request, never by the clock), it never finishes (the version check's own verdict,
 * with how long we waited), the engine cannot be reached (error, exit 3), and SIGTERM during the
 * wait (exit 4). A container recreated during the wait, with the real engine, is in
 * container-truth.test.ts; the polls and back-off in src/runner/wait.test.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, tempDir } from './helpers.js';
import type { LooseJourney, LooseRun, TestServer } from './helpers.js';

/** GET /version answers `old` for the first `switchAfter` requests of a key, then `next`. */
let server: TestServer;
const seen = new Map<string, number>();
const waiters: { key: string; count: number; resolve: () => void }[] = [];

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = url.searchParams.get('key') ?? '';
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    for (const waiter of waiters.filter((w) => w.key === key && count >= w.count)) waiter.resolve();
    const switchAfter = Number(url.searchParams.get('switchAfter') ?? Infinity);
    const version = count > switchAfter ? (url.searchParams.get('next') ?? '') : (url.searchParams.get('old') ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ version }));
  });
});
afterAll(() => server.close());

function requested(key: string, count: number): Promise<void> {
  return new Promise((resolve) => {
    if ((seen.get(key) ?? 0) >= count) resolve();
    else waiters.push({ key, count, resolve });
  });
}

/** A project with one journey whose version check reads `query`. */
function project(key: string, query: string, config = ''): string {
  const dir = tempDir('pathproof-wait-');
  mkdirSync(join(dir, 'journeys'));
  writeFileSync(
    join(dir, 'journeys', 'checkout.yaml'),
    [
      'name: checkout',
      `target: ${server.url}`,
      'runtime:',
      `  version: { request: "GET /version?key=${key}&${query}", json: $.version }`,
      'entry:',
      `  - request: GET /home?key=${key}-home`,
      '',
    ].join('\n'),
  );
  if (config) writeFileSync(join(dir, 'pathproof.yaml'), config);
  return dir;
}

function runJson(dir: string): LooseRun {
  return JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8')) as LooseRun;
}

function only(run: LooseRun): LooseJourney {
  const [journey] = run.journeys;
  if (!journey) throw new Error('no journey in run.json');
  return journey;
}

describe('--wait through the CLI', () => {
  it('the new version arrives during the wait (wait: of pathproof.yaml): the stages run, exit 0', async () => {
    const dir = project('arrives', 'old=2.0.2&next=2.0.3&switchAfter=2', 'wait: 1m\n');
    const cli = await runCli(['run', '--expect-version', '2.0.3', '--out', 'out'], { cwd: dir, timeoutMs: 90_000 });
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    const run = runJson(dir);
    expect(run.trigger.waitMs).toBe(60_000);
    const journey = only(run);
    expect(journey.outcome).toBe('passed');
    // Two polls saw 2.0.2, the third 2.0.3; the attempt's runtime phase looked once more.
    expect(journey.runtime?.wait).toMatchObject({ ended: 'held', polls: 3, windowMs: 60_000 });
    expect(journey.runtime?.version).toMatchObject({ expected: '2.0.3', served: '2.0.3' });
    expect(seen.get('arrives')).toBe(4);
    expect(seen.get('arrives-home')).toBe(1);
    expect(cli.stdout).toContain('waiting up to 1m for the runtime checks');
  });

  it('never arrives (--wait 3s): drift, "waited …; still serving …", the stages never ran, exit 1', async () => {
    const dir = project('never', 'old=2.1.0', 'wait: 1h\n');
    const cli = await runCli(['run', '--wait', '3s', '--expect-version', '2.0.3', '--out', 'out'], { cwd: dir, timeoutMs: 90_000 });
    expect(cli.code, cli.stdout + cli.stderr).toBe(1);
    const run = runJson(dir);
    expect(run.trigger.waitMs).toBe(3_000);
    const journey = only(run);
    expect(journey).toMatchObject({ outcome: 'failed', stage: 'runtime', layer: 'drift' });
    expect(journey.hint).toMatch(/^waited \d+(\.\d)?s \((\d+) polls\); still serving 2\.1\.0, expected 2\.0\.3: /);
    const polls = journey.runtime?.wait?.polls ?? 0;
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(journey.hint).toContain(`(${polls} polls)`);
    expect(journey.runtime?.wait?.ended).toBe('expired');
    expect(seen.get('never')).toBe(polls);
    expect(seen.get('never-home')).toBeUndefined();
    expect(cli.stdout).toMatch(/wait {4}the runtime checks never held within 3s \(\d+ polls\)/);
  });

  it('--wait 0 never waits, over wait: of pathproof.yaml', async () => {
    const dir = project('zero', 'old=2.1.0', 'wait: 1m\n');
    const cli = await runCli(['run', '--wait', '0', '--expect-version', '2.0.3', '--out', 'out'], { cwd: dir, timeoutMs: 60_000 });
    expect(cli.code).toBe(1);
    const run = runJson(dir);
    expect(run.trigger.waitMs).toBeUndefined();
    expect(only(run).runtime?.wait).toBeUndefined();
    expect(seen.get('zero')).toBe(1);
  });

  it('an engine that cannot be reached is retried until the end, then error (exit 3), never drift', async () => {
    const dir = tempDir('pathproof-wait-engine-');
    mkdirSync(join(dir, 'journeys'));
    writeFileSync(join(dir, 'journeys', 'api.yaml'), ['name: api', `target: ${server.url}`, 'runtime:', '  container: { name: shop-api }', 'entry:', '  - request: GET /', ''].join('\n'));
    const cli = await runCli(['run', '--wait', '3s', '--out', 'out'], { cwd: dir, env: { DOCKER_HOST: `unix://${dir}/nowhere.sock` }, timeoutMs: 60_000 });
    expect(cli.code, cli.stdout + cli.stderr).toBe(3);
    const journey = only(runJson(dir));
    expect(journey.outcome).toBe('error');
    expect(journey.layer).toBeUndefined();
    expect(journey.error?.code).toBe('ENGINE_UNREACHABLE');
    expect(journey.error?.message).toMatch(new RegExp(`^waited \\d+(\\.\\d)?s \\(\\d+ polls\\); still no engine socket at ${dir}/nowhere.sock \\(ENOENT\\)`));
  });

  it('SIGTERM ends the wait at once: exit 4, run.json says what the last poll saw', async () => {
    const dir = project('sigterm', 'old=2.1.0');
    let pid = 0;
    const done = runCli(['run', '--wait', '5m', '--expect-version', '2.0.3', '--out', 'out'], { cwd: dir, timeoutMs: 90_000, onSpawn: (p) => (pid = p) });
    // The first poll has been answered: the CLI is waiting now.
    await requested('sigterm', 2);
    process.kill(pid, 'SIGTERM');
    const cli = await done;
    expect(cli.code, cli.stdout + cli.stderr).toBe(4);
    const run = runJson(dir);
    expect(run.status).toBe('interrupted');
    const journey = only(run);
    expect(journey.outcome).toBe('error');
    expect(journey.error?.code).toBe('INTERRUPTED');
    expect(journey.error?.message).toMatch(/^the run was interrupted while waiting for the rollout \(waited [\d.]+m?s, \d+ polls?\); the last poll: serving 2\.1\.0, expected 2\.0\.3/);
    expect(journey.runtime?.wait?.ended).toBe('interrupted');
  });
});
