// The demo pages in a real Chromium, located exactly as journeys/refund-request.yaml and
// journeys/home-page.yaml locate them: if a label or a name drifts here, the journeys break.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp, type DemoApp } from './app.js';
import type { ScenarioName } from './scenarios.js';

// Debian's chromium when present (this box, CI images), else Playwright's own download.
const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const STEP_MS = 5_000;

let browser: Browser;
let app: DemoApp | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await chromium.launch(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {});
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  await app?.close();
  app = undefined;
});

/** A fresh context on a demo app in `scenario`, collecting uncaught page errors. */
async function open(scenario: ScenarioName): Promise<{ page: Page; pageErrors: string[] }> {
  app = await startDemoApp({ scenario });
  context = await browser.newContext({ baseURL: app.url });
  context.setDefaultTimeout(STEP_MS);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { page, pageErrors };
}

async function signInAndOpenOrder(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { name: 'Acme Shop' }).waitFor();
  await page.getByRole('link', { name: 'Orders' }).waitFor();
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('Email').fill('qa@example.com');
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your orders' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/orders');
  await page.getByRole('link', { name: 'Order #1001' }).click();
  await page.getByRole('heading', { name: 'Order #1001' }).waitFor();
}

async function requestRefund(page: Page): Promise<void> {
  await page.getByLabel('Amount').fill('120');
  await page.getByRole('button', { name: 'Request refund' }).click();
}

describe('demo pages in Chromium', () => {
  it('healthy: a customer signs in and requests a refund, and the API agrees (refund-request)', async () => {
    const { page, pageErrors } = await open('healthy');
    await signInAndOpenOrder(page);
    await requestRefund(page);
    await page.getByText('Refund requested').waitFor();
    const refundId = await page.getByTestId('refund-id').textContent();
    expect(refundId).toMatch(/^rf-\d+$/);

    const latest = await fetch(`${app?.url}/api/refunds/latest?orderId=1001`, {
      headers: { authorization: 'Bearer demo-token' },
    });
    expect(await latest.json()).toMatchObject({ id: refundId, orderId: '1001', amount: 120 });
    expect(pageErrors).toEqual([]);
  });

  it('healthy: Orders sends a signed-out visitor to sign in (home-page)', async () => {
    const { page, pageErrors } = await open('healthy');
    await page.goto('/');
    await page.getByRole('heading', { name: 'Acme Shop' }).waitFor();
    expect(page.url()).toMatch(/^https?:\/\/[^/]+\/$/);
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(pageErrors).toEqual([]);
  });

  it('missing-button: the amount field is there, the button is not, and nothing throws', async () => {
    const { page, pageErrors } = await open('missing-button');
    await signInAndOpenOrder(page);
    await expect(page.getByLabel('Amount').isVisible()).resolves.toBe(true);
    expect(await page.getByRole('button', { name: 'Request refund' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('wrong-text: the page confirms "Refund pending" instead', async () => {
    const { page } = await open('wrong-text');
    await signInAndOpenOrder(page);
    await requestRefund(page);
    await page.getByText('Refund pending').waitFor();
    expect(await page.getByText('Refund requested').count()).toBe(0);
  });

  it.each<[ScenarioName, string]>([
    ['forbidden', 'Refund failed: policy denied'],
    ['server-error', 'Refund failed: internal server error'],
    ['missing-route', 'Refund failed: not found'],
  ])('%s: the order page shows the error', async (scenario, message) => {
    const { page, pageErrors } = await open(scenario);
    await signInAndOpenOrder(page);
    await requestRefund(page);
    await page.getByText(message).waitFor();
    expect(await page.getByRole('alert').textContent()).toBe(message);
    expect(await page.getByText('Refund requested').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('auth-broken: sign-in is refused on the page', async () => {
    const { page, pageErrors } = await open('auth-broken');
    await page.goto('/login');
    await page.getByLabel('Email').fill('qa@example.com');
    await page.getByLabel('Password').fill('demo-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Sign-in failed: login refused').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(pageErrors).toEqual([]);
  });
});
