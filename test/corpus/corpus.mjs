/**
 * The verdict corpus (issue #11): third-party stacks on 127.0.0.1, journeys whose verdict was
 * written down beforehand (cases.yaml), and the measurement of what pathproof says about them.
 *
 * Used by run.mjs (prints the table), corpus.test.ts (asserts every case on every repeat) and
 * soak.test.ts (the must-pass journeys under `pathproof serve`). Plain ESM so that run.mjs runs
 * with node alone; the types are in corpus.d.mts.
 *
 * Each stack is started once; each repeat runs a stack's journeys of one group in ONE CLI
 * invocation (`pathproof run --reporter json --concurrency N`), so the browser is shared.
 * Journeys that use keys pathproof does not know yet fail validation: they are run apart,
 * one invocation per case, and reported as `invalid` until the keys exist.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startBlackhole } from './stacks/blackhole.mjs';
import { stopAll, tempDir } from './stacks/proc.mjs';

export const CORPUS_DIR = new URL('.', import.meta.url).pathname;
export const ROOT = new URL('../..', import.meta.url).pathname;
export const CLI = join(ROOT, 'dist/cli/main.js');

/** Stack name → module. The order is the order of the table. */
export const STACKS = ['nodered', 'prometheus', 'alertmanager', 'jsonserver', 'static'];

/** Constants journeys read besides the stacks' own variables. */
const FIXED_VARS = { NR_OLD_PASSWORD: 'corpus-rotated-away-pass' };

export const ISSUE_CLASSES = {
  0: 'baseline (no issue #11 class)',
  1: '1 origin-blind browser evidence (third-party / handled failures)',
  2: '2 verdicts decided by timing',
  3: '3 "settled" means third-party idle (long-lived connections)',
  4: '4 page errors outrank the visible symptom',
  5: "5 a proxy's reply taken for the app's",
  6: '6 status-only auth/authz',
  7: '7 our fault blamed on the target',
  8: '8 stale keep-alive connections',
};

export function loadCases() {
  const doc = parse(readFileSync(join(CORPUS_DIR, 'cases.yaml'), 'utf8'));
  const cases = doc.cases.map((c) => ({
    ...c,
    group: c.group ?? 'main',
    needs: c.needs ?? [],
    file: join('journeys', c.stack, `${c.id}.yaml`),
  }));
  const ids = new Set();
  for (const c of cases) {
    if (ids.has(c.id)) throw new Error(`cases.yaml: duplicate id ${c.id}`);
    ids.add(c.id);
    if (!STACKS.includes(c.stack)) throw new Error(`cases.yaml: ${c.id}: unknown stack ${c.stack}`);
    if (!existsSync(join(CORPUS_DIR, c.file))) throw new Error(`cases.yaml: ${c.id}: no journey file ${c.file}`);
    const e = c.expect;
    if (!['passed', 'failed', 'error'].includes(e.outcome)) throw new Error(`cases.yaml: ${c.id}: expect.outcome`);
    if (e.outcome === 'failed' && (!e.layer || !e.stage)) throw new Error(`cases.yaml: ${c.id}: a failed case names its layer and stage`);
  }
  return cases;
}

/** Starts the named stacks (all by default), in parallel; stops what started if one fails. */
export async function startStacks(names = STACKS, log = () => undefined) {
  const blackhole = await startBlackhole();
  const started = [];
  const vars = { ...FIXED_VARS };
  try {
    const results = await Promise.allSettled(
      names.map(async (name) => {
        const t0 = Date.now();
        const mod = await import(`./stacks/${name}.mjs`);
        const stack = await mod.start({ blackhole });
        started.push(stack);
        log(`stack ${name} up in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${stack.services.map((s) => `${s.name} pid ${s.pid}`).join(', ')}`);
        return stack;
      }),
    );
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    for (const r of results) Object.assign(vars, r.value.vars);
  } catch (error) {
    for (const stack of started) await stopAll(stack.services);
    await blackhole.stop();
    throw error;
  }
  return {
    vars,
    services: () => [blackhole, ...started.flatMap((s) => s.services)],
    async stop() {
      for (const stack of started) {
        await stopAll(stack.services);
        rmSync(stack.dir, { recursive: true, force: true });
      }
      await blackhole.stop();
    },
  };
}

