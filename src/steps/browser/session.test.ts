/**
 * Browser lifecycle against real Chromium: context isolation, crash and relaunch, the
 * missing-browser fault, shared launches, and traces kept only for failed attempts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { systemClock } from '../../result/clock.js';
import type { BrowserSupport } from '../types.js';
import { RunnerFault } from '../types.js';
import { startFixtureServer } from './fixtures/server.js';
import { scanZipForSecrets } from './trace-scan.js';
import type { FixtureServer } from './fixtures/server.js';
import { testEvidence, testJourney } from './fixtures/harness.js';
import type { TestJourney } from './fixtures/harness.js';
import { createBrowserSupport } from './session.js';

const env = { PATH: process.env.PATH, PATHPROOF_CHROMIUM: process.env.PATHPROOF_CHROMIUM };
let server: FixtureServer;
let support: BrowserSupport;
let dir: string;
const journeys: TestJourney[] = [];

beforeAll(async () => {
  server = await startFixtureServer();
  support = createBrowserSupport({ env, clock: systemClock(), trace: 'on-failure' });
  dir = mkdtempSync(join(tmpdir(), 'pathproof-session-'));
});

afterAll(async () => {
  await support?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(journeys.splice(0).map((j) => j.close()));
});

function open(attempt: number, secrets: string[] = []): TestJourney {
  const journey = testJourney({ support, target: server.url, dir, attempt, secrets });
  journeys.push(journey);
  return journey;
}

/** The browser process's pid, from Chromium itself. */
async function pidOf(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
  return processInfo.find((p) => p.type === 'browser')?.id ?? 0;
}

