// `npm run bench`: pathproof's speed next to a floor (the same work hand-written on the same
// library) and a peer (another tool doing the same work), all measured in the same run,
// against the same target, on the same machine; whole processes, median of BENCH_REPEAT.
// Nothing here is asserted in tests; the README reports the figures (issue #16).
//
//   BENCH_ONLY=http,cli,browser,soak,serve   parts to run (default: all)
//   BENCH_REPEAT=5                     repetitions per figure (default 3, after one warm-up)
//   BENCH_HTTP_JOURNEYS, BENCH_BROWSER_JOURNEYS, BENCH_SMOKE=1   the smoke test: small loads, one run each
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stepciWorkflow } from './stepci-workflow.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const STEPCI = join(ROOT, 'node_modules/stepci/dist/index.js');
const PLAYWRIGHT_TEST = join(ROOT, 'node_modules/@playwright/test/cli.js');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const only = (process.env.BENCH_ONLY ?? 'http,cli,browser,soak,serve').split(',').map((part) => part.trim());

// The sizes the targets are stated for; smaller ones only for test/bench-smoke.test.ts, which runs
// every script of the bench on a few journeys so a rename cannot break it silently.
const HTTP_JOURNEYS = Number(process.env.BENCH_HTTP_JOURNEYS ?? 100);
const HTTP_CONCURRENCY = 16;
const BROWSER_JOURNEYS = Number(process.env.BENCH_BROWSER_JOURNEYS ?? 12);
const BROWSER_CONCURRENCY = 4;
/** BENCH_SMOKE=1: every figure from one run (no warm-up, no median); for the smoke test only. */
const SMOKE = process.env.BENCH_SMOKE === '1';

// --- measuring ---------------------------------------------------------------------------------

/** Proportional set size (shared pages split between their users) of a process tree, in bytes. */
function treePss(rootPid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  let bytes = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop();
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = /^Pss:\s+(\d+) kB/m.exec(rollup);
      if (kb) bytes += Number(kb[1]) * 1024;
    } catch {
      // gone meanwhile, or not ours to read
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return bytes;
}

/**
 * Runs a command to its exit; resolves its wall time in ms (and, with `memory`, the peak PSS
 * of its process tree, sampled every 100 ms). A non-zero exit fails the bench: a figure for
 * work that did not pass is no figure.
 */
function timed(command, args, { env = {}, memory = false } = {}) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let peak = 0;
    const sampler = memory ? setInterval(() => (peak = Math.max(peak, treePss(child.pid))), 100) : undefined;
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - start;
      clearInterval(sampler);
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`));
      else resolve({ ms, peakBytes: peak });
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * One warm-up (page cache, target sockets), then the median of REPEAT runs. With `memory`,
 * one more run samples the peak memory: sampling costs CPU, so it never runs during a timed one.
 */
async function measure(command, args, { memory = false, ...options } = {}) {
  // The smoke test: one run, sampled, so each script is exercised once.
  if (SMOKE) return timed(command, args, { ...options, memory });
  await timed(command, args, options);
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push((await timed(command, args, options)).ms);
  const peakBytes = memory ? (await timed(command, args, { ...options, memory: true })).peakBytes : 0;
  return { ms: median(runs), peakBytes };
}
const node = (args, options) => measure(process.execPath, args, options);

// --- the table ---------------------------------------------------------------------------------

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const mib = (bytes) => `${Math.round(bytes / 2 ** 20)} MiB`;
const rows = [];
/**
 * A row: what, pathproof's figure, the floor and the peer (each `{ label, value, ratio }`), and
 * the targets, each `{ text, met }` (met undefined: reported, not judged).
 */
const row = (what, ours, floor, peer, targets = []) => rows.push({ what, ours, floor, peer, targets });
const ref = (label, value, ratio) => ({ label, value, ratio });
const goal = (text, met) => ({ text, met });

async function startTarget() {
  const child = spawn(process.execPath, [join(ROOT, 'bench/target-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    child.once('exit', (code) => reject(new Error(`target exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

