/**
 * Soak (issue #11 item 8): `pathproof serve` runs the corpus's must-pass journeys on 6-field
 * cron schedules (HTTP journeys every 5 s, browser journeys every 15 s) against the real stacks
 * for CORPUS_SOAK_SECONDS (default 60), then every run must have passed: one false alarm is a
 * canary that pages people for nothing. nginx (keepalive_timeout 1s) and HAProxy
 * (timeout http-keep-alive 1s) close idle keep-alive connections aggressively, which is how a
 * stale pooled connection shows up.
 *
 * Journeys that pathproof cannot load yet (keys it does not know) are left out and listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, CORPUS_DIR, invalidFiles, loadCases, startStacks } from './corpus.mjs';
import type { RunningStacks } from './corpus.mjs';
import { tempDir } from './stacks/proc.mjs';

const SOAK_SECONDS = Number(process.env.CORPUS_SOAK_SECONDS ?? 60);
const HTTP_EVERY = '*/5 * * * * *';
const BROWSER_EVERY = '*/20 * * * * *';
const RUN_LINE = /^\S+ \[(\w+)\] (\S+) (passed|flaky|degraded|failed|error|skipped)\b(.*)$/;

interface Soak {
  readonly journeys: string[];
  readonly left: string[];
  readonly runs: { source: string; journey: string; outcome: string; rest: string; why?: string }[];
  readonly exit: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The hint or error of a run that did not pass, from its run.json (kept for the whole soak: --keep-runs 5000). */
function whyNotPassed(reports: string, journey: string, rest: string): string {
  const id = /run=(\S+)/.exec(rest)?.[1];
  const file = id ? join(reports, id, 'run.json') : '';
  if (!id || !existsSync(file)) return '(run.json pruned)';
  const run = JSON.parse(readFileSync(file, 'utf8')) as { journeys: { name: string; hint?: string; error?: { code: string; message: string } }[] };
  const j = run.journeys.find((x) => x.name === journey);
  return j?.error ? `${j.error.code}: ${j.error.message}` : (j?.hint ?? '');
}

let stacks: RunningStacks | undefined;
let soak: Soak | undefined;
let dir: string | undefined;

describe(`soak: must-pass journeys under serve for ${SOAK_SECONDS}s`, () => {
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first`);
    const mustPass = loadCases().filter((c) => c.expect.outcome === 'passed');
    stacks = await startStacks([...new Set(mustPass.map((c) => c.stack))]);
    const env = { ...stacks.vars };
    const invalid = await invalidFiles(
      mustPass.map((c) => c.file),
      env,
    );
    const chosen = mustPass.filter((c) => !invalid.has(c.file));
    dir = tempDir('soak');
    mkdirSync(join(dir, 'journeys'));
    copyFileSync(join(CORPUS_DIR, 'pathproof.yaml'), join(dir, 'pathproof.yaml'));
    for (const c of chosen) {
      const text = readFileSync(join(CORPUS_DIR, c.file), 'utf8');
      const every = /^\s*- goto:/m.test(text) ? BROWSER_EVERY : HTTP_EVERY;
      writeFileSync(join(dir, 'journeys', `${c.id}.yaml`), `${text.trimEnd()}\nschedule: "${every}"\n`);
    }
    const child = spawn(
      process.execPath,
      [CLI, 'serve', 'journeys', '--listen', '127.0.0.1:0', '--report-dir', join(dir, 'reports'), '--keep-runs', '5000', '--concurrency', '6'],
      { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', TZ: 'UTC', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let gone = false;
    void exited.then(() => (gone = true));
    const end = Date.now() + SOAK_SECONDS * 1000;
    while (Date.now() < end && !gone) await new Promise((resolve) => setTimeout(resolve, 500));
    // Drain: schedules stop, running journeys get 10 s to finish (README: Signals).
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const exit = await exited;
    clearTimeout(killer);
    const runs = stdout
      .split('\n')
      .map((line) => RUN_LINE.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ source: m[1] as string, journey: m[2] as string, outcome: m[3] as string, rest: (m[4] ?? '').trim() }))
      .map((r) => (r.outcome === 'passed' ? r : { ...r, why: whyNotPassed(join(dir as string, 'reports'), r.journey, r.rest) }));
    soak = { journeys: chosen.map((c) => c.id), left: [...invalid.keys()], runs, exit, stdout, stderr };
    const perJourney = new Map<string, number>();
    for (const r of runs) perJourney.set(r.journey, (perJourney.get(r.journey) ?? 0) + 1);
    console.log(
      `soak ${SOAK_SECONDS}s: ${runs.length} runs of ${chosen.length} journeys, ` +
        `${runs.filter((r) => r.outcome !== 'passed').length} not passed; left out (not loadable yet): ${soak.left.join(', ') || 'none'}\n` +
        [...perJourney].map(([j, n]) => `  ${j}: ${n}`).join('\n'),
    );
  }, SOAK_SECONDS * 1000 + 180_000);

  afterAll(async () => {
    await stacks?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('serve ran every must-pass journey and drained cleanly', () => {
    expect(soak?.exit, soak?.stderr).toBe(0);
    const ran = new Set(soak?.runs.map((r) => r.journey));
    expect(soak?.journeys.filter((j) => !ran.has(j))).toEqual([]);
  });

  it('zero runs that did not pass (no false alarms)', () => {
    const bad = soak?.runs.filter((r) => r.outcome !== 'passed' && !(r.outcome === 'skipped' && r.rest.includes('interrupted'))) ?? [];
    expect(bad.map((r) => `${r.journey} ${r.outcome} ${r.rest} — ${r.why ?? ''}`), `serve's stderr:\n${soak?.stderr.slice(-4000) ?? ''}`).toEqual([]);
  });
});
