import { defineConfig } from 'vitest/config';

/**
 * Three projects, all run by `npm test` (and CI):
 * - unit: src/**, pure logic, drivers against real servers on 127.0.0.1 and real Chromium;
 * - e2e:  test/**, the built CLI as a process against real servers, proxies and engines;
 * - slow: the fuzzer, the overload soak and the third-party verdict corpus.
 * While working: `npx vitest run --project unit` (about a minute), then the rest.
 */
const SLOW = ['src/journey/load.fuzz.test.ts', 'test/overload.test.ts', 'test/corpus/**/*.test.ts'];

export default defineConfig({
  test: {
    // Real servers and a real browser: give I/O tests room, but never hang CI.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: SLOW } },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.test.ts'], exclude: SLOW } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
