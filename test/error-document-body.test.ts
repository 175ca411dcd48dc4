/**
 * An error document's body is evidence, whenever it arrives (issue #11, classes 2 and 5).
 * goto fails as soon as the document answers >= 400, but "who wrote this reply" needs the
 * body: a maintenance page in front of the app is `proxy`, an unknown body on a 503 is the
 * app's. A body that arrives a moment after the headers (a loaded proxy, a slow machine)
 * must give the same verdict as one that arrives with them. The slow case sends its body
 * 1.5 s after the headers, longer than the evidence snapshot waits for a body on its own:
 * before goto waited for the document, it was `app` on every run.
 * Real Chromium, the built CLI, each journey twice.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, tempDir } from './helpers.js';
import type { LooseRun, TestServer } from './helpers.js';

// Enough bytes that Chromium commits the document before the rest arrives (it sniffs the first
// kilobyte), and nothing in them that says who wrote the page.
const HEAD = `<!DOCTYPE html><html><head><meta charset="utf-8">\n<style>${'body { font-family: sans-serif; }\n'.repeat(64)}</style>\n`;
const REST = '<title>Maintenance</title></head><body><h1>The shop is under maintenance</h1><p>Back at 06:00 UTC.</p></body></html>\n';

let target: TestServer;
const timers = new Set<NodeJS.Timeout>();
beforeAll(async () => {
  target = await startServer((req, res) => {
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', server: 'Apache/2.4.62 (Debian)', 'retry-after': '600' });
    if (req.url === '/slow') {
      res.write(HEAD);
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.end(REST);
      }, 3_000);
      timers.add(timer);
      return;
    }
    res.end(HEAD + REST);
  });
});
afterAll(async () => {
  for (const timer of timers) clearTimeout(timer);
  await target?.close();
});

describe("an error document's body, early or late", () => {
  const dir = tempDir('pathproof-error-body-');
  let run: LooseRun;

  beforeAll(async () => {
    mkdirSync(join(dir, 'journeys'));
    for (const path of ['fast', 'slow']) {
      for (const n of [1, 2]) {
        writeFileSync(join(dir, 'journeys', `${path}-${n}.yaml`), `name: ${path}-${n}\ntarget: ${target.url}\nentry:\n  - goto: /${path}\n  - see: Shop\n`);
      }
    }
    const cli = await runCli(['run', 'journeys', '--out', 'out'], { cwd: dir, timeoutMs: 90_000 });
    expect(cli.code, cli.stdout + cli.stderr).toBe(1);
    run = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8')) as LooseRun;
  }, 120_000);

  it.each(['fast-1', 'fast-2', 'slow-1', 'slow-2'])('%s: the maintenance page is the proxy talking, at the goto', (name) => {
    const journey = run.journeys.find((j) => j.name === name);
    expect(journey).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'proxy' });
    expect(journey?.hint).toMatch(/^503 from Apache .* on GET \/(fast|slow): it answers with a maintenance page/);
    expect(journey?.failure?.reason).toContain('an HTML maintenance page');
  });
});
