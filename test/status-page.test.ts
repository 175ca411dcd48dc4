/**
 * The status page in real Chromium, against the built CLI: sign in through the form, watch
 * a journey broken on purpose turn down with its layer, move from 404 to 401, and recover —
 * all without a reload; readable at phone width, light and dark; no console error (a CSP
 * violation would be one), no request to anywhere but serve.
 *
 * `PATHPROOF_STATUS_SCREENSHOT=docs/status-page.png` writes the picture the README shows
 * (`npm run docs:status-screenshot`); otherwise it goes to a temporary directory.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';
import { startServe } from './fixtures/serve/process.js';
import type { ServeProcess } from './fixtures/serve/process.js';

const TOKEN = 'status-page-t0ken';
let mode: 'ok' | 'route' | 'auth' = 'ok';
let target: TestServer;
let browser: Browser;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  target = await startServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      void res.writeHead(status, { 'content-type': 'application/json', server: 'shop-api', ...headers }).end(JSON.stringify(body));
    if (path === '/version') return json(200, { version: '2.0.3' });
    if (path === '/api/refunds' && mode === 'route') return json(404, { error: 'not found' });
    if (path === '/api/refunds' && mode === 'auth') return json(401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer' });
    json(200, { ok: true });
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}, 60_000);

afterAll(async () => {
  serve?.kill();
  await Promise.all([target?.close(), browser?.close()]);
});

function journeys(dir: string): string {
  const root = join(dir, 'journeys');
  mkdirSync(root);
  const write = (name: string, extra: string, path = '/healthz') =>
    writeFileSync(
      join(root, `${name}.yaml`),
      `name: ${name}\n${extra}target: \${TARGET}\nschedule: "*/2 * * * * *"\nentry:\n  - request: GET ${path}\n    expect: { status: 200 }\n`,
    );
  write('login', 'protects: identity\ntags: [web, auth]\n', '/login');
  write(
    'refund-api',
    'protects: data\ntags: [api]\nruntime:\n  version: { request: GET /version, json: $.version, expect: "2.0.3" }\n',
    '/api/refunds',
  );
  write('order-history', 'protects: data\ntags: [api]\n', '/api/orders');
  write('home-page', 'protects: code\ntags: [web]\n', '/');
  write('search', 'tags: [web]\n', '/search?q=boots');
  writeFileSync(join(dir, 'pathproof.yaml'), 'maintenance:\n  - { cron: "0 2 * * SUN", duration: 1h, timezone: Europe/Berlin, name: weekly patching }\n');
  return root;
}

const state = (page: Page, journey: string) => page.locator(`article[data-journey="${journey}"]`).getAttribute('data-state');

describe('the status page in Chromium', () => {
  it('signs in, shows a broken journey with its layer, follows it to 401 and back without a reload', async () => {
    const dir = tempDir('pathproof-status-page-');
    serve = await startServe([journeys(dir), '--report-dir', join(dir, 'reports'), '--token', TOKEN, '--config', join(dir, 'pathproof.yaml')], {
      TARGET: target.url,
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      // The sign-in page answers 401 on purpose (Chromium logs every 4xx document).
      if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(serve?.url ?? '')) problems.push(`request elsewhere: ${request.url()}`);
    });

    // Signed out: the sign-in form, then the page.
    const first = await page.goto(`${serve.url}/`);
    expect(first?.status()).toBe(401);
    await page.getByLabel('Token').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('That is not the token');
    await page.getByLabel('Token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${serve.url}/`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/user paths/);
    const cookies = await context.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'pathproof_session', httpOnly: true, sameSite: 'Strict' })]);

    // Everything up, grouped identity first.
    await expect.poll(() => state(page, 'refund-api'), { timeout: 30_000 }).toBe('up');
    const groups = await page.locator('section.group > h2').allTextContents();
    expect(groups[0]).toBe('protects identity');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    // Broken on purpose: the page turns refund-api down at the route layer, by itself.
    mode = 'route';
    await expect.poll(() => state(page, 'refund-api'), { timeout: 40_000 }).toBe('down');
    const card = page.locator('article[data-journey="refund-api"]');
    expect(await card.getByTestId('layer').textContent()).toBe('route');
    expect(await card.getByTestId('hint').textContent()).toMatch(/^404 on GET \/api\/refunds/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('1 of 5 user paths down');

    // The fix advanced a layer: 404 → 401, told in the story.
    mode = 'auth';
    await expect.poll(() => card.getByTestId('layer').textContent(), { timeout: 40_000 }).toBe('auth');
    await expect.poll(() => page.locator('.story li[data-kind="progressed"]').first().textContent(), { timeout: 20_000 }).toContain('404 → 401  progressed: route → auth');
    expect(await card.locator('.facts').textContent()).toContain('2.0.3');

    const shot = process.env.PATHPROOF_STATUS_SCREENSHOT ? resolve(ROOT, process.env.PATHPROOF_STATUS_SCREENSHOT) : join(dir, 'status-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(10_000);

    // Phone width: nothing wider than the screen. Dark: the dark palette.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(15, 18, 22)');
    await page.screenshot({ path: join(dir, 'status-page-phone-dark.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });

    // Healthy again: up, and the story says so.
    mode = 'ok';
    await expect.poll(() => state(page, 'refund-api'), { timeout: 40_000 }).toBe('up');
    await expect.poll(() => page.locator('.story li[data-kind="up"]').count(), { timeout: 20_000 }).toBeGreaterThan(0);

    // No reload happened in all this: the marker set before the break is still there.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await page.locator('#live').textContent()).toBe('live');

    // A run's report opens from the strip, inside serve, with the session.
    const href = await card.locator('.strip a').last().getAttribute('href');
    const report = await page.goto(`${serve.url}${href ?? ''}`);
    expect(report?.status()).toBe(200);
    expect(await page.title()).toMatch(/pathproof/);

    expect(problems).toEqual([]);
    await context.close();
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  }, 180_000);
});