describe('browser session', () => {
  it('never imports playwright at module load (HTTP-only runs must not load it)', () => {
    const source = readFileSync(new URL('./session.ts', import.meta.url), 'utf8');
    const valueImports = source.split('\n').filter((line) => /^import\s+(?!type\b).*['"]playwright(-core)?['"]/.test(line));
    expect(valueImports).toEqual([]);
    expect(source).toContain("import('playwright-core')");
  });

  it('gives every attempt a fresh context: a cookie set in one is absent in the next', async () => {
    const first = open(1);
    expect(await first.run('goto', { goto: '/set-cookie' })).toEqual({ status: 'passed' });
    expect((await (await first.attempt()).context.cookies()).map((c) => c.name)).toEqual(['visitor']);

    const second = open(2);
    expect(await second.run('goto', { goto: '/whoami' })).toEqual({ status: 'passed' });
    expect(await (await second.attempt()).context.cookies()).toEqual([]);
    expect(await second.run('see', { see: 'cookie: none' })).toMatchObject({ status: 'passed' });
  });

  it('shares one browser between concurrent attempts', async () => {
    const [a, b] = await Promise.all([open(1).attempt(), open(2).attempt()]);
    expect(a.context.browser()).toBe(b.context.browser());
    expect(a.context).not.toBe(b.context);
  });

  it('a browser crash mid-step is our error (BROWSER_CRASHED), and the next attempt relaunches', async () => {
    const doomed = open(1);
    await doomed.run('goto', { goto: '/buttons' });
    const browser = (await doomed.attempt()).context.browser();
    if (!browser) throw new Error('no browser');
    const pid = await pidOf(browser);
    expect(pid).toBeGreaterThan(0);

    const step = doomed.run('see', { see: 'never shown' }, { timeoutMs: 10_000 });
    setTimeout(() => process.kill(pid as number, 'SIGKILL'), 300);
    const outcome = await step;
    expect(outcome).toMatchObject({ status: 'error', error: { code: 'BROWSER_CRASHED' } });
    expect(browser.isConnected()).toBe(false);

    const next = open(2);
    expect(await next.run('goto', { goto: '/buttons' })).toEqual({ status: 'passed' });
    expect((await next.attempt()).context.browser()).not.toBe(browser);
  });

  it.each([
    ['closed by Playwright (as on a signal it handles)', (browser: Browser) => void browser.close()],
    ['killed', (browser: Browser) => void pidOf(browser).then((pid) => process.kill(pid, 'SIGKILL'))],
  ])('a browser %s during a navigation is BROWSER_CRASHED, never a route failure of the target; the next attempt relaunches', async (_, end) => {
    const doomed = open(1);
    const browser = (await doomed.attempt()).context.browser();
    if (!browser) throw new Error('no browser');
    const step = doomed.run('goto', { goto: '/slow' }, { timeoutMs: 10_000 });
    setTimeout(() => end(browser), 400);
    expect(await step).toMatchObject({ status: 'error', error: { code: 'BROWSER_CRASHED' } });
    // At once, while the old browser may still be going away: the next attempt gets a new one.
    const next = open(2);
    expect(await next.run('goto', { goto: '/buttons' })).toEqual({ status: 'passed' });
    expect((await next.attempt()).context.browser()).not.toBe(browser);
  });

  it('keeps a trace only for a failed attempt, and never when a secret was typed', async () => {
    const sink = testEvidence(join(dir, 'traces'));

    const passed = open(1);
    await passed.run('goto', { goto: '/login' });
    expect(await (await passed.attempt()).finish({ failed: false, evidence: sink })).toEqual([]);

    const failed = open(2);
    await failed.run('goto', { goto: '/login' });
    const files = await (await failed.attempt()).finish({ failed: true, evidence: sink });
    expect(files).toEqual([expect.objectContaining({ kind: 'trace', path: 'browser-test-a2-trace.zip' })]);
    expect(Buffer.from(sink.written.at(-1)?.data ?? []).subarray(0, 2).toString()).toBe('PK');

    const secret = open(3, ['hunter2-secret']);
    await secret.run('goto', { goto: '/login' });
    await secret.run('fill', { fill: { label: 'Password', value: 'hunter2-secret' } });
    expect(await (await secret.attempt()).finish({ failed: true, evidence: sink })).toEqual([]);
  });

  it('never keeps a trace that holds a secret no step typed (a page echoing it, a cookie)', async () => {
    const sink = testEvidence(join(dir, 'traces-echo'));
    const holds = (data: Uint8Array | undefined, text: string): boolean => {
      const scan = data === undefined ? undefined : scanZipForSecrets(Buffer.from(data), (t) => t.includes(text));
      return scan !== undefined && 'holdsSecret' in scan && scan.holdsSecret;
    };
    // The same page, the token not a secret: the trace is kept and holds the token (so the check below can see it).
    const plain = open(1);
    await plain.run('goto', { goto: '/token' });
    await plain.run('see', { see: 'your token' });
    expect(await (await plain.attempt()).finish({ failed: true, evidence: sink })).toHaveLength(1);
    expect(holds(sink.written.at(-1)?.data, 'tok-page-echo-7731')).toBe(true);

    const echoed = open(2, ['tok-page-echo-7731']);
    await echoed.run('goto', { goto: '/token' });
    await echoed.run('see', { see: 'your token' });
    expect(await (await echoed.attempt()).finish({ failed: true, evidence: sink })).toEqual([]);

    const cookie = open(3, ['cookie-secret-5512']);
    await (await cookie.attempt()).context.addCookies([{ name: 'sid', value: 'cookie-secret-5512', url: server.url }]);
    await cookie.run('goto', { goto: '/whoami' });
    await cookie.run('see', { see: 'cookie:' });
    expect(await (await cookie.attempt()).finish({ failed: true, evidence: sink })).toEqual([]);
  });

});

describe('no browser', () => {
  it('PATHPROOF_CHROMIUM=/nonexistent is a RunnerFault BROWSER_NOT_FOUND with the install message', async () => {
    const missing = createBrowserSupport({ env: { PATHPROOF_CHROMIUM: '/nonexistent', PATH: env.PATH }, clock: systemClock() });
    try {
      const error = await missing.openAttempt({ journey: 'j', attempt: 1, insecure: false, firstParty: [] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RunnerFault);
      expect(error).toMatchObject({ code: 'BROWSER_NOT_FOUND' });
      expect((error as Error).message).toContain('PATHPROOF_CHROMIUM=/nonexistent');
      expect((error as Error).message).toContain('apt-get install -y chromium');

      // Through a driver, the fault is the step's error: we could not verify, the target is not blamed.
      const j = testJourney({ support: missing, target: server.url, dir });
      expect(await j.run('goto', { goto: '/login' })).toMatchObject({ status: 'error', error: { code: 'BROWSER_NOT_FOUND' } });
    } finally {
      await missing.close();
    }
  });
});
