/**
 * Runner faults, end to end through the built CLI: faults on OUR side (the browser dies, the
 * report directory cannot be created, the disk is full, the process is SIGKILLed) must end
 * as `error` / exit 3 with a clear one-line message, never a stack trace, and never lose the
 * verdicts the console already showed.
 *
 * Related: test/interrupt.test.ts kills one run at a chosen moment (a held request); the
 * SIGKILL case here kills a busy run (many journeys finishing at once, concurrency 4) at
 * several moments, reading run.json between writes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFailureLines } from '../src/cli/setup.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { CliResult, LooseRun, TestServer } from './helpers.js';

const LONG = 120_000;

let server: TestServer;
let waitArrived: () => void = () => undefined;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/wait') {
      // The text appears after 20 s: the `see` step is waiting when the browser is killed.
      waitArrived();
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>wait</title><h1>Waiting</h1><script>setTimeout(() => document.body.append("Ready now"), 20000)</script>');
      return;
    }
    if (url.pathname === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>page</title><h1>Hello</h1>');
      return;
    }
    const send = (): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    };
    // ?ms= holds the answer: a lower bound on how long a run takes, so a kill lands mid-run.
    const ms = Number(url.searchParams.get('ms') ?? 0);
    if (ms > 0) setTimeout(send, ms);
    else send();
  });
});
afterAll(() => server?.close());

function httpJourney(dir: string, name: string, path = `/${name}`): void {
  writeFileSync(join(dir, `${name}.yaml`), `name: ${name}\ntarget: ${server.url}\nretries: 0\nentry:\n  - request: GET ${path}\n    expect: { status: 200 }\n`);
}

function journeysDir(prefix: string): { dir: string; journeys: string } {
  const dir = tempDir(prefix);
  const journeys = join(dir, 'journeys');
  mkdirSync(journeys);
  return { dir, journeys };
}

function readRun(file: string): LooseRun {
  return JSON.parse(readFileSync(file, 'utf8')) as LooseRun;
}

/** Direct children of `pid` (Linux /proc). */
function children(pid: number): number[] {
  const tasks = `/proc/${pid}/task`;
  if (!existsSync(tasks)) return [];
  return readdirSync(tasks).flatMap((task) => {
    try {
      return readFileSync(join(tasks, task, 'children'), 'utf8').split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The console's verdict line of a journey, e.g. `✓ a  passed  57ms`. */
const verdictLine = (name: string, outcome: string): RegExp => new RegExp(`[✓✗!~-] ${name}\\s+${outcome}`);

describe('the browser killed mid-journey', () => {
  it('ends that journey as error BROWSER_CRASHED (exit 3); the next browser journey relaunches and passes', { timeout: LONG }, async () => {
    const { dir, journeys } = journeysDir('pathproof-faults-browser-');
    writeFileSync(
      join(journeys, 'a-killed.yaml'),
      `name: a-killed\ntarget: ${server.url}\nretries: 0\ntimeout: 90s\nentry:\n  - goto: /wait\n  - see: Ready now\n    timeout: 60s\n`,
    );
    writeFileSync(join(journeys, 'b-after.yaml'), `name: b-after\ntarget: ${server.url}\nretries: 0\ntimeout: 60s\nentry:\n  - goto: /page\n  - see: Hello\n`);
    httpJourney(journeys, 'c-http');

    const arrived = new Promise<void>((resolve) => (waitArrived = resolve));
    let gotPid: (pid: number) => void = () => undefined;
    const pid = new Promise<number>((resolve) => (gotPid = resolve));
    const done = runCli(['run', 'journeys', '--concurrency', '1', '--out', 'out', '--report-dir', 'reports'], {
      cwd: dir,
      env: { PATHPROOF_CHROMIUM: '/usr/bin/chromium' },
      timeoutMs: LONG - 10_000,
      onSpawn: gotPid,
    });
    await arrived;
    // Let `goto` finish and `see` start waiting (the text needs 20 s).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const cli = await pid;
    const browsers = children(cli).filter((child) => /chrom/i.test(commandLine(child)));
    expect(browsers, `children of ${cli}: ${children(cli).map(commandLine).join(' | ')}`).toHaveLength(1);
    process.kill(browsers[0] as number, 'SIGKILL');

    const result = await done;
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toMatch(verdictLine('a-killed', 'error'));
    expect(result.stdout).toMatch(verdictLine('b-after', 'passed'));
    expect(result.stdout).toMatch(verdictLine('c-http', 'passed'));

    const run = readRun(join(dir, 'out', 'run.json'));
    expect(run).toMatchObject({ status: 'complete', exitCode: 3, outcome: 'error', counts: { passed: 2, error: 1 } });
    const killed = run.journeys.find((j) => j.name === 'a-killed');
    expect(killed).toMatchObject({ outcome: 'error', error: { code: 'BROWSER_CRASHED' } });
    expect(killed?.layer).toBeUndefined();
    expect(killed?.error?.message).toMatch(/the browser closed or crashed during/);
  });
});

describe('reportFailureLines', () => {
  // A failure carries Node's error code (or REPORTER_BUG): grouping keys on it, never on the message text.
  const f = (reporter: string, message: string, essential = false) => ({
    reporter,
    hook: 'onRunEnd',
    code: /^([A-Z][A-Z0-9_]+):/.exec(message)?.[1] ?? 'REPORTER_BUG',
    message,
    essential,
  });
  it.each([
    ['nothing failed', [], []],
    [
      'one cause for every reporter: one line, run.json first',
      [f('html', 'ENOSPC: no space left on device, write'), f('json', 'ENOSPC: no space left on device, write', true), f('junit', 'ENOSPC: no space left on device, write')],
      ['pathproof: the run record (run.json) and reports could not be written to /r/run (json, html, junit): ENOSPC: no space left on device, write'],
    ],
    [
      'another cause keeps its own line',
      [f('json', "ENOTDIR: not a directory, mkdir '/r/run'", true), f('html', 'Cannot read properties of undefined')],
      [
        "pathproof: the run record (run.json) and reports could not be written to /r/run (json): ENOTDIR: not a directory, mkdir '/r/run'",
        'pathproof: html report could not be written: Cannot read properties of undefined',
      ],
    ],
    ['only a best-effort reporter', [f('ctrf', 'EACCES: permission denied')], ['pathproof: reports could not be written to /r/run (ctrf): EACCES: permission denied']],
  ])('%s', (_what, failures, lines) => {
    expect(reportFailureLines('/r/run', failures)).toEqual(lines);
  });
});

describe('the report directory cannot be created', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    const made = journeysDir('pathproof-faults-notdir-');
    dir = made.dir;
    httpJourney(made.journeys, 'one');
    httpJourney(made.journeys, 'two', '/missing-but-200');
    file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory\n');
  });

  it.each([
    ['--out under a regular file', () => ['--out', join(file, 'sub'), '--report-dir', join(dir, 'reports')], () => join(file, 'sub')],
    ['--report-dir under a regular file', () => ['--report-dir', join(file, 'reports')], () => join(file, 'reports')],
  ])('%s: exit 3, one line naming the directory, the console still shows every result', { timeout: LONG }, async (_what, args, target) => {
    const result = await runCli(['run', 'journeys', ...args()], { cwd: dir, timeoutMs: LONG - 10_000 });
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(result.stdout).toMatch(verdictLine('one', 'passed'));
    expect(result.stdout).toMatch(verdictLine('two', 'passed'));
    expect(result.stdout).toContain('2 passed, 0 flaky, 0 failed, 0 error, 0 skipped');
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('pathproof:'));
    expect(errors, result.stderr).toHaveLength(1);
    expect(errors[0]).toContain(`could not be written to ${target()}`);
    expect(errors[0]).toContain('ENOTDIR');
    expect(errors[0]).toContain('run.json');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // No claim that a report exists.
    expect(result.stdout).not.toMatch(/^report: /m);
  });
});

