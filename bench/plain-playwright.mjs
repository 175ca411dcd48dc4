// Floor: the browser benchmark's journeys as a hand-written Playwright script: one browser,
// a fresh context per journey, the same Chromium and launch arguments as pathproof.
// Usage: node bench/plain-playwright.mjs <baseUrl> <journeys> <concurrency> <shared|per-journey>
// The browser comes from PATHPROOF_CHROMIUM (bench/run.mjs sets it to the one pathproof discovers).
import { chromium } from 'playwright-core';
import { LAUNCH_ARGS } from '../dist/steps/browser/session.js';

const [base, journeysArg, concurrencyArg, mode = 'shared'] = process.argv.slice(2);
const journeys = Number(journeysArg);
const concurrency = Number(concurrencyArg);
const launchOptions = { executablePath: process.env.PATHPROOF_CHROMIUM || '/usr/bin/chromium', args: [...LAUNCH_ARGS] };

const shared = mode === 'shared' ? await chromium.launch(launchOptions) : undefined;
let next = 0;
async function journey() {
  const browser = shared ?? (await chromium.launch(launchOptions));
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByRole('link', { name: 'Checkout' }).click();
  await page.getByLabel('Amount').fill('120');
  await page.getByRole('button', { name: 'Pay' }).click();
  await page.getByText('Paid 120').waitFor();
  await context.close();
  if (!shared) await browser.close();
}
async function worker() {
  while (next < journeys) {
    next++;
    await journey();
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
await shared?.close();
