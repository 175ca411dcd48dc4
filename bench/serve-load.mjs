// `pathproof serve` with many HTTP journeys on one-minute schedules, as a process: its CPU use
// (share of one core) and RSS, sampled every 5 s from /proc. The first minute is warm-up
// (module loading, first sockets, the first round of report directories); the figures are
// from the minutes after it. RSS swings by a third between garbage collections, so "flat" is
// judged on peaks: the highest RSS of the second half of the measured minutes against the
// highest of the first half. RSS alone cannot tell objects kept from heap V8 keeps reserved, so
// serve's own /metrics is read at each sample too: the lowest live heap of each minute (just after
// a collection) is what the process holds, and its highest value in each half is compared the same
// way.
//
//   node bench/serve-load.mjs [targetUrl]          1000 journeys, 6 minutes (no URL: its own target)
//   SERVE_JOURNEYS=200 SERVE_MINUTES=10 node bench/serve-load.mjs <targetUrl>
//
// Used by bench/run.mjs (part `serve`). Linux only (/proc).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;
const SAMPLE_MS = 5_000;

function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat; here, after the command name, 12 and 13.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** serve's live heap (nodejs_heap_size_used_bytes, prom-client's default metric) in MiB, or undefined. */
async function heapUsedMb(metricsUrl) {
  try {
    const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(2_000) });
    const match = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(await response.text());
    return match ? Number(match[1]) / 1024 / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function rssMb(pid) {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return kb ? Number(kb[1]) / 1024 : 0;
}

/**
 * @param {{ targetUrl: string, journeys?: number, minutes?: number, log?: (line: string) => void }} options
 */
export async function runServeLoad({ targetUrl, journeys = Number(process.env.SERVE_JOURNEYS ?? 1000), minutes = Number(process.env.SERVE_MINUTES ?? 6), log = (line) => console.error(line) }) {
  const work = mkdtempSync(join(tmpdir(), 'pathproof-serve-load-'));
  const dir = join(work, 'journeys');
  mkdirSync(dir);
  for (let i = 0; i < journeys; i++) {
    writeFileSync(
      join(dir, `s${i}.yaml`),
      `name: s-${i}\ntarget: ${targetUrl}\nschedule: "* * * * *"\nentry:\n  - request: GET /api/a\n    expect: { status: 200, json: { $.ok: true } }\nresult:\n  - request: GET /api/items/${i}\n    expect: { status: 200 }\n`,
    );
  }
  // --jitter spreads each minute's ticks over 55 s, as README advises for many journeys on one schedule.
  const child = spawn(process.execPath, [CLI, 'serve', dir, '--listen', '127.0.0.1:0', '--jitter', '55s', '--report-dir', join(work, 'reports')], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let runs = 0;
  let failed = 0;
  let tail = '';
  let metricsUrl;
  child.stdout.on('data', (chunk) => {
    const text = tail + chunk;
    const lines = text.split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) {
      const listening = /listening on (http:\/\/\S+)/.exec(line);
      if (listening) metricsUrl = `${listening[1]}/metrics`;
      if (!line.includes('[schedule]') || line.includes('tick skipped')) continue;
      runs += 1;
      if (!/ passed /.test(line)) failed += 1;
    }
  });
  child.stderr.on('data', () => undefined);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const samples = [];
  const startedAt = performance.now();
  try {
    log(`serve load: ${journeys} journeys on one-minute schedules for ${minutes} min against ${targetUrl}`);
    while (performance.now() - startedAt < minutes * 60_000) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      const heap = metricsUrl ? await heapUsedMb(metricsUrl) : undefined;
      const sample = { at: (performance.now() - startedAt) / 1000, cpu: cpuSeconds(child.pid), rss: rssMb(child.pid), heap, runs };
      samples.push(sample);
      if (samples.length % 12 === 0) {
        const minute = samples.slice(-12).map((s) => s.heap).filter((mb) => mb !== undefined);
        const low = minute.length > 0 ? `, live heap low-water ${Math.min(...minute).toFixed(0)} MiB` : '';
        log(`serve load: ${(sample.at / 60).toFixed(0)} min, ${sample.runs} runs (${failed} not passed), RSS ${sample.rss.toFixed(0)} MiB${low}, CPU ${sample.cpu.toFixed(1)} s`);
      }
    }
  } finally {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(killer);
    rmSync(work, { recursive: true, force: true });
  }
  const warm = samples.find((s) => s.at >= 60) ?? samples[0];
  const end = samples.at(-1);
  const middle = warm.at + (end.at - warm.at) / 2;
  const measured = samples.filter((s) => s.at >= warm.at);
  const peak = (list) => Math.max(...list.map((s) => s.rss));
  // The live heap's low-water per minute of samples, then the highest of those in each half.
  const lowWaters = (list) => {
    const lows = [];
    for (let i = 0; i < list.length; i += 12) {
      const heaps = list.slice(i, i + 12).map((s) => s.heap).filter((mb) => mb !== undefined);
      if (heaps.length > 0) lows.push(Math.min(...heaps));
    }
    return lows.length > 0 ? Math.max(...lows) : NaN;
  };
  const result = {
    journeys,
    minutes,
    runs: end.runs,
    failed,
    runsPerMinute: ((end.runs - warm.runs) / (end.at - warm.at)) * 60,
    cpuPct: ((end.cpu - warm.cpu) / (end.at - warm.at)) * 100,
    rssWarmMb: warm.rss,
    rssEndMb: end.rss,
    rssFirstHalfPeakMb: peak(measured.filter((s) => s.at <= middle)),
    rssSecondHalfPeakMb: peak(measured.filter((s) => s.at > middle)),
    heapFirstHalfLowMb: lowWaters(measured.filter((s) => s.at <= middle)),
    heapSecondHalfLowMb: lowWaters(measured.filter((s) => s.at > middle)),
  };
  log(
    `serve load: ${result.runs} runs (${failed} not passed), ${result.runsPerMinute.toFixed(0)} a minute after warm-up; ` +
      `CPU ${result.cpuPct.toFixed(1)} % of a core; RSS ${result.rssWarmMb.toFixed(0)} MiB after the first minute, ${result.rssEndMb.toFixed(0)} MiB at the end; ` +
      `peak ${result.rssFirstHalfPeakMb.toFixed(0)} MiB in the first half of the measured minutes, ${result.rssSecondHalfPeakMb.toFixed(0)} MiB in the second; ` +
      `live heap low-water (highest minute) ${result.heapFirstHalfLowMb.toFixed(0)} MiB in the first half, ${result.heapSecondHalfLowMb.toFixed(0)} MiB in the second`,
  );
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // Without a URL, a target of its own: a child of this process, stopped with it.
  let target;
  let targetUrl = process.argv[2];
  if (!targetUrl) {
    target = spawn(process.execPath, [join(ROOT, 'bench/target-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise((resolve, reject) => {
      target.stdout.once('data', (chunk) => resolve(String(chunk).trim()));
      target.once('exit', () => reject(new Error('the target server exited before listening')));
    });
    targetUrl = `http://127.0.0.1:${port}`;
  }
  try {
    await runServeLoad({ targetUrl, log: (line) => console.log(line) });
  } finally {
    target?.kill('SIGTERM');
  }
}
