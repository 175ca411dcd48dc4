import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp } from '../src/demo/app.js';
import type { DemoApp } from '../src/demo/app.js';
import type { RunResult } from '../src/result/types.js';
import { runCli, tempDir } from './helpers.js';

let demo: DemoApp;
beforeAll(async () => {
  demo = await startDemoApp({});
});
afterAll(() => demo.close());

function run(dir: string): RunResult {
  return JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8')) as RunResult;
}

describe('one session across HTTP and browser steps', () => {
  it('a login over HTTP carries its session cookie into the browser, and back', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'handoff.yaml'),
      [
        'name: session-handoff',
        'target: ${BASE_URL}',
        'entry:',
        '  - request: { method: POST, url: /api/login, json: { email: qa@example.com, password: "${secret:DEMO_PASSWORD}" } }',
        '    expect: { status: 200 }',
        'open:',
        '  - goto: /orders', // needs the session: without it the demo redirects to /login
        '  - see: { role: heading, name: Your orders }',
        'result:',
        '  - request: GET /api/orders', // no token: the browser session cookie authenticates it
        '    expect: { status: 200 }',
      ].join('\n'),
    );
    const result = await runCli(['run', dir, '--out', join(dir, 'out')], { env: { BASE_URL: demo.url, DEMO_PASSWORD: 'demo-password' } });
    expect(result.stdout).toMatch(/✓ session-handoff/);
    expect(result.code).toBe(0);
    const steps = run(dir).journeys[0]!.attempts[0]!.steps;
    // The session cookie is evidence by name only, never by value.
    const login = steps[0]!;
    expect(login.observation?.kind === 'http' && login.observation.headers['set-cookie']).toMatch(/^sid=\*\*\*;/);
  });

  it('without the HTTP login the browser lands on the sign-in page (the cookie is what made it pass)', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'nologin.yaml'),
      ['name: no-session', 'target: ${BASE_URL}', 'open:', '  - goto: /orders', '  - see: { role: heading, name: Your orders }', '    timeout: 2s'].join('\n'),
    );
    const result = await runCli(['run', dir, '--out', join(dir, 'out')], { env: { BASE_URL: demo.url } });
    expect(result.code).toBe(1);
    expect(run(dir).journeys[0]!.outcome).toBe('failed');
  });
});
