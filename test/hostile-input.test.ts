/**
 * Hostile input, end to end against the built CLI: a user regex that would backtrack for
 * hours, journey and project "files" that are FIFOs, devices or directories, and report
 * directories that never answer. Each must end, with the right exit code and one clear line.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { RunResult } from '../src/result/types.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';

let target: TestServer;

beforeAll(async () => {
  target = await startServer((req, res) => {
    if (req.url === '/hold') return; // never answers: the journey runs until interrupted
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

describe('journey and project files that are not regular files', () => {
  const dir = tempDir('pathproof-special-');
  beforeAll(() => {
    mkdirSync(join(dir, 'journeys'));
    writeFileSync(join(dir, 'journeys', 'ok.yaml'), `name: ok\ntarget: ${target.url}\nentry:\n  - request: GET /\n`);
    // Real FIFOs with no writer: reading one the ordinary way waits forever.
    execFileSync('mkfifo', [join(dir, 'pipe.yaml'), join(dir, 'pathproof.yaml')]);
    mkdirSync(join(dir, 'dir.yaml'));
    writeFileSync(join(dir, 'project.yaml'), 'reportDir: reports\n');
  });

  it.each<[string, string, string]>([
    ['a FIFO', 'pipe.yaml', 'pipe.yaml  not a regular file (a FIFO (named pipe)): only regular files are read'],
    ['/dev/zero', '/dev/zero', '/dev/zero  not a regular file (a character device): only regular files are read'],
    ['a directory holding no journeys', 'dir.yaml', 'dir.yaml  warning: no journey files (*.yaml, *.yml) in this directory'],
  ])('validate %s answers at once with one line', async (_name, path, line) => {
    const cli = await runCli(['validate', path, '--config', 'project.yaml'], { cwd: dir, timeoutMs: 30_000 });
    expect(cli.signal).toBeNull();
    expect(cli.stderr).toContain(line);
  });

  it('run with a FIFO named as the journey: exit 2, nothing run, no hang', async () => {
    const cli = await runCli(['run', 'pipe.yaml', 'journeys', '--config', 'project.yaml'], { cwd: dir, timeoutMs: 30_000 });
    expect(cli.signal).toBeNull();
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('pipe.yaml  not a regular file (a FIFO (named pipe))');
  });

  it('a FIFO where pathproof.yaml is looked for: exit 2 with the reason, no hang', async () => {
    const cli = await runCli(['run', 'journeys'], { cwd: dir, timeoutMs: 30_000 });
    expect(cli.signal).toBeNull();
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('pathproof.yaml  cannot read the project file: not a regular file (a FIFO (named pipe))');
  });
});

describe('a report directory that never answers', () => {
  const dir = tempDir('pathproof-report-dir-');
  beforeAll(() => {
    mkdirSync(join(dir, 'journeys'));
    writeFileSync(join(dir, 'journeys', 'ok.yaml'), `name: ok\ntarget: ${target.url}\nentry:\n  - request: GET /\n`);
    writeFileSync(join(dir, 'journeys', 'slow.yaml'), `name: slow\ntarget: ${target.url}\nentry:\n  - request: GET /hold\n    timeout: 60s\ntimeout: 60s\n`);
    mkdirSync(join(dir, 'reports'));
    // history.json as a FIFO: reading it the ordinary way waits for a writer forever.
    execFileSync('mkfifo', [join(dir, 'reports', 'history.json')]);
  });

  it('--out under /proc: the run ends with exit 3 and one line naming the directory', async () => {
    const out = '/proc/pathproof-test-out/run';
    const cli = await runCli(['run', 'journeys/ok.yaml', '--out', out, '--report-dir', 'reports-proc'], { cwd: dir, timeoutMs: 60_000 });
    expect(cli.signal).toBeNull();
    expect(cli.code, cli.stderr).toBe(3);
    const lines = cli.stderr.split('\n').filter((l) => l.startsWith('pathproof:'));
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^pathproof: the run record \\(run\\.json\\) and reports could not be written to ${out} \\(json, .*\\): ENOENT`))]);
    // The verdict still reached the console.
    expect(cli.stdout).toMatch(/1 passed/);
  }, 90_000);

  it('a FIFO as the history index: the run goes on without transitions and rewrites it', async () => {
    const cli = await runCli(['run', 'journeys/ok.yaml', '--report-dir', 'reports', '--out', 'reports/one'], { cwd: dir, timeoutMs: 60_000 });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('transitions unavailable: could not read');
    expect(cli.stdout).toContain('not a regular file (a FIFO (named pipe))');
    expect(readFileSync(join(dir, 'reports', 'history.json'), 'utf8')).toContain('"version": 1');
  }, 90_000);

  it('SIGTERM still ends a run whose report directory is under /proc (exit 4, no hang)', async () => {
    let pid = 0;
    const done = runCli(['run', 'journeys/slow.yaml', '--out', '/proc/pathproof-test-out/run2'], { cwd: dir, timeoutMs: 60_000, onSpawn: (p) => (pid = p) });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    process.kill(pid, 'SIGTERM');
    const cli = await done;
    expect(cli.signal).toBeNull();
    expect([3, 4]).toContain(cli.code);
  }, 90_000);
});

describe('pathproof report never inlines a file from outside the run directory', () => {
  it('a screenshot that is a symbolic link out of the run directory stays a link in index.html', async () => {
    const dir = tempDir('pathproof-report-links-');
    const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5a1c6a30000000049454e44ae426082', 'hex');
    const outsideFile = join(tempDir('pathproof-outside-'), 'private.png');
    const stolen = Buffer.concat([PNG, Buffer.from('PRIVATE-KEY-MATERIAL-OUTSIDE-THE-RUN')]);
    writeFileSync(outsideFile, stolen);
    const run = join(dir, 'run');
    mkdirSync(join(run, 'evidence'), { recursive: true });
    symlinkSync(outsideFile, join(run, 'evidence', 'failure.png'));
    writeFileSync(join(run, 'evidence', 'own.png'), PNG);
    const evidence = [
      { kind: 'screenshot', path: 'evidence/failure.png' },
      { kind: 'screenshot', path: 'evidence/own.png' },
    ];
    const journey = { name: 'j', file: 'j.yaml', tags: [], outcome: 'failed', stage: 'entry', layer: 'frontend', startedAt: '2026-11-30T00:00:00.000Z', durationMs: 1, attempts: [{ attempt: 1, outcome: 'failed', stage: 'entry', failure: { layer: 'frontend', hint: 'h', message: 'm' }, startedAt: '2026-11-30T00:00:00.000Z', durationMs: 1, steps: [{ name: 'see Ready', kind: 'see', phase: 'entry', index: 0, status: 'failed', durationMs: 1, failure: { layer: 'frontend', hint: 'h', message: 'm' } }], evidence }] };
    const record = { schemaVersion: 1, runId: 'r1', status: 'complete', trigger: {}, startedAt: '2026-11-30T00:00:00.000Z', durationMs: 1, outcome: 'failed', exitCode: 1, counts: { passed: 0, flaky: 0, failed: 1, error: 0, skipped: 0 }, journeys: [journey] };
    writeFileSync(join(run, 'run.json'), JSON.stringify(record));
    const cli = await runCli(['report', 'run'], { cwd: dir, timeoutMs: 30_000 });
    expect(cli.code, cli.stderr).toBe(0);
    const page = readFileSync(join(run, 'index.html'), 'utf8');
    expect(page).toContain(`data:image/png;base64,${PNG.toString('base64')}`);
    expect(page).not.toContain(stolen.toString('base64').slice(-24));
  });
});
