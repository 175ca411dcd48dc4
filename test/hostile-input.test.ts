/**
 * Hostile input, end to end against the built CLI: a user regex that would backtrack for
 * hours, journey and project "files" that are FIFOs, devices or directories, and report
 * directories that never answer. Each must end, with the right exit code and one clear line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { RunResult } from '../src/result/types.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';

let target: TestServer;

beforeAll(async () => {
  target = await startServer((req, res) => {
    if (req.url === '/aaa') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(`${'a'.repeat(64)}!`);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
afterAll(() => target?.close());

describe('a user regex cannot outlive the deadline', () => {
  it('expect.body.regex "^(a+)+$" against a hostile body fails as a wrong result, promptly (RegExp would run for hours)', async () => {
    const dir = tempDir('pathproof-regex-');
    mkdirSync(join(dir, 'journeys'));
    writeFileSync(
      join(dir, 'journeys', 'redos.yaml'),
      `name: redos\ntarget: ${target.url}\ntimeout: 2s\nentry:\n  - request: GET /aaa\n    expect:\n      body: { regex: "^(a+)+$" }\n    capture:\n      run: { regex: "^(a+)+$" }\n`,
    );
    // Killed after 60 s: a backtracking engine never gets there.
    const cli = await runCli(['run', 'journeys', '--out', 'out'], { cwd: dir, timeoutMs: 60_000 });
    expect(cli.signal).toBeNull();
    expect(cli.code, cli.stderr).toBe(1);
    const run = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8')) as RunResult;
    expect(run.journeys[0]).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'result' });
  }, 90_000);

  it('validate names a backreference at file:line:col and exits 2', async () => {
    const dir = tempDir('pathproof-regex-');
    writeFileSync(join(dir, 'backref.yaml'), `name: backref\nentry:\n  - request: GET /\n    expect:\n      body: { regex: "(a)\\\\1" }\n`);
    const cli = await runCli(['validate', 'backref.yaml'], { cwd: dir });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('backref.yaml:5:22  entry[0].expect.body.regex  backreferences (\\1, \\k<name>) are not supported');
  });
});
