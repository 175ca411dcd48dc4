/**
 * Traces keep no secret (issue #13 item 4), in real Chromium: each journey hands a secret to
 * the browser through one step kind (select, see, press, click, expectUrl, wait, fill, goto)
 * and then fails, with `--trace on-failure`. Every trace kept is unzipped and searched for
 * the secret in every encoding; a control journey without a secret keeps its trace, so the
 * search really reads traces.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/result/types.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';
import { secretForms } from './fixtures/secret-forms.js';
import { unzip } from './fixtures/zip.js';

const SECRET = 'Tr4ceS3cret/x+y';
const FORMS = secretForms(SECRET, 6);

/** `/select` offers the secret as an option (the select journey needs it; a page holding a secret). */
const page = (withSecret: boolean): string => `<!doctype html><html><head><title>Form</title></head><body>
<label>Plan <select name="plan"><option value="basic">Basic</option>${withSecret ? `<option value="${SECRET}">Secret plan</option>` : '<option value="pro">Pro plan</option>'}</select></label>
<label>Code <input name="code" placeholder="code"></label>
<button type="button">Go</button>
</body></html>`;

let target: TestServer;
beforeAll(async () => {
  target = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(page(req.url === '/select'));
  });
});
afterAll(() => target?.close());

/** Each journey: open the page, hand the secret over in one step kind, then fail. */
const STEPS: Record<string, string> = {
  select: '  - select: { label: Plan, option: "${secret:TRACE_SECRET}" }',
  see: '  - see: "${secret:TRACE_SECRET}"\n    timeout: 1s',
  press: '  - press: { placeholder: "code", key: "${secret:TRACE_KEY}" }',
  click: '  - click: { role: button, name: "${secret:TRACE_SECRET}" }\n    timeout: 1s',
  'expect-url': '  - expectUrl: "${secret:TRACE_SECRET}"\n    timeout: 1s',
  wait: '  - wait: { url: "${secret:TRACE_SECRET}" }\n    timeout: 1s',
  fill: '  - fill: { label: Code, value: "${secret:TRACE_SECRET}" }',
  goto: '  - goto: /?token=${secret:TRACE_SECRET}',
};

describe('--trace on-failure keeps no trace that holds a secret, whatever step kind used it', () => {
  const dir = tempDir('pathproof-trace-secrets-');
  let run: RunResult;

  beforeAll(async () => {
    mkdirSync(join(dir, 'journeys'));
    const journey = (name: string, step: string, path = '/'): void =>
      writeFileSync(
        join(dir, 'journeys', `${name}.yaml`),
        `name: ${name}\ntarget: ${target.url}\ntimeout: 20s\nentry:\n  - goto: ${path}\n${step}\n  - see: Never on this page\n    timeout: 1s\n`,
      );
    for (const [kind, step] of Object.entries(STEPS)) journey(`uses-${kind}`, step, kind === 'select' ? '/select' : '/');
    journey('control', '  - click: Go');
    // No step hands a secret over, but the page itself shows one: the trace holds it all the same.
    journey('page-holds-secret', '  - click: Go', '/select');
    // press takes a key name: a key that is also a secret (unusual, but a value handed to the browser all the same).
    const cli = await runCli(['run', 'journeys', '--out', 'out', '--trace', 'on-failure', '--concurrency', '3'], {
      cwd: dir,
      env: { TRACE_SECRET: SECRET, TRACE_KEY: 'KeyQ' },
      timeoutMs: 150_000,
    });
    expect(cli.code, cli.stderr).toBe(1);
    run = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8')) as RunResult;
  }, 180_000);

  it('every journey failed (so each one would keep a trace)', () => {
    expect(run.journeys.map((j) => [j.name, j.outcome])).toEqual(
      [...Object.keys(STEPS).map((k) => `uses-${k}`), 'control', 'page-holds-secret'].sort().map((name) => [name, 'failed']),
    );
  });

  it('the control journey keeps its trace, and the reader finds the page in it', () => {
    const control = run.journeys.find((j) => j.name === 'control');
    const traces = control?.attempts.flatMap((a) => a.evidence ?? []).filter((e) => e.kind === 'trace') ?? [];
    expect(traces).toHaveLength(1);
    const members = unzip(readFileSync(join(dir, 'out', traces[0]!.path)));
    expect(members.some((m) => m.data.toString('latin1').includes('Pro plan'))).toBe(true);
  });

  it('a page that shows a secret no step used: no trace kept', () => {
    const journey = run.journeys.find((j) => j.name === 'page-holds-secret');
    expect(journey?.attempts.flatMap((a) => a.evidence ?? []).filter((e) => e.kind === 'trace')).toEqual([]);
  });

  it.each(Object.keys(STEPS))('a secret used by %s: no trace kept', (kind) => {
    const journey = run.journeys.find((j) => j.name === `uses-${kind}`);
    const traces = journey?.attempts.flatMap((a) => a.evidence ?? []).filter((e) => e.kind === 'trace') ?? [];
    const key = kind === 'press' ? 'KeyQ' : SECRET;
    const hits = traces.flatMap((trace) =>
      unzip(readFileSync(join(dir, 'out', trace.path))).flatMap((member) => {
        const text = member.data.toString('latin1');
        return Object.entries(kind === 'press' ? { raw: key } : FORMS)
          .filter(([, form]) => text.includes(form))
          .map(([form]) => `${trace.path}!${member.name}: ${form}`);
      }),
    );
    expect(hits).toEqual([]);
    expect(traces).toEqual([]);
  });

  it('no zip anywhere in the run directory but the control journey’s', () => {
    const zips = readdirSync(join(dir, 'out'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.zip'));
    expect(zips).toHaveLength(1);
    expect(zips[0]).toContain('control');
  });
});
