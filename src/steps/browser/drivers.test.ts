/**
 * Browser drivers against real Chromium and a local fixture server: one BrowserSupport
 * for the file, a fresh attempt (context) per test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../result/clock.js';
import type { BrowserObservation } from '../../result/types.js';
import type { BrowserSupport } from '../types.js';
import { startFixtureServer } from './fixtures/server.js';
import type { FixtureServer } from './fixtures/server.js';
import { testJourney } from './fixtures/harness.js';
import { decodePng } from './fixtures/png.js';
import type { TestJourney, TestOutcome } from './fixtures/harness.js';
import { createBrowserSupport } from './session.js';

let server: FixtureServer;
let support: BrowserSupport;
let dir: string;
let journey: TestJourney;

beforeAll(async () => {
  server = await startFixtureServer();
  support = createBrowserSupport({ env: { PATH: process.env.PATH, PATHPROOF_CHROMIUM: process.env.PATHPROOF_CHROMIUM }, clock: systemClock() });
  dir = mkdtempSync(join(tmpdir(), 'pathproof-drivers-'));
});

afterAll(async () => {
  await support?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await journey?.close();
});

function open(secrets: string[] = []): TestJourney {
  journey = testJourney({ support, target: server.url, dir, secrets });
  return journey;
}

function failed(outcome: TestOutcome) {
  if (outcome.status !== 'failed') throw new Error(`expected a failed step, got ${JSON.stringify(outcome)}`);
  return { ...outcome, observation: outcome.observation as BrowserObservation };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('browser drivers', () => {
  it('passes a login-and-act flow, capturing text and using it', async () => {
    const j = open(['hunter2-secret']);
    expect(await j.run('goto', { goto: '/login' })).toEqual({ status: 'passed' });
    expect(await j.run('fill', { fill: { label: 'Email', value: 'ada@example.test' } })).toEqual({ status: 'passed' });
    expect(await j.run('fill', { fill: { label: 'Password', value: 'hunter2-secret' } })).toEqual({ status: 'passed' });
    expect(await j.run('click', { click: 'Sign in' })).toEqual({ status: 'passed' });
    expect(await j.run('expectUrl', { expectUrl: '/orders' })).toMatchObject({
      status: 'passed',
      assertions: [{ expression: 'url ("/orders") contains "/orders"', passed: true }],
    });
    const seen = await j.run('see', { see: { role: 'link', name: 'Order #' }, capture: { orderId: { regex: '#(\\d+)' } } });
    expect(seen).toMatchObject({ status: 'passed', captured: { orderId: '1001' } });
    expect(j.vars.get('orderId')).toBe('1001');

    // What the runner does with {{ orderId }}: the next step uses the captured value.
    expect(await j.run('goto', { goto: `/orders/${j.vars.get('orderId')}` })).toEqual({ status: 'passed' });
    expect(await j.run('see', { see: { role: 'heading', name: 'Order 1001' } })).toMatchObject({ status: 'passed' });
    expect(await j.run('click', { click: { role: 'button', name: 'Request refund' } })).toEqual({ status: 'passed' });
    expect(await j.run('see', { see: 'Refund requested' })).toMatchObject({
      status: 'passed',
      assertions: [{ kind: 'see', expression: 'see text "Refund requested"', passed: true }],
    });
    expect(await j.run('notSee', { notSee: 'Login refused' })).toMatchObject({ status: 'passed' });
    expect(await j.run('expectUrl', { expectUrl: { regex: '/orders/\\d+$' }, capture: { orderUrl: 'url' } })).toMatchObject({
      status: 'passed',
      captured: { orderUrl: `${server.url}/orders/1001` },
    });
    const shot = await j.run('screenshot', { screenshot: 'refund' });
    expect(shot).toMatchObject({ status: 'passed', evidence: [{ kind: 'screenshot', path: 'browser-test-a1-refund.png' }] });
    expect(await j.run('wait', { wait: '50ms' })).toEqual({ status: 'passed' });
    expect(await j.run('wait', { wait: { for: { text: 'Refund requested' } } })).toEqual({ status: 'passed' });
  });

  it('a page whose API call answers 401 fails in layer auth, with the request as evidence', async () => {
    const j = open();
    expect(await j.run('goto', { goto: '/account' })).toEqual({ status: 'passed' });
    const outcome = failed(await j.run('see', { see: 'Welcome back' }, { timeoutMs: 1_500 }));
    expect(outcome.failure.layer).toBe('auth');
    expect(outcome.failure.message).toBe('see text "Welcome back" (not visible after 1.5s)');
    const request = outcome.observation.failedRequests.find((r) => r.url.endsWith('/api/me'));
    expect(request).toMatchObject({ method: 'GET', status: 401, resourceType: 'fetch', headers: { 'x-request-id': 'r-1' } });
    // Who answered and how it refused are kept; cookies never.
    expect(request?.headers).not.toHaveProperty('set-cookie');
    expect(outcome.evidence?.[0]).toMatchObject({ kind: 'screenshot' });
  });

  it('a missing button fails in layer frontend, listing the buttons the page has', async () => {
    const j = open();
    await j.run('goto', { goto: '/buttons' });
    const outcome = failed(await j.run('click', { click: { role: 'button', name: 'Submit payment' } }, { timeoutMs: 1_000 }));
    expect(outcome.failure.layer).toBe('frontend');
    expect(outcome.failure.message).toBe('click role=button[name="Submit payment"]: no visible element matched within 1s');
    expect(outcome.observation.locator).toBe('role=button[name="Submit payment"]');
    expect(outcome.observation.candidates?.[0]).toBe('button "Submit order"');
    expect(outcome.observation.candidates).toEqual(expect.arrayContaining(['button "Save draft"', 'button "Cancel order"']));
    expect(outcome.observation.candidates?.length).toBeLessThanOrEqual(5);
  });

  it('wrong text fails in layer result, naming what the page shows instead', async () => {
    const j = open();
    await j.run('goto', { goto: '/buttons' });
    const outcome = failed(await j.run('see', { see: 'Refund requested' }, { timeoutMs: 1_000 }));
    expect(outcome.failure.layer).toBe('result');
    expect(outcome.assertions).toEqual([
      expect.objectContaining({ kind: 'see', expression: 'see text "Refund requested" (not visible after 1s)', passed: false }),
    ]);
    expect(outcome.observation.candidates?.[0]).toBe('text "Refund rejected"');
  });

  it('a target that is down fails in layer endpoint with the net:: code', async () => {
    const port = await closedPort();
    const j = open();
    const outcome = failed(await j.run('goto', { goto: `http://127.0.0.1:${port}/` }));
    expect(outcome.failure.layer).toBe('endpoint');
    expect(outcome.failure.code).toBe('net::ERR_CONNECTION_REFUSED');
    expect(outcome.observation.navigationError).toBe('net::ERR_CONNECTION_REFUSED');
  });

  it('a document 404 fails in layer route', async () => {
    const j = open();
    const outcome = failed(await j.run('goto', { goto: '/no-such-page' }));
    expect(outcome.failure.layer).toBe('route');
    expect(outcome.failure.message).toBe('document status (404) < 400');
    expect(outcome.observation.documentStatus).toBe(404);
  });

  it('two matching buttons fail with the count and how to narrow the locator; nth picks one', async () => {
    const j = open();
    await j.run('goto', { goto: '/buttons' });
    const outcome = failed(await j.run('click', { click: 'Delete' }));
    expect(outcome.failure.layer).toBe('frontend');
    expect(outcome.observation.matchCount).toBe(2);
    expect(outcome.failure.message).toBe(
      'click button/link/text "Delete": 2 visible elements match, expected one; narrow the locator with nth (0-based), exact: true, or role + name',
    );
    expect(await j.run('click', { click: { role: 'button', name: 'Delete', nth: 1 } })).toEqual({ status: 'passed' });
  });

  it('a click shorthand prefers the control to a heading with the same text', async () => {
    const j = open();
    await j.run('goto', { goto: '/login' });
    // "Sign in" is both the <h1> and the button: the button wins, so this is not ambiguous.
    await j.run('fill', { fill: { label: 'Email', value: 'ada@example.test' } });
    expect(await j.run('click', { click: 'Sign in' })).toEqual({ status: 'passed' });
    expect(await j.run('expectUrl', { expectUrl: { equals: '/orders' } })).toMatchObject({ status: 'passed' });
  });

  it('a URL that never comes fails in layer result with the URL seen', async () => {
    const j = open();
    await j.run('goto', { goto: '/orders' });
    const outcome = failed(await j.run('expectUrl', { expectUrl: '/orders/1001' }, { timeoutMs: 500 }));
    expect(outcome.failure.layer).toBe('result');
    expect(outcome.failure.message).toBe('url ("/orders") contains "/orders/1001" (after 500ms)');
  });

  it('no target and a relative URL is our error, not the target failing', async () => {
    journey = testJourney({ support, target: undefined, dir });
    expect(await journey.run('goto', { goto: '/login' })).toMatchObject({ status: 'error', error: { code: 'NO_TARGET' } });
  });

  it('select, check, fill by placeholder and press act on the form controls', async () => {
    const j = open();
    await j.run('goto', { goto: '/buttons' });
    expect(await j.run('select', { select: { label: 'Reason', option: 'Damaged item' } })).toEqual({ status: 'passed' });
    expect(await j.run('check', { check: 'I agree to the terms' })).toEqual({ status: 'passed' });
    expect(await j.run('fill', { fill: { placeholder: 'Search orders', value: '1001' } })).toEqual({ status: 'passed' });
    expect(await j.run('press', { press: { testId: 'search-box', key: 'End' } })).toEqual({ status: 'passed' });
    expect(await j.run('press', { press: 'Tab' })).toEqual({ status: 'passed' });
    const { page } = await j.attempt();
    expect(await page.locator('#reason').inputValue()).toBe('damaged');
    expect(await page.locator('#agree').isChecked()).toBe(true);
    expect(await j.run('check', { check: { label: 'I agree to the terms', checked: false } })).toEqual({ status: 'passed' });
    expect(await page.locator('#agree').isChecked()).toBe(false);
    const missing = failed(await j.run('fill', { fill: { testId: 'serch-box', value: 'x' } }, { timeoutMs: 500 }));
    expect(missing.observation.candidates).toEqual(['data-testid="search-box"']);
  });

  it('masks password fields and inputs holding a secret in screenshots', async () => {
    const secret = 'hunter2-secret';
    const j = open([secret]);
    await j.run('goto', { goto: '/login' });
    await j.run('fill', { fill: { label: 'Email', value: 'ada@example.test' } });
    await j.run('fill', { fill: { label: 'Password', value: secret } });
    await j.run('fill', { fill: { label: 'API token', value: secret } });
    expect(await j.run('screenshot', { screenshot: 'masked' })).toMatchObject({ status: 'passed' });
    const shot = decodePng(j.evidence.written.at(-1)?.data ?? new Uint8Array());
    const { page } = await j.attempt();

    // Every pixel of a masked field is Playwright's mask colour (#FF00FF): nothing typed shows.
    const allMask = async (selector: string): Promise<boolean> => {
      const box = await page.locator(selector).boundingBox();
      if (!box) throw new Error(`no box for ${selector}`);
      for (let y = Math.ceil(box.y) + 1; y < Math.floor(box.y + box.height) - 1; y++) {
        for (let x = Math.ceil(box.x) + 1; x < Math.floor(box.x + box.width) - 1; x++) {
          const [r, g, b] = shot.at(x, y);
          if (r !== 255 || g !== 0 || b !== 255) return false;
        }
      }
      return true;
    };
    expect(await allMask('#password')).toBe(true);
    expect(await allMask('#token')).toBe(true);
    // The control: a field holding no secret is left as it is.
    expect(await allMask('#email')).toBe(false);
  });

  it('redacts secrets from failure messages and observations', async () => {
    const secret = 'tok-5ecret-123';
    const j = open([secret]);
    const outcome = failed(await j.run('goto', { goto: `/no-such-page?token=${secret}` }));
    expect(JSON.stringify(outcome)).not.toContain(secret);
    expect(outcome.observation.url).toContain('token=***');
  });
});
