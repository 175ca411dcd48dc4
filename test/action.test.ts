/**
 * The composite action's shell steps, run the way GitHub runs them (`bash --noprofile
 * --norc -eo pipefail`), with the step's `env:` evaluated from its inputs, a `pathproof` on
 * PATH that is the built CLI, and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files: the browser
 * decision, the run with --rerun-failed, the artifact name and the verdict. Installing from
 * npm and the marketplace actions (setup-node, upload-artifact) are not run here.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, ROOT, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Json;
const steps = action.runs.steps as Json[];
const step = (id: string): Json => steps.find((s) => s.id === id || s.name === id)!;

let server: TestServer;
let flakyCalls = 0;
let workspace: string;
let bin: string;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/flaky') flakyCalls += 1;
    const ok = req.url === '/ok' || (req.url === '/flaky' && flakyCalls > 1);
    res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(ok ? 'ok' : 'not yet');
  });
  workspace = tempDir('pathproof-action-');
  mkdirSync(join(workspace, 'journeys'));
  writeFileSync(join(workspace, 'journeys', 'api.yaml'), 'name: api\ntags: [smoke]\ntarget: ${BASE_URL}\nentry:\n  - request: GET /ok\n    expect: { status: 200 }\n');
  writeFileSync(join(workspace, 'journeys', 'settling.yaml'), 'name: settling\ntags: [deep]\ntarget: ${BASE_URL}\nentry:\n  - request: GET /flaky\n    expect: { status: 200 }\n');
  writeFileSync(join(workspace, 'journeys', 'page.yaml'), 'name: page\ntags: [ui]\ntarget: ${BASE_URL}\nentry:\n  - goto: /ok\n');
  bin = tempDir('pathproof-action-bin-');
  writeFileSync(join(bin, 'pathproof'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'pathproof'), 0o755);
});
afterAll(() => server.close());

/** Evaluates `${{ inputs.x }}`-style expressions of a step's env the way the runner would, for the inputs given. */
function stepEnv(s: Json, inputs: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
  const defaults = Object.fromEntries(Object.entries(action.inputs as Record<string, Json>).map(([k, v]) => [k, String(v.default ?? '')]));
  const values = { ...defaults, ...inputs };
  const env: Record<string, string> = {};
  for (const [key, raw] of Object.entries((s.env ?? {}) as Record<string, string>)) {
    env[key] = String(raw).replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_m, expr: string) => {
      const [first] = expr.split('||').map((e) => e.trim());
      const input = /^inputs\.([a-z-]+)$/.exec(first!);
      if (input) return values[input[1]!] || (expr.includes('github.run_id') ? '4242' : '');
      return extra[expr] ?? '';
    });
  }
  return env;
}

interface StepResult {
  code: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

function runStep(s: Json, env: Record<string, string>): Promise<StepResult> {
  const dir = tempDir('pathproof-step-');
  const script = join(dir, 'step.sh');
  writeFileSync(script, s.run as string);
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: process.env.HOME,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        NO_COLOR: '1',
        BASE_URL: server.url,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const outputs = Object.fromEntries(
        readFileSync(output, 'utf8')
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      resolve({ code, stdout, outputs, summary: readFileSync(summary, 'utf8') });
    });
  });
}

describe('the action: does a selected journey need a browser?', () => {
  it.each([
    [{ tags: 'smoke' }, 'false'],
    [{ tags: 'smoke,deep' }, 'false'],
    [{ tags: 'ui' }, 'true'],
    [{}, 'true'],
    [{ paths: 'journeys/api.yaml\njourneys/settling.yaml' }, 'false'],
    // Sorted names api, page, settling dealt over 2 shards: 1/2 = api, settling; 2/2 = page.
    [{ shard: '1/2' }, 'false'],
    [{ shard: '2/2' }, 'true'],
  ])('%j → needs-browser=%s', async (inputs, expected) => {
    const plan = step('plan');
    const result = await runStep(plan, stepEnv(plan, inputs));
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs['needs-browser']).toBe(expected);
  });

  it('invalid journeys mean "no browser" here; the run reports them', async () => {
    const plan = step('plan');
    const result = await runStep(plan, stepEnv(plan, { paths: 'no-such-dir' }));
    expect(result.code).toBe(0);
    expect(result.outputs['needs-browser']).toBe('false');
  });
});

describe('the action: the run', () => {
  it('runs the selected journeys, re-runs the failed one, and reports the re-run’s verdict and directory', { timeout: 90_000 }, async () => {
    const run = step('run');
    const result = await runStep(run, stepEnv(run, { tags: 'smoke,deep', 'rerun-failed': 'true', 'expect-version': '', vars: `BASE_URL=${server.url}` }));
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('re-running 1 failed journey');
    expect(result.outputs['exit-code']).toBe('0');
    const runDir = result.outputs['run-dir']!;
    expect(existsSync(join(runDir, 'run.json'))).toBe(true);
    const rerun = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { continues?: string; journeys: { name: string }[]; trigger: Json };
    expect(rerun.continues).toBeDefined();
    expect(rerun.journeys.map((j) => j.name)).toEqual(['settling']);
    expect(rerun.trigger.deployId).toBe('4242');
    // pathproof wrote the job summary itself.
    expect(result.summary).toContain('pathproof');
  });

  it('without rerun-failed, a failure is exit-code 1, and the step itself still succeeds (the reports get uploaded)', { timeout: 60_000 }, async () => {
    flakyCalls = 0;
    const run = step('run');
    const result = await runStep(run, stepEnv(run, { tags: 'deep', 'report-dir': 'reports-2' }));
    expect(result.code, result.stdout).toBe(0);
    expect(result.outputs['exit-code']).toBe('1');
    expect(result.outputs['run-dir']).toContain('reports-2');
  });

  it('invalid journeys: exit-code 2, no run directory, and the summary says why', { timeout: 60_000 }, async () => {
    const run = step('run');
    const result = await runStep(run, stepEnv(run, { paths: 'no-such-dir' }));
    expect(result.outputs['exit-code']).toBe('2');
    expect(result.outputs['run-dir']).toBeUndefined();
    const summarise = steps.find((s) => String(s.name).startsWith('Summarise'))!;
    const summary = await runStep(summarise, { PP_CODE: '2' });
    expect(summary.summary).toContain('journeys, configuration or command line invalid');
  });
});

describe('the action: artifact name and verdict', () => {
  it.each([
    [{}, 'pathproof-reports'],
    [{ shard: '2/4' }, 'pathproof-reports-shard-2-of-4'],
    [{ 'artifact-name': 'mine', shard: '2/4' }, 'mine'],
  ])('%j → %s', async (inputs, expected) => {
    const s = step('artifact');
    expect((await runStep(s, stepEnv(s, inputs))).outputs.name).toBe(expected);
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['3', 3],
  ])('exit code %s fails the action with %i', async (code, expected) => {
    const verdict = steps.at(-1)!;
    const result = await runStep(verdict, { PP_CODE: code });
    expect(result.code).toBe(expected);
    if (expected !== 0) expect(result.stdout).toContain('::error title=pathproof::');
  });
});
