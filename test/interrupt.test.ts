/**
 * Interruption, end to end: Kubernetes and Argo send SIGTERM to a Job they no longer need,
 * and SIGKILL when it does not stop. Either way the run directory must hold valid JSON of
 * what finished.
 *
 * The target holds GET /slow open until the test releases it, so the signal always lands
 * while that journey runs (never a race against a timer). Journeys run one at a time in name
 * order: a-fast, b-fast, c-slow, d-after, e-after.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findAll, parseXml } from '../src/report/xml-reader.fixtures.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { CliResult, LooseRun, TestServer } from './helpers.js';

const LONG = 90_000;

let server: TestServer;
let held: ServerResponse[] = [];
let slowArrived: () => void = () => undefined;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/slow') {
      held.push(res);
      slowArrived();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
afterAll(() => server.close());
beforeEach(() => {
  held = [];
});

function journeysDir(): string {
  const dir = tempDir('pathproof-interrupt-');
  mkdirSync(join(dir, 'journeys'));
  const journey = (name: string, path: string, timeout = '5s'): void =>
    writeFileSync(join(dir, 'journeys', `${name}.yaml`), `name: ${name}\ntarget: ${server.url}\ntimeout: 80s\nentry:\n  - request: GET ${path}\n    timeout: ${timeout}\n`);
  journey('a-fast', '/a');
  journey('b-fast', '/b');
  journey('c-slow', '/slow', '60s');
  journey('d-after', '/d');
  journey('e-after', '/e');
  return dir;
}

/** Starts the CLI; resolves `slow` once the slow journey's request is held by the server. */
function start(dir: string): { pid: Promise<number>; slow: Promise<void>; done: Promise<CliResult> } {
  const slow = new Promise<void>((resolve) => (slowArrived = resolve));
  let gotPid: (pid: number) => void = () => undefined;
  const pid = new Promise<number>((resolve) => (gotPid = resolve));
  const done = runCli(['run', 'journeys', '--concurrency', '1', '--out', 'out', '--report-dir', 'reports'], { cwd: dir, timeoutMs: LONG, onSpawn: gotPid });
  return { pid, slow, done };
}

function readRun(dir: string): LooseRun {
  return JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8')) as LooseRun;
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('SIGTERM', () => {
  it('cuts a journey still running after the grace period, keeps what finished, exits 4', { timeout: LONG }, async () => {
    const dir = journeysDir();
    const run = start(dir);
    await run.slow;
    process.kill(await run.pid, 'SIGTERM');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(4);
    expect(result.stdout).toContain('SIGTERM: no new journeys');

    const report = readRun(dir);
    expect(report).toMatchObject({ status: 'interrupted', exitCode: 4, counts: { passed: 2, skipped: 3 } });
    expect(report.journeys.map((j) => [j.name, j.outcome, j.reason ?? ''])).toEqual([
      ['a-fast', 'passed', ''],
      ['b-fast', 'passed', ''],
      ['c-slow', 'skipped', 'interrupted'],
      ['d-after', 'skipped', 'interrupted'],
      ['e-after', 'skipped', 'interrupted'],
    ]);

    // The CI reports are written for an interrupted run too.
    const junit = parseXml(readFileSync(join(dir, 'out', 'junit.xml'), 'utf8'));
    expect(junit.attributes).toMatchObject({ tests: '5', skipped: '3', failures: '0' });
    expect(findAll(junit, 'skipped').map((s) => s.attributes.message)).toEqual(['interrupted', 'interrupted', 'interrupted']);
    expect(readFileSync(join(dir, 'out', 'summary.md'), 'utf8')).toContain('⏹️ pathproof: interrupted — 2 of 5 journeys finished');
  });

  it('lets a running journey finish within the grace period; the rest never start', { timeout: LONG }, async () => {
    const dir = journeysDir();
    const run = start(dir);
    await run.slow;
    process.kill(await run.pid, 'SIGTERM');
    // Answer well inside the 5 s grace period.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const res of held) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    }
    const result = await run.done;
    expect(result.code, result.stderr).toBe(4);
    const report = readRun(dir);
    expect(report.status).toBe('interrupted');
    expect(report.journeys.map((j) => [j.name, j.outcome])).toEqual([
      ['a-fast', 'passed'],
      ['b-fast', 'passed'],
      ['c-slow', 'passed'],
      ['d-after', 'skipped'],
      ['e-after', 'skipped'],
    ]);
  });
});

describe('SIGKILL', () => {
  it('leaves a valid run.json of the journeys that finished', { timeout: LONG }, async () => {
    const dir = journeysDir();
    const run = start(dir);
    await run.slow;
    // run.json is rewritten as journeys finish; wait until the two finished ones are on disk.
    await waitFor(() => {
      try {
        return readRun(dir).journeys.length === 2;
      } catch {
        return false;
      }
    }, 'run.json with two journeys');
    process.kill(await run.pid, 'SIGKILL');
    const result = await run.done;
    expect(result.signal).toBe('SIGKILL');
    const report = readRun(dir);
    expect(report).toMatchObject({ schemaVersion: 1, status: 'running', counts: { passed: 2 } });
    expect(report.journeys.map((j) => [j.name, j.outcome])).toEqual([
      ['a-fast', 'passed'],
      ['b-fast', 'passed'],
    ]);
  });
});
