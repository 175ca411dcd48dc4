/**
 * The commands in-process, through CliIo: the source under test, never a stale dist/. Real
 * HTTP servers on 127.0.0.1; exit codes, what is printed and run.json are asserted.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../result/types.js';
import { parseCli } from './args.js';
import type { CliIo } from './io.js';
import { runCommand } from './run-command.js';
import { serveCommand } from './serve-command.js';
import { validateCommand } from './validate-command.js';

interface TestIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
  /** Delivers SIGTERM to the command's interrupt handlers. */
  interrupt(signal?: string): void;
}

function testIo(cwd: string, env: Record<string, string> = {}): TestIo {
  let out = '';
  let err = '';
  const handlers = new Set<(signal: string) => void>();
  return {
    stdout: (text) => (out += text),
    stderr: (text) => (err += text),
    env: { PATH: process.env.PATH, ...env },
    cwd,
    color: false,
    onInterrupt(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    out: () => out,
    err: () => err,
    interrupt(signal = 'SIGTERM') {
      for (const handler of [...handlers]) handler(signal);
    },
  };
}

function args(argv: string[]) {
  const parsed = parseCli(argv, {});
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.args;
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/health') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 20_000);
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function project(journeys: Record<string, string>): string {
  const cwd = mkdtempSync(join(tmpdir(), 'pathproof-cmd-'));
  mkdirSync(join(cwd, 'journeys'));
  for (const [file, text] of Object.entries(journeys)) writeFileSync(join(cwd, 'journeys', file), text);
  return cwd;
}

function runJson(io: TestIo): RunResult {
  const path = /report: (\S+run\.json)/.exec(io.out())?.[1];
  if (!path) throw new Error(`no report line in:\n${io.out()}\n${io.err()}`);
  return JSON.parse(readFileSync(path, 'utf8')) as RunResult;
}

describe('pathproof run, in-process', () => {
  it('a passing journey: exit 0, a ✓ line, run.json passed', async () => {
    const cwd = project({ 'health.yaml': `name: health\ntarget: ${base}\nentry:\n  - request: GET /health\n` });
    const io = testIo(cwd);
    expect(await runCommand({ args: args(['run']), io })).toBe(0);
    expect(io.out()).toMatch(/✓ health\s+passed/);
    expect(runJson(io)).toMatchObject({ outcome: 'passed', exitCode: 0, counts: { passed: 1 } });
  });

  it('a missing route: exit 1, layer route in run.json', async () => {
    const cwd = project({ 'gone.yaml': `name: gone\ntarget: ${base}\nentry:\n  - request: GET /orders\n` });
    const io = testIo(cwd);
    expect(await runCommand({ args: args(['run']), io })).toBe(1);
    expect(runJson(io).journeys[0]).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'route' });
  });

  it('an invalid journey: exit 2, file:line:col on stderr, nothing run', async () => {
    const cwd = project({ 'bad.yaml': `name: bad\ntarget: ${base}\nentry:\n  - request: GET /health\n    expct: { status: 200 }\n` });
    const io = testIo(cwd);
    expect(await runCommand({ args: args(['run']), io })).toBe(2);
    expect(io.err()).toMatch(/journeys\/bad\.yaml:5:5\s+entry\[0\]\s+unknown key "expct": did you mean "expect"\?/);
  });

  it('a header the journey cannot send (a newline): exit 3, pathproof’s side, the target not blamed', async () => {
    const cwd = project({ 'nl.yaml': `name: nl\ntarget: ${base}\nentry:\n  - request: GET /health\n    headers: { x-note: "a\\nb" }\n` });
    const io = testIo(cwd);
    expect(await runCommand({ args: args(['run']), io })).toBe(3);
    const journey = runJson(io).journeys[0];
    expect(journey).toMatchObject({ outcome: 'error', error: { code: 'REQUEST_NOT_SENDABLE' } });
    expect(journey?.outcome === 'error' && journey.error.message).toMatch(/pathproof could not send GET \/health as written .*the target was not contacted/);
  });

  it('SIGTERM: exit 4, the journey cut after the grace period, run.json interrupted', async () => {
    const cwd = project({ 'slow.yaml': `name: slow\ntarget: ${base}\ntimeout: 60s\nentry:\n  - request: GET /slow\n    timeout: 60s\n` });
    const io = testIo(cwd);
    const running = runCommand({ args: args(['run']), io });
    await new Promise((resolve) => setTimeout(resolve, 300));
    io.interrupt('SIGTERM');
    io.interrupt('SIGTERM'); // the second signal cuts at once
    expect(await running).toBe(4);
    expect(runJson(io)).toMatchObject({ status: 'interrupted', exitCode: 4 });
  });

  it('a weak secret is warned about once, by name, never by value', async () => {
    const cwd = project({ 'w.yaml': `name: w\ntarget: ${base}\nentry:\n  - request: GET /health\n    headers: { authorization: "Bearer \${secret:TOKEN}" }\n` });
    const io = testIo(cwd, { TOKEN: '2026' });
    expect(await runCommand({ args: args(['run']), io })).toBe(0);
    expect(io.err()).toMatch(/pathproof: warning: secret TOKEN looks like a year: .*use a long random value/);
    expect(io.err().match(/secret TOKEN/g)).toHaveLength(1);
    expect(io.err()).not.toContain('2026');
  });
});

describe('pathproof validate, in-process', () => {
  it('--json lists the journeys and whether they need a browser', async () => {
    const cwd = project({
      'api.yaml': `name: api\ntarget: ${base}\nentry:\n  - request: GET /health\n  - wait: 10ms\n`,
      'page.yaml': `name: page\ntarget: ${base}\nentry:\n  - goto: /\n`,
    });
    const io = testIo(cwd);
    expect(await validateCommand(args(['validate', '--json']), io)).toBe(0);
    const report = JSON.parse(io.out()) as { journeys: { name: string; needsBrowser: boolean }[]; needsBrowser: boolean };
    expect(report.journeys.map((j) => [j.name, j.needsBrowser]).sort()).toEqual([
      ['api', false],
      ['page', true],
    ]);
  });
});

describe('pathproof serve, in-process', () => {
  it('listens, answers /healthz, and drains on SIGTERM with exit 0', async () => {
    const cwd = project({ 'health.yaml': `name: health\ntarget: ${base}\nentry:\n  - request: GET /health\n` });
    const io = testIo(cwd);
    const serving = serveCommand(args(['serve', '--listen', '127.0.0.1:0']), io);
    let url: string | undefined;
    for (let i = 0; i < 100 && url === undefined; i++) {
      url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.out())?.[1];
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(url, io.err()).toBeDefined();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    io.interrupt('SIGTERM');
    expect(await serving).toBe(0);
    expect(io.out()).toMatch(/SIGTERM: draining/);
    expect(io.out()).toMatch(/stopped\n$/);
  });
});