function canMountTmpfs(): boolean {
  if (process.platform !== 'linux') return false;
  const probe = tempDir('pathproof-faults-mount-probe-');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    console.log(`disk-full case skipped: mount -t tmpfs not permitted here (${(mounted.stderr || mounted.error?.message || '').trim()})`);
    return false;
  }
  spawnSync('umount', [probe]);
  return true;
}

describe('the disk is full', () => {
  const mountable = canMountTmpfs();
  let mountPoint: string | undefined;
  afterAll(() => {
    if (mountPoint) spawnSync('umount', [mountPoint]);
  });

  it.skipIf(!mountable)('exit 3, one line naming the run directory, the console still shows every result', { timeout: LONG }, async () => {
    const { dir, journeys } = journeysDir('pathproof-faults-full-');
    for (const name of ['one', 'two', 'three']) httpJourney(journeys, name);
    mountPoint = join(dir, 'disk');
    mkdirSync(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint]);
    // Fill it: directories still fit (inodes), no file content does.
    spawnSync('dd', ['if=/dev/zero', `of=${join(mountPoint, 'filler')}`, 'bs=4k'], { encoding: 'utf8' });
    const reports = join(mountPoint, 'reports');

    const result = await runCli(['run', 'journeys', '--report-dir', reports], { cwd: dir, timeoutMs: LONG - 10_000 });
    expect(result.code, result.stdout + result.stderr).toBe(3);
    for (const name of ['one', 'two', 'three']) expect(result.stdout).toMatch(verdictLine(name, 'passed'));
    expect(result.stdout).toContain('3 passed, 0 flaky, 0 failed, 0 error, 0 skipped');
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('pathproof:'));
    expect(errors, result.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`could not be written to ${reports}/\\S+ \\(json, .*\\): ENOSPC`));
    expect(result.stderr).not.toMatch(/\n\s+at /);
    // No run.json and no half-written temporary run.json left behind.
    const runs = readdirSync(reports);
    expect(runs).toHaveLength(1);
    const files = readdirSync(join(reports, runs[0] as string));
    expect(files).not.toContain('run.json');
    expect(files.filter((f) => f.startsWith('run.json'))).toEqual([]);
  });
});

