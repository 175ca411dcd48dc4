// The browser benchmark's journey as Playwright Test specs: BENCH_JOURNEYS tests, each in
// a fresh context (Playwright Test's default), spread over the workers (fullyParallel).
import { expect, test } from '@playwright/test';

const journeys = Number(process.env.BENCH_JOURNEYS ?? 12);
for (let i = 0; i < journeys; i++) {
  test(`browser-${i}`, async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Checkout' }).click();
    await page.getByLabel('Amount').fill('120');
    await page.getByRole('button', { name: 'Pay' }).click();
    await expect(page.getByText('Paid 120')).toBeVisible();
  });
}
