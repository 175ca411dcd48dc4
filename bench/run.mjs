// `npm run bench`: pathproof's speed, each figure next to a reference measured in the same run
// on the same machine. Nothing here is asserted in tests; the README reports the figures.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const only = (process.env.BENCH_ONLY ?? 'http,browser,cli,soak').split(',');

function timed(args, env = {}) {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}:\n${result.stderr}\n${result.stdout.slice(-2000)}`);
  return ms;
}
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
function measure(args, env) {
  timed(args, env); // warm the page cache and the target's sockets
  return median(Array.from({ length: REPEAT }, () => timed(args, env)));
}
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const rows = [];
const row = (what, value, reference, ratio, target) => rows.push({ what, value, reference, ratio, target });

async function startTarget() {
  const child = spawn(process.execPath, [join(ROOT, 'bench/target-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
    child.once('exit', (code) => reject(new Error(`target exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

const work = mkdtempSync(join(tmpdir(), 'pathproof-bench-'));
const target = await startTarget();
try {
  if (only.includes('http')) {
    const dir = join(work, 'http');
    mkdirSync(dir);
    for (let i = 0; i < 200; i++) {
      writeFileSync(
        join(dir, `j${i}.yaml`),
        `name: http-${i}\ntarget: ${target.url}\nentry:\n  - request: GET /api/a\n    expect: { status: 200, json: { $.ok: true } }\n  - request: GET /api/b\n    expect: { status: 200, json: { $.ok: true } }\nresult:\n  - request: GET /api/items/${i}\n    expect: { status: 200, json: { $.ok: true } }\n`,
      );
    }
    const { benchInProcess } = await import('./inproc-http.mjs');
    const inproc = await benchInProcess({ dir, targetUrl: target.url });
    row('HTTP: runner, 200 journeys × 3 requests, concurrency 16', fmt(inproc.oursMs), `plain undici loop ${fmt(inproc.plainMs)}`, inproc.oursMs / inproc.plainMs, '≤ 1.30×');
    row('HTTP: journeys per second (runner)', `${(200 / (inproc.oursMs / 1000)).toFixed(0)}/s`, `${(200 / (inproc.plainMs / 1000)).toFixed(0)}/s`, undefined, '');
    const ours = measure([CLI, 'run', dir, '--concurrency', '16', '--quiet', '--out', join(work, 'http-out')]);
    const plain = measure([join(ROOT, 'bench/plain-undici.mjs'), target.url, '200', '16']);
    row('HTTP: the same through the CLI (process start, load, all reports)', fmt(ours), `plain undici script ${fmt(plain)}`, ours / plain, '');
  }

  if (only.includes('cli')) {
    const dir = join(work, 'validate');
    mkdirSync(dir);
    for (let i = 0; i < 500; i++) {
      writeFileSync(
        join(dir, `j${i}.yaml`),
        `name: journey-${i}\ntags: [api]\ntarget: http://127.0.0.1:1\ntimeout: 30s\nentry:\n  - request: GET /api/items\n    expect:\n      status: 2xx\n      json: { $.count: { gte: 1 } }\n    capture:\n      id: $.items[0].id\nresult:\n  - request: GET /api/items/{{ id }}\n`,
      );
    }
    const validate = measure([CLI, 'validate', dir]);
    const nodeStart = measure(['-e', '']);
    row('CLI: validate 500 journey files', fmt(validate), `node -e '' ${fmt(nodeStart)}`, undefined, '< 1 s');
    const one = join(work, 'one');
    mkdirSync(one);
    writeFileSync(join(one, 'one.yaml'), `name: one\ntarget: ${target.url}\nentry:\n  - request: GET /api/a\n`);
    const startup = measure([CLI, 'run', one, '--quiet', '--out', join(work, 'one-out')]);
    row('CLI: `pathproof run` of one HTTP journey (start to exit)', fmt(startup), `node -e '' ${fmt(nodeStart)}`, startup / nodeStart, '');
  }

  if (only.includes('browser')) {
    const chromium = process.env.PATHPROOF_CHROMIUM || '/usr/bin/chromium';
    if (!existsSync(chromium)) {
      row('Browser', 'skipped', `no browser at ${chromium}`, undefined, '');
    } else {
      const dir = join(work, 'browser');
      mkdirSync(dir);
      for (let i = 0; i < 20; i++) {
        writeFileSync(
          join(dir, `b${i}.yaml`),
          `name: browser-${i}\ntarget: ${target.url}\nentry:\n  - goto: /\naction:\n  - fill: { label: Amount, value: "120" }\n  - click: { role: button, name: Pay }\nresult:\n  - see: Paid 120\n`,
        );
      }
      const ours = measure([CLI, 'run', dir, '--concurrency', '4', '--quiet', '--out', join(work, 'browser-out')]);
      const plain = measure([join(ROOT, 'bench/plain-playwright.mjs'), target.url, '20', '4', 'shared']);
      const perJourney = measure([join(ROOT, 'bench/plain-playwright.mjs'), target.url, '20', '4', 'per-journey']);
      row('Browser: 20 journeys (goto, fill, click, see), concurrency 4', fmt(ours), `Playwright script, 1 browser + 20 contexts ${fmt(plain)}`, ours / plain, '≤ 1.25×');
      row('Browser: the same with one browser per journey', fmt(perJourney), `vs one browser ${fmt(plain)}`, perJourney / plain, '(why one browser per run)');
      const cold = measure([CLI, 'run', join(dir, 'b0.yaml'), '--quiet', '--out', join(work, 'cold-out')]);
      row('Browser: cold start to first verdict (one browser journey)', fmt(cold), '', undefined, '');
    }
  }

  if (only.includes('soak') && existsSync(join(ROOT, 'bench/soak.mjs'))) {
    const { runSoak } = await import('./soak.mjs');
    const soak = await runSoak({ targetUrl: target.url });
    row(`Serve: soak, ${soak.runs} runs (after warm-up)`, `RSS ${soak.endMb.toFixed(0)} MiB`, `start ${soak.startMb.toFixed(0)} MiB`, soak.endMb / soak.startMb, 'growth < 15%');
    row('Serve: soak, JS heap', `${soak.heapEndMb.toFixed(1)} MiB`, `start ${soak.heapStartMb.toFixed(1)} MiB`, soak.heapEndMb / soak.heapStartMb, '');
  }
} finally {
  target.stop();
  rmSync(work, { recursive: true, force: true });
}

console.log(`pathproof bench · ${new Date().toISOString().slice(0, 10)} · node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB · median of ${REPEAT}\n`);
const width = Math.max(...rows.map((r) => r.what.length));
for (const r of rows) {
  const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`;
  console.log(`${r.what.padEnd(width)}  ${String(r.value).padStart(9)}  ${r.reference.padEnd(48)} ${ratio.padStart(6)}  ${r.target}`);
}