describe('SIGKILL while many journeys finish', () => {
  // 60 journeys of >= 150 ms each, 4 at a time: the run takes at least 2.25 s after its first
  // write, so every kill below lands mid-run however loaded the machine is.
  it.each([100, 700, 1_500])('run.json is valid JSON of finished journeys when killed %i ms after its first write', { timeout: LONG }, async (afterMs) => {
    const { dir, journeys } = journeysDir('pathproof-faults-kill-');
    const names = Array.from({ length: 60 }, (_, i) => `j${String(i).padStart(2, '0')}`);
    for (const name of names) httpJourney(journeys, name, `/${name}?ms=150`);
    let gotPid: (pid: number) => void = () => undefined;
    const pid = new Promise<number>((resolve) => (gotPid = resolve));
    const runJson = join(dir, 'out', 'run.json');
    const done: Promise<CliResult> = runCli(['run', 'journeys', '--concurrency', '4', '--out', 'out'], { cwd: dir, timeoutMs: LONG - 10_000, onSpawn: gotPid });
    const cli = await pid;
    // Wait for the first write (start-up time varies on a loaded machine), then a bit more.
    for (let i = 0; i < 600 && !existsSync(runJson); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    process.kill(cli, 'SIGKILL');
    const result = await done;
    expect(result.signal, result.stdout + result.stderr).toBe('SIGKILL');
    const run = readRun(runJson);
    expect(run.schemaVersion).toBe(1);
    expect(run.status).toBe('running');
    expect(run.journeys.length).toBeGreaterThanOrEqual(1);
    expect(run.journeys.length).toBeLessThan(names.length);
    // Every journey in it finished (a verdict, attempts), none twice, all of ours.
    const seen = run.journeys.map((j) => j.name);
    expect(new Set(seen).size).toBe(seen.length);
    for (const journey of run.journeys) {
      expect(names).toContain(journey.name);
      expect(journey.outcome).toBe('passed');
      expect(journey.attempts.length).toBe(1);
    }
    expect(run.counts.passed).toBe(run.journeys.length);
    console.log(`SIGKILL after ${afterMs} ms: run.json holds ${run.journeys.length} of ${names.length} journeys (status ${run.status}, signal ${result.signal})`);
  });
});
