/**
 * The HTML report, end to end: two real runs of the built CLI against a hostile test server
 * share one report root, then each index.html is opened in real headless Chromium.
 *
 * Run one (no browser: PATHPROOF_CHROMIUM=/nonexistent): passed, flaky, failed (route) and
 * error journeys. Run two (Chromium): passed, flaky, failed in route, authz and frontend —
 * and `admin-xss` moves route → authz (progressed). The server's 403 body and headers, and
 * the page's title and text, carry XSS payloads that must stay text.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';
import type { RunResult } from '../src/result/types.js';

const SCRIPT_PAYLOAD = '<script>window.__pwned=1</script>';
const IMG_PAYLOAD = '<img src=x onerror="window.__pwned=1">';
const escapeForPage = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

let server: TestServer;
let phase: 'before' | 'after' = 'before';
let flakyCalls = 0;
let browser: Browser;
const root = tempDir('pathproof-html-');
const runOne = join(root, 'one');
const runTwo = join(root, 'two');
let runOneResult: { code: number | null; stdout: string; stderr: string };
let runTwoResult: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  server = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { server: 'fixture', ...headers });
      res.end(body);
    };
    if (url.pathname === '/version') return send(200, '{"version":"2.0.3"}', { 'content-type': 'application/json' });
    if (url.pathname === '/ok') return send(200, 'ok');
    if (url.pathname === '/flaky') return send(++flakyCalls % 2 === 1 ? 500 : 200, 'flaky');
    if (url.pathname === '/admin') {
      if (phase === 'before') return send(404, 'not found');
      return send(403, `denied ${SCRIPT_PAYLOAD} ${IMG_PAYLOAD}`, { 'content-type': 'text/html', 'x-note': SCRIPT_PAYLOAD, 'x-img': IMG_PAYLOAD });
    }
    if (url.pathname === '/page') {
      // The page shows the payloads as text (escaped here), so they reach the report as the
      // page's title, text and button names: exactly what a hostile target could make us record.
      return send(
        200,
        `<!doctype html><title>${escapeForPage(SCRIPT_PAYLOAD)} Checkout</title><h1>Checkout</h1>` +
          `<p>${escapeForPage(IMG_PAYLOAD)}</p><button>${escapeForPage(SCRIPT_PAYLOAD)}</button>`,
        { 'content-type': 'text/html' },
      );
    }
    send(404, 'nope');
  });
  const env = { TARGET: server.url };
  runOneResult = await runCli(['run', 'test/fixtures/html', '--report-dir', root, '--out', runOne], {
    env: { ...env, PATHPROOF_CHROMIUM: '/nonexistent' },
    timeoutMs: 120_000,
  });
  phase = 'after';
  runTwoResult = await runCli(['run', 'test/fixtures/html', '--report-dir', root, '--out', runTwo, '--after', 'rollback', '--expect-version', '2.0.3'], {
    env: { ...env, PATHPROOF_CHROMIUM: '/usr/bin/chromium' },
    timeoutMs: 120_000,
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Opened {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  requests: string[];
  url: string;
  close(): Promise<void>;
}

async function open(dir: string, options: { javaScript?: boolean; width?: number; dark?: boolean } = {}): Promise<Opened> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    javaScriptEnabled: options.javaScript ?? true,
    colorScheme: options.dark ? 'dark' : 'light',
  });
  const page = await context.newPage();
  const opened: Opened = { page, consoleErrors: [], pageErrors: [], requests: [], url: pathToFileURL(join(dir, 'index.html')).href, close: () => context.close() };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') opened.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => opened.pageErrors.push(e.message));
  page.on('request', (r) => opened.requests.push(r.url()));
  await page.goto(opened.url);
  return opened;
}

function readRun(dir: string): RunResult {
  return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunResult;
}

/** The ladder of a journey's section as `phase status` pairs. */
async function ladder(page: Page, journey: string): Promise<string[]> {
  return page.locator(`#journey-${journey} .how-far .ladder li`).evaluateAll((items) => items.map((li) => `${li.getAttribute('data-phase')} ${li.getAttribute('data-status')}`));
}

