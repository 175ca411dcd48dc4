/**
 * Secrets that collide with what pathproof itself writes (issue #13 item 2): redaction must
 * touch values that came from outside (bodies, headers, URLs, messages, captures, page text),
 * never keys, ids, timestamps or paths pathproof made. Each case runs the built CLI against a
 * real target on 127.0.0.1 with a weak secret that equals
 * - the current year (every run id and timestamp starts with it),
 * - a path component of the report directory,
 * - a field name of run.json (`name`),
 * and checks the run directory's name, run.json's keys and ids, the history index,
 * `--rerun-failed`, that every report stays inside the report root, and that the console and
 * HTML reporters still work. Drop this file into test/ once redaction happens at one boundary.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/result/types.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';

const RUN_ID = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{4}$/;

let target: TestServer;
let failing = false;
beforeAll(async () => {
  target = await startServer((req, res) => {
    // Echoes the secret header back, so redaction has real work to do beside the collisions.
    const echoed = String(req.headers['x-key'] ?? '');
    res.writeHead(failing && req.url === '/flaky' ? 500 : 200, { 'content-type': 'application/json', 'x-echo': echoed });
    res.end(JSON.stringify({ echoed, name: 'order', note: `key ${echoed}` }));
  });
});
afterAll(() => target?.close());

function project(secretEnv: string): string {
  const dir = tempDir('pathproof-collide-');
  mkdirSync(join(dir, 'journeys'));
  const journey = (name: string, path: string): void =>
    writeFileSync(
      join(dir, 'journeys', `${name}.yaml`),
      `name: ${name}\ntarget: ${target.url}\nentry:\n  - request: GET ${path}\n    headers: { x-key: "\${secret:${secretEnv}}" }\n    expect: { status: 200 }\n`,
    );
  journey('checkout', '/ok');
  journey('refunds', '/flaky');
  return dir;
}

/** Every file and directory under `root`, relative to it. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' });
}

describe('a secret equal to the current year', () => {
  const year = String(new Date().getUTCFullYear());
  const env = { YEAR_SECRET: year };

  it('keeps the run directory name, run id and timestamps; --rerun-failed finds the failed journey', async () => {
    const dir = project('YEAR_SECRET');
    failing = true;
    const first = await runCli(['run', 'journeys', '--report-dir', 'reports'], { cwd: dir, env, timeoutMs: 60_000 });
    expect(first.code, first.stderr).toBe(1);
    const dirs = readdirSync(join(dir, 'reports')).filter((d) => d !== 'history.json');
    expect(dirs).toHaveLength(1);
    expect(dirs[0]).toMatch(RUN_ID);
    expect(dirs[0]?.startsWith(year)).toBe(true);
    const run = JSON.parse(readFileSync(join(dir, 'reports', dirs[0]!, 'run.json'), 'utf8')) as RunResult;
    expect(run.runId).toBe(dirs[0]);
    expect(run.startedAt.startsWith(year)).toBe(true);
    expect(run.journeys.map((j) => j.startedAt?.slice(0, 4))).toEqual([year, year]);
    // The echoed secret itself is still redacted.
    expect(JSON.stringify(run)).toContain('"x-echo":"***"');
    const history = JSON.parse(readFileSync(join(dir, 'reports', 'history.json'), 'utf8')) as { runs: { runId: string; dir?: string }[] };
    expect(history.runs.map((r) => r.runId)).toEqual([dirs[0]]);
    expect(history.runs[0]?.dir).toBe(join(dir, 'reports', dirs[0]!));

    failing = false;
    const rerun = await runCli(['run', '--rerun-failed', '--report-dir', 'reports'], { cwd: dir, env, timeoutMs: 60_000 });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain(`re-running 1 failed journey of run ${dirs[0]}: refunds`);
  }, 120_000);
});

describe('a secret equal to a path component of the report directory', () => {
  const component = 'canary-reports';

  it('writes every report inside the report root, under its real name', async () => {
    const dir = project('PATH_SECRET');
    failing = false;
    const root = join(dir, component, 'runs');
    const cli = await runCli(['run', 'journeys', '--report-dir', root], { cwd: dir, env: { PATH_SECRET: component }, timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).toBe(0);
    expect(existsSync(join(dir, '***'))).toBe(false);
    const runs = readdirSync(root).filter((d) => RUN_ID.test(d));
    expect(runs).toHaveLength(1);
    for (const file of ['run.json', 'index.html', 'junit.xml', 'summary.md', 'ctrf.json']) expect(existsSync(join(root, runs[0]!, file))).toBe(true);
    // Nothing was written anywhere else under the project.
    const outside = tree(dir).filter((p) => !p.startsWith('journeys') && !p.startsWith(component));
    expect(outside).toEqual([]);
    // The console names the real path, not a redacted one.
    expect(cli.stdout).toContain(`report: ${join(root, runs[0]!, 'run.json')}`);
    const history = JSON.parse(readFileSync(join(root, 'history.json'), 'utf8')) as { runs: { dir?: string }[] };
    expect(relative(root, history.runs[0]?.dir ?? '')).toBe(runs[0]);
  }, 120_000);
});

describe('a secret equal to a field name (name)', () => {
  it('run.json keeps its keys, and the console and HTML reporters work', async () => {
    const dir = project('FIELD_SECRET');
    failing = true;
    const cli = await runCli(['run', 'journeys', '--out', 'out'], { cwd: dir, env: { FIELD_SECRET: 'name' }, timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).toBe(1);
    expect(cli.stderr).not.toMatch(/internal error|reporter failed|could not be written/);
    expect(cli.stdout).toMatch(/checkout\s+passed/);
    expect(cli.stdout).toMatch(/refunds\s+failed/);
    const run = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8')) as RunResult;
    expect(run.journeys.map((j) => j.name).sort()).toEqual(['checkout', 'refunds']);
    expect(run.warnings ?? []).toEqual([]);
    const html = readFileSync(join(dir, 'out', 'index.html'), 'utf8');
    expect(html).toContain('checkout');
    expect(html).toContain('refunds');
  }, 120_000);
});
