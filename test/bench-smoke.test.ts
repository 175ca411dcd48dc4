/**
 * `npm run bench` is not asserted anywhere (speed is measured, never timed in tests), so a
 * renamed module could break it silently — it did once. This runs the whole HTTP and browser
 * parts on a few journeys: pathproof, the plain undici and Playwright floors, the in-process
 * comparison and both peers (Step CI, Playwright Test) must each run to a passing exit and give
 * their row. The figures of so small a load mean nothing and are not looked at.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runNode } from './helpers.js';

describe('npm run bench, on a few journeys', () => {
  it('every floor and peer of the HTTP and browser parts runs and gives its row', async () => {
    const { code, stdout, stderr } = await runNode(join(ROOT, 'bench/run.mjs'), [], {
      // The bench finds Chromium and its peers as a developer's shell would.
      env: { ...process.env, BENCH_ONLY: 'http,browser', BENCH_SMOKE: '1', BENCH_REPEAT: '1', BENCH_HTTP_JOURNEYS: '3', BENCH_BROWSER_JOURNEYS: '2' },
      timeoutMs: 170_000,
    });
    const output = stdout + stderr;
    expect(code, output).toBe(0);
    for (const row of [
      /\| HTTP in-process: runner, 3 journeys .*\| plain undici loop \d+ ms \(\*\*[\d.]+×\*\*\)/,
      /\| HTTP whole process: .*\| plain undici script \d+ ms .*\| Step CI, one workflow [\d.]+ m?s/,
      /\| Browser: 2 journeys .*\| Playwright script, one browser, a context each [\d.]+ m?s .*\| Playwright Test, 4 workers [\d.]+ m?s/,
      /\| Browser: the Playwright script with one browser per journey \|/,
      /\| Browser: `pathproof run` of one browser journey, start to exit \|/,
    ]) {
      expect(output).toMatch(row);
    }
  }, 180_000);
});