async function visibleSections(page: Page): Promise<string[]> {
  return page.locator('main section.journey:visible').evaluateAll((sections) => sections.map((s) => s.id));
}

describe('the runs behind the report', () => {
  it('ran both runs to the expected verdicts', () => {
    expect(runOneResult.code, runOneResult.stderr).toBe(1);
    expect(runTwoResult.code, runTwoResult.stderr).toBe(1);
    expect(readRun(runOne).counts).toEqual({ passed: 1, degraded: 0, flaky: 1, failed: 2, error: 1, skipped: 0 });
    expect(readRun(runTwo).counts).toEqual({ passed: 1, degraded: 0, flaky: 1, failed: 3, error: 0, skipped: 0 });
    expect(existsSync(join(runOne, 'index.html'))).toBe(true);
    expect(existsSync(join(runTwo, 'index.html'))).toBe(true);
  });
});

describe('index.html of a run with passed, flaky, failed (route, authz, frontend) journeys', () => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open(runTwo);
  });
  afterAll(() => opened?.close());

  it('states the verdict in words with the trigger', async () => {
    await expect(opened.page.locator('#verdict').textContent()).resolves.toBe('3 of 5 user paths broken after rollback to 2.0.3');
    const meta = await opened.page.locator('.verdict .meta').innerText();
    expect(meta).toContain('after rollback');
    expect(meta).toContain('expects 2.0.3');
  });

  it('lists failures first, then flaky, then passed', async () => {
    const order = await opened.page.locator('.overview tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-outcome')));
    expect(order).toEqual(['failed', 'failed', 'failed', 'flaky', 'passed']);
  });

  it.each([
    ['ok-api', 'passed', undefined, ['runtime passed', 'entry passed', 'open none', 'action none', 'result none']],
    ['flaky-api', 'flaky', 'app', ['entry failed', 'open none', 'action none', 'result none']],
    ['missing-route', 'failed', 'route', ['entry passed', 'open failed', 'action none', 'result none']],
    ['admin-xss', 'failed', 'authz', ['entry passed', 'open none', 'action failed', 'result none']],
    ['checkout-page', 'failed', 'frontend', ['entry passed', 'open none', 'action failed', 'result none']],
  ])('shows %s as %s with its layer badge and ladder', async (name, outcome, layer, rungs) => {
    const section = opened.page.locator(`#journey-${name}`);
    await expect(section.getAttribute('data-outcome')).resolves.toBe(outcome);
    await expect(section.locator('[data-testid="outcome"]').textContent()).resolves.toBe(outcome);
    if (layer) await expect(section.locator('.jhead [data-testid="layer"]').textContent()).resolves.toBe(layer);
    else await expect(section.locator('.jhead [data-testid="layer"]').count()).resolves.toBe(0);
    await expect(ladder(opened.page, name)).resolves.toEqual(rungs);
  });

  it('shows the failing assertion, the hint, the transition and runtime truth', async () => {
    const section = opened.page.locator('#journey-admin-xss');
    const text = await section.innerText();
    expect(text).toContain('status (403) == 200');
    expect(text).toContain('403 on GET /admin');
    expect(text).toContain('404 → 403 progressed: route → authz');
    expect(text).toContain('server: fixture');
    await expect(opened.page.locator('#journey-ok-api').innerText()).resolves.toMatch(/version\s+2\.0\.3 expected 2\.0\.3/);
  });

  it('keeps every attempt of a flaky journey', async () => {
    const rows = opened.page.locator('#journey-flaky-api table.attempts tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.nth(0).innerText()).resolves.toContain('status (500) == 200');
  });

  it('shows browser evidence: the inlined screenshot, the page, and HTTP timing bars', async () => {
    const img = opened.page.locator('#journey-checkout-page figure img');
    await expect(img.getAttribute('src')).resolves.toMatch(/^data:image\/png;base64,/);
    await expect(img.evaluate((el: HTMLImageElement) => el.naturalWidth)).resolves.toBeGreaterThan(0);
    await expect(opened.page.locator('#journey-checkout-page').innerText()).resolves.toContain('role=button[name="Pay"]');
    await expect(opened.page.locator('#journey-missing-route .steps svg rect').count()).resolves.toBeGreaterThan(0);
  });

  it('escapes everything the target sent: no payload runs, it reads as text', async () => {
    await expect(opened.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).resolves.toBeUndefined();
    // The payloads are on the page as text (body, headers, title, page text)…
    const body = await opened.page.locator('#journey-admin-xss [data-testid="body"]').textContent();
    expect(body).toContain(SCRIPT_PAYLOAD);
    expect(body).toContain(IMG_PAYLOAD);
    const headers = await opened.page.locator('#journey-admin-xss details pre').first().textContent();
    expect(headers).toContain(`x-note: ${SCRIPT_PAYLOAD}`);
    await expect(opened.page.locator('#journey-checkout-page').innerText()).resolves.toContain(`${SCRIPT_PAYLOAD} Checkout`);
    // …and never became elements: one script (ours), no image pointing at "x".
    await expect(opened.page.locator('script').count()).resolves.toBe(1);
    await expect(opened.page.locator('img[src="x"]').count()).resolves.toBe(0);
    const raw = readFileSync(join(runTwo, 'index.html'), 'utf8');
    expect(raw).not.toContain(SCRIPT_PAYLOAD);
    expect(raw).not.toContain('<img src=x');
  });

  it('has a strict CSP, no console errors and no requests but the file itself', async () => {
    const csp = await opened.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.requests).toEqual([opened.url]);
  });

  it('filters by outcome and layer, and "Show all" restores everything', async () => {
    const { page } = opened;
    await expect(page.locator('#filter').isVisible()).resolves.toBe(true);
    await page.selectOption('#filter select[name="outcome"]', 'failed');
    await expect(visibleSections(page).then((s) => s.sort())).resolves.toEqual(['journey-admin-xss', 'journey-checkout-page', 'journey-missing-route']);
    await expect(page.locator('.overview tbody tr:visible').count()).resolves.toBe(3);
    await page.selectOption('#filter select[name="layer"]', 'authz');
    await expect(visibleSections(page)).resolves.toEqual(['journey-admin-xss']);
    await expect(page.locator('#shown').textContent()).resolves.toBe('1 journey shown');
    await page.selectOption('#filter select[name="outcome"]', 'passed');
    await expect(visibleSections(page)).resolves.toEqual([]);
    await page.click('#filter button[type="reset"]');
    await expect.poll(() => visibleSections(page).then((s) => s.length)).toBe(5);
  });

  it('has anchors per journey that survive copying, even when the filter hides the journey', async () => {
    const { page } = opened;
    await expect(page.locator('.overview a[href="#journey-checkout-page"]').count()).resolves.toBe(1);
    await page.selectOption('#filter select[name="outcome"]', 'passed');
    await page.goto(`${opened.url}#journey-checkout-page`);
    await expect.poll(() => page.locator('#journey-checkout-page').isVisible()).toBe(true);
  });

  it('is readable without JavaScript: every journey shown, no dead filter', async () => {
    const noJs = await open(runTwo, { javaScript: false });
    try {
      await expect(noJs.page.locator('main section.journey:visible').count()).resolves.toBe(5);
      await expect(noJs.page.locator('#filter').isVisible()).resolves.toBe(false);
      expect(noJs.consoleErrors).toEqual([]);
    } finally {
      await noJs.close();
    }
  });

  it('fits a phone: no horizontal scrolling of the page', async () => {
    const phone = await open(runTwo, { width: 390, dark: true });
    try {
      const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await phone.page.screenshot({ path: join(root, 'report-phone-dark.png'), fullPage: false });
    } finally {
      await phone.close();
    }
  });

  it('saves a screenshot of the report as a test artifact', async () => {
    const file = join(root, 'report-1280.png');
    await opened.page.goto(opened.url);
    await opened.page.screenshot({ path: file, fullPage: true });
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    console.log(`html report screenshots: ${file}, ${join(root, 'report-phone-dark.png')}`);
  });
});

