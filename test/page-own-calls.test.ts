/**
 * A control step that never found its control triggered nothing (issue #11, class 2): a call
 * the page makes on its own timer and that fails while the step waits for the control must
 * not become the verdict, whenever it starts. The same failing call started by the step's own
 * click still is. Real Chromium, the built CLI; the page's call always starts inside the
 * click step's wait, so before the fix this was `proxy` on every run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, tempDir } from './helpers.js';
import type { LooseRun, TestServer } from './helpers.js';

const CART = `<!doctype html><html><head><meta charset="utf-8"><title>Cart</title></head><body>
<h1>Your cart</h1><p>Blue mug × 2</p>
<button type="button" id="more">Show recommendations</button><p id="out"></p>
<script>
  const load = () => fetch('/api/recommendations').then((r) => { document.getElementById('out').textContent = r.ok ? 'Recommended: plate' : 'No recommendations'; }, () => {});
  // The page's own call, on its own timer: it starts while a later step waits.
  setTimeout(load, 600);
  document.getElementById('more').addEventListener('click', () => fetch('/api/recommendations?again=1').then(() => {}, () => {}));
</script></body></html>`;

let target: TestServer;
beforeAll(async () => {
  target = await startServer((req, res) => {
    if (req.url?.startsWith('/api/recommendations')) {
      res.writeHead(502, { 'content-type': 'text/html', server: 'nginx/1.22.1' });
      res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.22.1</center></body></html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(CART);
  });
});
afterAll(() => target?.close());

describe("a control step and the page's own calls", () => {
  const dir = tempDir('pathproof-own-calls-');
  let run: LooseRun;

  beforeAll(async () => {
    mkdirSync(join(dir, 'journeys'));
    const write = (name: string, action: string): void =>
      writeFileSync(join(dir, 'journeys', `${name}.yaml`), `name: ${name}\ntarget: ${target.url}\nentry:\n  - goto: /cart\n  - see: Blue mug × 2\naction:\n${action}\n`);
    // The coupon field is not in this build; the page's recommendations call fails meanwhile.
    write('coupon-missing', '  - click: { role: button, name: Apply coupon }\n    timeout: 3s');
    // The click itself starts the failing call; the content it should bring never shows.
    write('recommendations', '  - click: { role: button, name: Show recommendations }\n  - see: "Recommended: plate"\n    timeout: 3s');
    const cli = await runCli(['run', 'journeys', '--out', 'out'], { cwd: dir, timeoutMs: 90_000 });
    expect(cli.code, cli.stdout + cli.stderr).toBe(1);
    run = JSON.parse(readFileSync(join(dir, 'out', 'run.json'), 'utf8')) as LooseRun;
  }, 120_000);

  it('a missing control is frontend, the call the page made on its own set aside', () => {
    const journey = run.journeys.find((j) => j.name === 'coupon-missing');
    expect(journey).toMatchObject({ outcome: 'failed', stage: 'action', layer: 'frontend' });
    expect(JSON.stringify(journey?.failure?.setAside ?? [])).toContain('a call the page made on its own');
  });

  it('content missing behind a call the step started is that call (proxy)', () => {
    const journey = run.journeys.find((j) => j.name === 'recommendations');
    expect(journey).toMatchObject({ outcome: 'failed', stage: 'action', layer: 'proxy' });
    expect(journey?.hint).toMatch(/^502 from nginx .* on GET \/api\/recommendations/);
  });
});
