// Soak: does `pathproof serve` keep its memory flat over many runs? Runs one HTTP journey
// in-process through the same parts `serve` composes (run service, semaphore, executeRun,
// report writers, metrics on a Registry) and prints RSS at start and end.
//
//   node bench/soak.mjs                       2000 short runs back to back (default)
//   SOAK_RUNS=500 node bench/soak.mjs         another count
//   SOAK_MINUTES=2 node bench/soak.mjs        one run every second for 2 minutes instead
//
// Without a target it starts the bundled demo app. Exits 1 when RSS grew by 15% or more.
// RSS is read after a forced GC (when available) and after a warm-up, so one-off growth
// (JIT, module loading, first sockets) is not counted as a leak.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dist = (path) => import(pathToFileURL(join(ROOT, 'dist', path)).href);

// Past every bounded cache (200 kept runs in the run service, 200 in the history index):
// filling them is by design, growth after that is a leak.
const WARMUP_RUNS = 300;
const TARGET_GROWTH = 0.15;

function collectGarbage() {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  gc();
  gc();
}

const mib = (bytes) => bytes / 2 ** 20;

/**
 * @param {{ targetUrl?: string, runs?: number, minutes?: number, log?: (line: string) => void }} [options]
 * @returns {Promise<{ runs: number, startMb: number, endMb: number, growthPct: number, heapStartMb: number, heapEndMb: number }>}
 */
export async function runSoak(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const minutes = options.minutes ?? (process.env.SOAK_MINUTES ? Number(process.env.SOAK_MINUTES) : undefined);
  const runs = options.runs ?? Number(process.env.SOAK_RUNS ?? 2000);

  const [{ executeRun }, { buildReporters }, { loadJourneyText }, { createRedactor }, { createHttpDeps }, { systemClock }, { makeRunId }, { createMetrics }, { metricsReporter }, { createSemaphore }, { createRunService }, { startDemoApp }, promClient] =
    await Promise.all([
      dist('cli/execute.js'),
      dist('cli/reporters.js'),
      dist('journey/load.js'),
      dist('journey/secrets.js'),
      dist('steps/http/dispatcher.js'),
      dist('result/clock.js'),
      dist('runner/summary.js'),
      dist('metrics/metrics.js'),
      dist('metrics/reporter.js'),
      dist('schedule/semaphore.js'),
      dist('serve/runs.js'),
      dist('demo/app.js'),
      import('prom-client'),
    ]);

  const demo = options.targetUrl ? undefined : await startDemoApp();
  const target = options.targetUrl ?? demo.url;
  const path = demo ? '/healthz' : '/api/a';
  const loaded = loadJourneyText(
    `name: soak\ntarget: ${target}\nentry:\n  - request: GET ${path}\n    expect: { status: 200 }\nresult:\n  - request: GET ${path}?again=1\n    expect: { status: 200, maxMs: 5000 }\n`,
    'soak.yaml',
    { env: {} },
  );
  if (!loaded.ok) throw new Error(`soak journey invalid: ${JSON.stringify(loaded.diagnostics)}`);
  const journey = loaded.journey;

  const reportRoot = mkdtempSync(join(tmpdir(), 'pathproof-soak-'));
  const clock = systemClock();
  const http = createHttpDeps({ clock });
  const registry = new promClient.Registry();
  const metrics = createMetrics(registry);
  metrics.initJourneys(['soak'], '');
  const redactor = createRedactor([]);
  const never = new AbortController();
  const service = createRunService({
    semaphore: createSemaphore(4),
    makeId: () => makeRunId(clock.wallNow()),
    execute: async (request) => {
      const result = await executeRun({
        runId: request.id,
        journeys: [journey],
        trigger: request.trigger,
        runDir: join(reportRoot, request.id),
        reportRoot,
        concurrency: request.concurrency,
        defaults: { journeyTimeoutMs: 30_000, stepTimeoutMs: 10_000, retries: 0 },
        reporters: [...buildReporters({ env: {} }), metricsReporter(metrics, ''), { name: 'serve', onJourneyEnd: request.onJourneyEnd }],
        clock,
        http,
        browser: async () => {
          throw new Error('the soak journey has no browser steps');
        },
        redactor,
        signal: never.signal,
        stopping: () => false,
        interrupted: () => false,
      });
      return redactor.redactDeep(result.run);
    },
  });

  let done = 0;
  let failed = 0;
  const once = async () => {
    const record = await service.wait(service.start(['soak'], { source: 'schedule' }).id);
    done++;
    if (record.run?.outcome !== 'passed') failed++;
    // Report directories are what `serve` leaves on disk by design; drop them so the
    // soak measures memory, not the page cache of 2000 directories.
    rmSync(join(reportRoot, record.id), { recursive: true, force: true });
  };

  try {
    for (let i = 0; i < WARMUP_RUNS; i++) await once();
    collectGarbage();
    const start = process.memoryUsage();
    const startedAt = performance.now();
    let measured = 0;
    if (minutes !== undefined) {
      log(`soak: one run every second for ${minutes} min against ${target}`);
      const end = startedAt + minutes * 60_000;
      while (performance.now() < end) {
        const tickStart = performance.now();
        await once();
        measured++;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (performance.now() - tickStart))));
      }
    } else {
      log(`soak: ${runs} runs back to back against ${target}`);
      for (let i = 0; i < runs; i++) {
        await once();
        measured++;
        if ((i + 1) % 500 === 0) {
          collectGarbage();
          const now = process.memoryUsage();
          log(`soak: ${i + 1} runs, RSS ${mib(now.rss).toFixed(1)} MiB, heap ${mib(now.heapUsed).toFixed(1)} MiB`);
        }
      }
    }
    await registry.metrics(); // the exposition is part of what serve does every scrape
    collectGarbage();
    const end = process.memoryUsage();
    const result = {
      runs: measured,
      failed,
      seconds: (performance.now() - startedAt) / 1000,
      startMb: mib(start.rss),
      endMb: mib(end.rss),
      growthPct: ((end.rss - start.rss) / start.rss) * 100,
      heapStartMb: mib(start.heapUsed),
      heapEndMb: mib(end.heapUsed),
    };
    log(
      `soak: ${result.runs} runs in ${result.seconds.toFixed(1)} s (${failed} not passed); ` +
        `RSS ${result.startMb.toFixed(1)} → ${result.endMb.toFixed(1)} MiB (${result.growthPct >= 0 ? '+' : ''}${result.growthPct.toFixed(1)}%), ` +
        `heap ${result.heapStartMb.toFixed(1)} → ${result.heapEndMb.toFixed(1)} MiB`,
    );
    return result;
  } finally {
    service.close();
    await service.idle();
    await http.close();
    await demo?.close();
    rmSync(reportRoot, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await runSoak({ log: (line) => console.log(line) });
  const ok = result.growthPct < TARGET_GROWTH * 100 && result.failed === 0;
  console.log(ok ? `soak: OK (growth < ${TARGET_GROWTH * 100}%)` : `soak: FAILED (target growth < ${TARGET_GROWTH * 100}%, every run passing)`);
  process.exitCode = ok ? 0 : 1;
}