/** Runs the built CLI (bounded in time); resolves with code, stdout, stderr. */
export function runCli(args, { env, cwd = CORPUS_DIR, timeoutMs = 240_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', TZ: 'UTC', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Files `pathproof validate` rejects, with their first problem. */
export async function invalidFiles(files, env) {
  const res = await runCli(['validate', ...files], { env, timeoutMs: 60_000 });
  const invalid = new Map();
  for (const line of `${res.stdout}\n${res.stderr}`.split('\n')) {
    const m = /^(journeys\/[^:]+\.ya?ml):\d+:\d+\s+(.*)$/.exec(line.trim());
    if (m && !invalid.has(m[1])) invalid.set(m[1], m[2]);
  }
  return invalid;
}

function verdictOf(journey) {
  if (!journey) return { outcome: 'missing' };
  return {
    outcome: journey.outcome,
    ...(journey.layer ? { layer: journey.layer } : {}),
    ...(journey.stage ? { stage: journey.stage } : {}),
    ...(journey.hint ? { hint: journey.hint } : {}),
    ...(journey.error ? { hint: `${journey.error.code}: ${journey.error.message}` } : {}),
  };
}

/** One CLI invocation for a set of cases; resolves to { exit, verdicts: Map(id → verdict) }. */
async function runInvocation(cases, { env, concurrency, reportDir }) {
  const files = cases.map((c) => c.file);
  const res = await runCli(['run', ...files, '--reporter', 'json', '--concurrency', String(concurrency), '--report-dir', reportDir], { env });
  const verdicts = new Map();
  let run;
  try {
    run = JSON.parse(res.stdout);
  } catch {
    const why = `no run.json on stdout (exit ${res.code ?? res.signal}): ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`;
    for (const c of cases) verdicts.set(c.id, { outcome: res.code === 2 ? 'invalid' : 'no-result', hint: why });
    return { exit: res.code, verdicts };
  }
  for (const c of cases) verdicts.set(c.id, verdictOf(run.journeys.find((j) => j.name === c.id)));
  return { exit: res.code, verdicts };
}

/**
 * Runs every case `repeats` times against running stacks. Returns
 * [{ case, runs: [{ verdict, exit }] }] in cases.yaml order.
 */
export async function measure(cases, { vars, repeats = 3, concurrency = 4, parallel = 2, log = () => undefined }) {
  const env = { ...vars };
  const reportRoot = tempDir('reports');
  const runs = new Map(cases.map((c) => [c.id, []]));
  try {
    // Which journeys pathproof cannot load yet (new keys): they run one per invocation.
    const invalid = await invalidFiles(
      cases.map((c) => c.file),
      env,
    );
    const batches = [];
    for (const stack of STACKS) {
      const ofStack = cases.filter((c) => c.stack === stack);
      for (const group of [...new Set(ofStack.map((c) => c.group))]) {
        const inGroup = ofStack.filter((c) => c.group === group);
        const loadable = inGroup.filter((c) => !invalid.has(c.file));
        if (loadable.length > 0) batches.push({ label: `${stack}/${group}`, cases: loadable });
        for (const c of inGroup.filter((c) => invalid.has(c.file))) batches.push({ label: `${stack}/${c.id}`, cases: [c], invalid: invalid.get(c.file) });
      }
    }
    for (let repeat = 1; repeat <= repeats; repeat++) {
      const t0 = Date.now();
      const queue = [...batches];
      const worker = async () => {
        for (let batch = queue.shift(); batch; batch = queue.shift()) {
          if (batch.invalid) {
            for (const c of batch.cases) runs.get(c.id).push({ verdict: { outcome: 'invalid', hint: batch.invalid }, exit: 2 });
            continue;
          }
          const b0 = Date.now();
          const { exit, verdicts } = await runInvocation(batch.cases, { env, concurrency, reportDir: join(reportRoot, `r${repeat}`) });
          for (const c of batch.cases) runs.get(c.id).push({ verdict: verdicts.get(c.id), exit });
          log(`repeat ${repeat}: ${batch.label} (${batch.cases.length} journeys) exit ${exit} in ${((Date.now() - b0) / 1000).toFixed(1)}s`);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
      log(`repeat ${repeat} done in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    }
  } finally {
    // A miss keeps every report of the measurement (r<repeat>/<run>/run.json, screenshots, traces):
    // a verdict that changed once in fifteen runs cannot be diagnosed from the table alone.
    const missed = cases.filter((c) => runs.get(c.id).some((run) => !run.verdict || !matches(c, run))).map((c) => c.id);
    if (missed.length > 0) log(`reports kept for the misses (${missed.join(', ')}): ${reportRoot}`);
    else rmSync(reportRoot, { recursive: true, force: true });
  }
  return cases.map((c) => ({ case: c, runs: runs.get(c.id) }));
}

/** "failed/proxy/entry", "passed", "error" … */
export function verdictText(v) {
  return [v.outcome, v.layer, v.stage].filter(Boolean).join('/');
}

/** Whether one run matches the case's expectation (outcome, and layer + stage for failed; exit when given). */
export function matches(c, run) {
  const e = c.expect;
  const v = run.verdict;
  if (v.outcome !== e.outcome) return false;
  if (e.outcome === 'failed' && (v.layer !== e.layer || v.stage !== e.stage)) return false;
  if (e.exit !== undefined && run.exit !== e.exit) return false;
  return true;
}

export function summarize(results) {
  const total = results.reduce((n, r) => n + r.runs.length, 0);
  const right = results.reduce((n, r) => n + r.runs.filter((run) => matches(r.case, run)).length, 0);
  const changed = results.filter((r) => new Set(r.runs.map((run) => verdictText(run.verdict))).size > 1);
  const casesRight = results.filter((r) => r.runs.every((run) => matches(r.case, run)));
  return { total, right, percent: total === 0 ? 0 : (100 * right) / total, misses: total - right, changed, casesRight: casesRight.length, cases: results.length };
}

const pad = (s, n) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** The table run.mjs prints: one line per case, grouped by the first issue class it exercises. */
export function formatTable(results) {
  const lines = [];
  const byClass = new Map();
  for (const r of results) {
    const k = r.case.classes[0];
    if (!byClass.has(k)) byClass.set(k, []);
    byClass.get(k).push(r);
  }
  const keys = [...byClass.keys()].sort((a, b) => (a === 0 ? 99 : a) - (b === 0 ? 99 : b));
  for (const k of keys) {
    lines.push('', `## ${ISSUE_CLASSES[k]}`, '');
    lines.push(`${pad('case', 34)} ${pad('expected', 24)} actual per repeat`);
    for (const r of byClass.get(k)) {
      const c = r.case;
      const expected = verdictText(c.expect) + (c.expect.exit !== undefined ? ` exit ${c.expect.exit}` : '');
      const actual = r.runs.map((run) => `${matches(c, run) ? '✓' : '✗'} ${verdictText(run.verdict)}${c.expect.exit !== undefined ? ` exit ${run.exit}` : ''}`).join(' · ');
      const needs = c.needs.length ? ` [needs ${c.needs.join(', ')}]` : '';
      lines.push(`${pad(c.id, 34)} ${pad(expected, 24)} ${actual}${needs}`);
      const miss = r.runs.find((run) => !matches(c, run));
      if (miss?.verdict.hint) lines.push(`${' '.repeat(35)}hint of a miss: ${miss.verdict.hint.replace(/\s+/g, ' ').slice(0, 220)}`);
    }
  }
  const s = summarize(results);
  lines.push(
    '',
    `${s.right}/${s.total} verdicts right (${s.percent.toFixed(1)} %), ${s.misses} misses; ${s.casesRight}/${s.cases} cases right on every repeat; ` +
      `${s.changed.length} cases changed verdict between repeats${s.changed.length ? `: ${s.changed.map((r) => r.case.id).join(', ')}` : ''}`,
  );
  return lines.join('\n');
}
