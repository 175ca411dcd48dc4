/**
 * `npm run bench` is not asserted anywhere (speed is measured, never timed in tests), so a
 * renamed module could break it silently — it did once. This runs the whole HTTP and browser
 * parts on a few journeys: pathproof, the plain undici and Playwright floors, the in-process
 * comparison and both peers (Step CI, Playwright Test) must each run to a passing exit and give
 * their row. The figures of so small a load mean nothing and are not looked at.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

function bench(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/run.mjs'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('npm run bench, on a few journeys', () => {
  it('every floor and peer of the HTTP and browser parts runs and gives its row', async () => {
    const { code, output } = await bench({ BENCH_ONLY: 'http,browser', BENCH_SMOKE: '1', BENCH_REPEAT: '1', BENCH_HTTP_JOURNEYS: '3', BENCH_BROWSER_JOURNEYS: '2' });
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