/** The Chromium pathproof would use here (PATHPROOF_CHROMIUM, Playwright's cache, PATH), or why none. */
async function chromiumPath() {
  const { discoverBrowser } = await import('../dist/steps/browser/discover.js');
  const { chromium } = await import('playwright-core');
  try {
    const source = discoverBrowser({ env: process.env, playwrightExecutable: () => chromium.executablePath() });
    return source.kind === 'executable' ? { path: source.path } : { why: 'PATHPROOF_BROWSER_WS is set (a remote browser)' };
  } catch (error) {
    return { why: error.message };
  }
}

const loadBefore = loadavg()[0];
const work = mkdtempSync(join(tmpdir(), 'pathproof-bench-'));
const target = await startTarget();
try {
  if (only.includes('http')) {
    const dir = join(work, 'http');
    mkdirSync(dir);
    for (let i = 0; i < HTTP_JOURNEYS; i++) {
      writeFileSync(
        join(dir, `j${i}.yaml`),
        `name: http-${i}\ntarget: ${target.url}\nentry:\n  - request: GET /api/a\n    expect: { status: 200, json: { $.ok: true } }\n  - request: GET /api/b\n    expect: { status: 200, json: { $.ok: true } }\nresult:\n  - request: GET /api/items/${i}\n    expect: { status: 200, json: { $.ok: true } }\n`,
      );
    }
    const { benchInProcess } = await import('./inproc-http.mjs');
    const inproc = await benchInProcess({ dir, targetUrl: target.url, journeys: HTTP_JOURNEYS, concurrency: HTTP_CONCURRENCY, repeat: SMOKE ? 1 : Math.max(REPEAT, 7) });
    const inprocRatio = inproc.oursMs / inproc.plainMs;
    row(`HTTP in-process: runner, ${HTTP_JOURNEYS} journeys × 3 requests, concurrency ${HTTP_CONCURRENCY}`, fmt(inproc.oursMs), ref('plain undici loop', fmt(inproc.plainMs), inprocRatio), undefined, [
      goal('≤ 1.30× floor', inprocRatio <= 1.3),
    ]);

    const ours = await node([CLI, 'run', dir, '--concurrency', String(HTTP_CONCURRENCY), '--quiet', '--out', join(work, 'http-out')], { memory: true });
    const plain = await node([join(ROOT, 'bench/plain-undici.mjs'), target.url, String(HTTP_JOURNEYS), String(HTTP_CONCURRENCY)]);
    const workflow = join(work, 'stepci.yml');
    writeFileSync(workflow, stepciWorkflow(target.url, HTTP_JOURNEYS, HTTP_CONCURRENCY));
    mkdirSync(join(work, 'xdg'));
    // No analytics ping, and Step CI's config file (an anonymous id) stays in the bench's temporary directory.
    const stepci = await node([STEPCI, 'run', workflow], { env: { STEPCI_DISABLE_ANALYTICS: '1', XDG_CONFIG_HOME: join(work, 'xdg') } });
    const floorRatio = ours.ms / plain.ms;
    const peerRatio = ours.ms / stepci.ms;
    row(
      `HTTP whole process: \`pathproof run\`, the same ${HTTP_JOURNEYS} journeys (every report written)`,
      fmt(ours.ms),
      ref('plain undici script', fmt(plain.ms), floorRatio),
      ref('Step CI, one workflow', fmt(stepci.ms), peerRatio),
      [goal('≤ 1.5× floor', floorRatio <= 1.5), goal('≤ 0.33× Step CI', peerRatio <= 0.33)],
    );
    row(`HTTP: peak memory of that run (PSS), per concurrent journey`, mib(ours.peakBytes / HTTP_CONCURRENCY), ref(`whole run, ${HTTP_CONCURRENCY} at once`, mib(ours.peakBytes)), undefined, [
      goal('hosted runners budget ≈ 200 MiB per API run', undefined),
    ]);
  }

  if (only.includes('cli')) {
    const nodeStart = await node(['-e', '']);
    const one = join(work, 'one');
    mkdirSync(one);
    writeFileSync(join(one, 'one.yaml'), `name: one\ntarget: ${target.url}\nentry:\n  - request: GET /api/a\n    expect: { status: 200 }\n`);
    const startup = await node([CLI, 'run', one, '--quiet', '--out', join(work, 'one-out')]);
    row('`pathproof run` of one HTTP journey, start to exit', fmt(startup.ms), ref("`node -e ''`", fmt(nodeStart.ms), startup.ms / nodeStart.ms), undefined, [goal('≤ 0.25 s', startup.ms <= 250)]);

    for (const count of [100, 500]) {
      const dir = join(work, `validate-${count}`);
      mkdirSync(dir);
      for (let i = 0; i < count; i++) {
        writeFileSync(
          join(dir, `j${i}.yaml`),
          `name: journey-${i}\ntags: [api]\ntarget: http://127.0.0.1:1\ntimeout: 30s\nentry:\n  - request: GET /api/items\n    expect:\n      status: 2xx\n      json: { $.count: { gte: 1 } }\n    capture:\n      id: $.items[0].id\nresult:\n  - request: GET /api/items/{{ id }}\n`,
        );
      }
      const validate = await node([CLI, 'validate', dir]);
      row(`\`pathproof validate\`, ${count} small files`, fmt(validate.ms), ref("`node -e ''`", fmt(nodeStart.ms), validate.ms / nodeStart.ms), undefined, count === 500 ? [goal('≤ 0.5 s', validate.ms <= 500)] : []);
    }
    const help = await node([CLI, '--help']);
    row('`pathproof --help`', fmt(help.ms), ref("`node -e ''`", fmt(nodeStart.ms), help.ms / nodeStart.ms), undefined, []);
  }

  if (only.includes('browser')) {
    const chromium = await chromiumPath();
    if (!chromium.path) {
      row('Browser', 'skipped', ref(chromium.why, ''), undefined, []);
    } else {
      // Everything below uses the one Chromium pathproof discovered, with pathproof's launch arguments.
      const env = { PATHPROOF_CHROMIUM: chromium.path };
      const dir = join(work, 'browser');
      mkdirSync(dir);
      for (let i = 0; i < BROWSER_JOURNEYS; i++) {
        writeFileSync(
          join(dir, `b${i}.yaml`),
          `name: browser-${i}\ntarget: ${target.url}\nentry:\n  - goto: /\n  - click: { role: link, name: Checkout }\naction:\n  - fill: { label: Amount, value: "120" }\n  - click: { role: button, name: Pay }\nresult:\n  - see: Paid 120\n`,
        );
      }
      const n = String(BROWSER_JOURNEYS);
      const c = String(BROWSER_CONCURRENCY);
      const ours = await node([CLI, 'run', dir, '--concurrency', c, '--quiet', '--out', join(work, 'browser-out')], { env, memory: true });
      const plain = await node([join(ROOT, 'bench/plain-playwright.mjs'), target.url, n, c, 'shared'], { env });
      const pwTest = await node([PLAYWRIGHT_TEST, 'test', '-c', join(ROOT, 'bench/playwright-test/playwright.config.mjs')], {
        env: { ...env, BENCH_TARGET: target.url, BENCH_JOURNEYS: n, BENCH_WORKERS: c, BENCH_OUT_DIR: join(work, 'pw-test-results') },
      });
      const floorRatio = ours.ms / plain.ms;
      const peerRatio = ours.ms / pwTest.ms;
      row(
        `Browser: ${BROWSER_JOURNEYS} journeys (goto, click, fill, click, see), ${BROWSER_CONCURRENCY} at once`,
        fmt(ours.ms),
        ref('Playwright script, one browser, a context each', fmt(plain.ms), floorRatio),
        ref(`Playwright Test, ${BROWSER_CONCURRENCY} workers`, fmt(pwTest.ms), peerRatio),
        [goal('≤ 1.15× floor', floorRatio <= 1.15), goal('≤ 0.75× Playwright Test', peerRatio <= 0.75)],
      );
      row('Browser: peak memory of that run (PSS, pathproof + Chromium), per concurrent journey', mib(ours.peakBytes / BROWSER_CONCURRENCY), ref(`whole run, ${BROWSER_CONCURRENCY} at once`, mib(ours.peakBytes)), undefined, [
        goal('hosted runners budget ≈ 1 GiB per concurrent browser run', undefined),
      ]);
      const perJourney = await node([join(ROOT, 'bench/plain-playwright.mjs'), target.url, n, c, 'per-journey'], { env });
      row('Browser: the Playwright script with one browser per journey', fmt(perJourney.ms), ref('one browser', fmt(plain.ms), perJourney.ms / plain.ms), undefined, [goal('(why pathproof shares one browser)', undefined)]);
      const cold = await node([CLI, 'run', join(dir, 'b0.yaml'), '--quiet', '--out', join(work, 'cold-out')], { env });
      row('Browser: `pathproof run` of one browser journey, start to exit', fmt(cold.ms), undefined, undefined, []);
    }
  }

  if (only.includes('soak') && existsSync(join(ROOT, 'bench/soak.mjs'))) {
    const { runSoak } = await import('./soak.mjs');
    const soak = await runSoak({ targetUrl: target.url });
    const growth = soak.endMb / soak.startMb;
    row(`Serve soak: ${soak.runs} runs after warm-up, RSS`, `${soak.endMb.toFixed(0)} MiB`, ref('at start', `${soak.startMb.toFixed(0)} MiB`, growth), undefined, [goal('growth < 15 %', growth < 1.15)]);
    row('Serve soak: JS heap', `${soak.heapEndMb.toFixed(1)} MiB`, ref('at start', `${soak.heapStartMb.toFixed(1)} MiB`, soak.heapEndMb / soak.heapStartMb), undefined, []);
  }

  if (only.includes('serve')) {
    const { runServeLoad } = await import('./serve-load.mjs');
    const load = await runServeLoad({ targetUrl: target.url });
    const growth = load.rssSecondHalfPeakMb / load.rssFirstHalfPeakMb;
    row(
      `Serve: ${load.journeys} HTTP journeys on one-minute schedules (--jitter 55s), ${load.minutes} min`,
      `CPU ${load.cpuPct.toFixed(1)} % of a core`,
      ref(`${Math.round(load.runsPerMinute)} runs a minute after the first; RSS peak ${load.rssFirstHalfPeakMb.toFixed(0)} MiB, then ${load.rssSecondHalfPeakMb.toFixed(0)} MiB; live heap low-water ${load.heapFirstHalfLowMb.toFixed(0)} MiB, then ${load.heapSecondHalfLowMb.toFixed(0)} MiB`, '', growth),
      undefined,
      [goal('CPU and RSS reported; RSS flat (peak growth < 15 %)', growth < 1.15 && load.failed === 0)],
    );
  }
} finally {
  target.stop();
  rmSync(work, { recursive: true, force: true });
}

// --- output: a Markdown table, ready for the README --------------------------------------------

const cpu = cpus()[0]?.model?.trim() ?? 'cpu';
console.log(
  `pathproof bench · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${cpus().length} × ${cpu} · ` +
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB · node ${process.version} · median of ${REPEAT} · load average ${loadBefore.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end\n`,
);
const cell = (r) => (r === undefined ? '' : `${r.label}${r.value ? ` ${r.value}` : ''}${r.ratio === undefined ? '' : ` (**${r.ratio.toFixed(2)}×**)`}`);
const verdict = (t) => `${t.text}${t.met === undefined ? '' : t.met ? ' ✅' : ' ❌'}`;
console.log('| work | pathproof | floor | peer | targets |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.what} | ${r.ours} | ${cell(r.floor)} | ${cell(r.peer)} | ${r.targets.map(verdict).join(' · ')} |`);
const judged = rows.flatMap((r) => r.targets).filter((t) => t.met !== undefined);
console.log(`\ntargets met: ${judged.filter((t) => t.met).length} of ${judged.length}`);
