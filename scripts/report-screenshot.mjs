#!/usr/bin/env node
/**
 * Regenerates docs/report.png, the README's picture of the HTML report, from a real run, so
 * the picture stays true to the code: `npm run docs:screenshot` (builds first).
 *
 * Two demo runs share a temporary report root: `missing-route` first (the refunds route
 * 404s), then `forbidden` after a rollback to 2.0.3 (the route is back, policy denies it:
 * 403). The second report therefore shows a failure, its layer, the evidence, and the
 * transition `route → authz progressed` — the story an on-call engineer needs.
 *
 * Options: --out FILE (default docs/report.png), --full (whole page, not the first screen),
 * --dark (prefers-color-scheme: dark), --keep (leave the temporary runs and print their path).
 * Chromium: PATHPROOF_CHROMIUM, else /usr/bin/chromium, else Playwright's own.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const { values } = parseArgs({
  options: { out: { type: 'string' }, full: { type: 'boolean' }, dark: { type: 'boolean' }, keep: { type: 'boolean' } },
});
const out = resolve(values.out ?? join(ROOT, 'docs/report.png'));
const executable = process.env.PATHPROOF_CHROMIUM || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

if (!existsSync(CLI)) {
  console.error(`report-screenshot: ${CLI} is missing; run "npm run build" first`);
  process.exit(2);
}

/** Runs the built CLI; resolves with its exit code (1 is expected: the scenario is broken). */
function pathproof(args) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...(executable ? { PATHPROOF_CHROMIUM: executable } : {}) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise(code);
    });
  });
}

const work = mkdtempSync(join(tmpdir(), 'pathproof-report-shot-'));
let browser;
try {
  const before = await pathproof(['demo', '--scenario', 'missing-route', '--report-dir', work, '--out', join(work, 'before'), '--quiet']);
  const after = await pathproof([
    'demo', '--scenario', 'forbidden', '--report-dir', work, '--out', join(work, 'after'),
    '--after', 'rollback', '--expect-version', '2.0.3', '--deploy-id', 'acme-shop:2.0.3', '--quiet',
  ]);
  if (before !== 1 || after !== 1) throw new Error(`expected both demo runs to exit 1 (broken), got ${before} and ${after}`);
  const page_ = join(work, 'after', 'index.html');
  if (!existsSync(page_)) throw new Error(`${page_} was not written`);

  browser = await chromium.launch({ ...(executable ? { executablePath: executable } : {}), args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1500 }, colorScheme: values.dark ? 'dark' : 'light' });
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => r.url() !== pathToFileURL(page_).href && !r.url().startsWith('data:') && problems.push(`request: ${r.url()}`));
  await page.goto(pathToFileURL(page_).href);
  await page.screenshot({ path: out, fullPage: values.full ?? false });
  if (problems.length > 0) throw new Error(`the report is not clean:\n${problems.join('\n')}`);
  console.log(`wrote ${out}${values.keep ? ` (runs kept in ${work})` : ''}`);
} catch (error) {
  console.error(`report-screenshot: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  if (!values.keep) rmSync(work, { recursive: true, force: true });
}
