// Peer: Playwright Test running the browser benchmark's journeys (bench/run.mjs runs it).
// The same Chromium as pathproof (PATHPROOF_CHROMIUM, set by bench/run.mjs to the one
// pathproof discovers; nothing is downloaded) and the same launch arguments; no traces,
// screenshots or videos, the quiet `dot` reporter; BENCH_WORKERS workers.
import { LAUNCH_ARGS } from '../../dist/steps/browser/session.js';

export default {
  testDir: '.',
  testMatch: 'checkout.spec.mjs',
  fullyParallel: true,
  workers: Number(process.env.BENCH_WORKERS ?? 4),
  retries: 0,
  reporter: 'dot',
  outputDir: process.env.BENCH_OUT_DIR,
  use: {
    baseURL: process.env.BENCH_TARGET,
    launchOptions: { executablePath: process.env.PATHPROOF_CHROMIUM || '/usr/bin/chromium', args: [...LAUNCH_ARGS] },
    trace: 'off',
    screenshot: 'off',
    video: 'off',
  },
};