describe('index.html of a run with an error journey', () => {
  it('says what could not be verified, apart from what is broken', async () => {
    const opened = await open(runOne);
    try {
      await expect(opened.page.locator('#verdict').textContent()).resolves.toBe('2 of 5 user paths broken, 1 could not be verified');
      const section = opened.page.locator('#journey-checkout-page');
      await expect(section.getAttribute('data-outcome')).resolves.toBe('error');
      await expect(ladder(opened.page, 'checkout-page')).resolves.toEqual(['entry error', 'open none', 'action skipped', 'result none']);
      const text = await section.innerText();
      expect(text).toContain('Could not verify');
      expect(text).toContain('PATHPROOF_CHROMIUM=/nonexistent');
      await expect(opened.page.locator('#journey-admin-xss [data-testid="layer"]').first().textContent()).resolves.toBe('route');
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.requests).toEqual([opened.url]);
    } finally {
      await opened.close();
    }
  });
});

describe('pathproof report', () => {
  it('prints the latest run of the report root and the path of its HTML (exit 0)', async () => {
    const result = await runCli(['report', '--report-dir', root]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(readRun(runTwo).runId);
    expect(result.stdout).toMatch(/✗ admin-xss\s+failed/);
    expect(result.stdout).toContain('route → authz');
    expect(result.stdout).toContain('1 passed, 1 flaky, 3 failed, 0 error, 0 skipped');
    expect(result.stdout).toContain(`html: ${join(runTwo, 'index.html')}`);
    expect(result.stdout).not.toContain('concurrency');
  });

  it('prints a named run directory (or its run.json)', async () => {
    const result = await runCli(['report', join(runOne, 'run.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(readRun(runOne).runId);
    expect(result.stdout).toMatch(/! checkout-page\s+error/);
    expect(result.stdout).toContain(`html: ${join(runOne, 'index.html')}`);
  });

  it('writes a missing index.html from run.json', async () => {
    const dir = join(tempDir('pathproof-html-copy-'), 'run');
    await runCli(['run', 'test/fixtures/html/ok-api.yaml', '--out', dir, '--report-dir', join(dir, '..')], { env: { TARGET: server.url } });
    rmSync(join(dir, 'index.html'));
    const result = await runCli(['report', dir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('(written now from run/run.json)');
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('All 1 user path work');
  });

  it.each([
    ['a directory without run.json', (dir: string) => dir, /no run\.json in /],
    ['a corrupt run.json', (dir: string) => (writeFileSync(join(dir, 'run.json'), '{"schemaVersion": 1, "jour'), dir), /is not valid JSON/],
    ['a run.json of another shape', (dir: string) => (writeFileSync(join(dir, 'run.json'), '{"schemaVersion": 9}'), dir), /not a pathproof run record: schemaVersion 9/],
    [
      'a failed attempt without its failure (edited by hand)',
      (dir: string) => (
        writeFileSync(
          join(dir, 'run.json'),
          JSON.stringify({ schemaVersion: 1, runId: 'r', counts: {}, journeys: [{ name: 'refund', outcome: 'failed', layer: 'app', failure: { layer: 'app' }, attempts: [{ outcome: 'failed', steps: [] }] }] }),
        ),
        dir
      ),
      /not a pathproof run record: journeys\[0\]\.attempts\[0\] \(refund\) failed without a failure \(layer, hint\)/,
    ],
    [
      'a journey with an outcome this version does not know',
      (dir: string) => (writeFileSync(join(dir, 'run.json'), JSON.stringify({ schemaVersion: 1, runId: 'r', counts: {}, journeys: [{ name: 'home', outcome: 'meh', attempts: [] }] })), dir),
      /not a pathproof run record: journeys\[0\] \(home\) has outcome "meh"/,
    ],
  ])('exits 2 with a clear message for %s', async (_what, prepare, message) => {
    const dir = prepare(tempDir('pathproof-html-bad-'));
    const result = await runCli(['report', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 when the report root holds no runs', async () => {
    const empty = tempDir('pathproof-html-empty-');
    const result = await runCli(['report', '--report-dir', empty]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`no runs in ${empty}`);
  });
});
