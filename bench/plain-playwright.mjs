// Reference: the browser benchmark's journeys as a hand-written Playwright script.
// Usage: node bench/plain-playwright.mjs <baseUrl> <journeys> <concurrency> <shared|per-journey>
import { chromium } from 'playwright-core';

const [base, journeysArg, concurrencyArg, mode = 'shared'] = process.argv.slice(2);
const journeys = Number(journeysArg);
const concurrency = Number(concurrencyArg);
const launchOptions = {
  executablePath: process.env.PATHPROOF_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
};

const shared = mode === 'shared' ? await chromium.launch(launchOptions) : undefined;
let next = 0;
async function journey() {
  const browser = shared ?? (await chromium.launch(launchOptions));
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/`);
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
