/**
 * `pathproof serve` as a canary, end to end: the built CLI on a seconds schedule against a
 * target broken on purpose (404, then 401, then healthy again), a real Alertmanager, a real
 * webhook receiver that checks the HMAC, a Slack-style receiver that answers 500 and a
 * webhook that never answers.
 *
 * What must hold: the break pages once after confirmation (the first failure re-runs at
 * once), the layer change is told, the recovery resolves once; the receivers that fail
 * cost one log line and never hold the scheduler; a silence and a deploy in progress keep
 * alerts quiet while journeys keep running.
 */
import { createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';
import { startAlertmanager } from './fixtures/alertmanager.js';
import type { RunningAlertmanager } from './fixtures/alertmanager.js';
import { eventually, sample, startServe } from './fixtures/serve/process.js';
import type { ServeProcess } from './fixtures/serve/process.js';

const HOOK_KEY = 'hmac-k3y-for-tests';
const SLACK_PATH = '/services/T000/B000/sl4ck-s3cret';

let mode: 'ok' | 'route' | 'auth' = 'ok';
let target: TestServer;
let hook: TestServer;
let slack: TestServer;
let hanging: TestServer;
let alertmanager: RunningAlertmanager;
const deliveries: { event: string; body: Record<string, unknown>; signature: string | undefined; raw: string }[] = [];
let slackCalls = 0;
let hangingCalls = 0;

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
  });
}

beforeAll(async () => {
  target = await startServer((req, res) => {
    if (mode === 'ok') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"refunds":[]}');
    if (mode === 'route') return void res.writeHead(404, { 'content-type': 'application/json', 'x-app': 'shop' }).end('{"error":"not found"}');
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer', 'x-app': 'shop' }).end('{"error":"unauthorized"}');
  });
  hook = await startServer((req, res) => {
    void readAll(req).then((raw) => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      deliveries.push({ event: String(body.event), body, signature: req.headers['x-pathproof-signature-256'] as string | undefined, raw });
      res.writeHead(204).end();
    });
  });
  slack = await startServer((req, res) => {
    slackCalls++;
    void readAll(req).then(() => res.writeHead(500).end('invalid_token'));
  });
  hanging = await startServer(() => {
    hangingCalls++;
  });
  alertmanager = await startAlertmanager(tempDir('pathproof-am-'));
}, 60_000);

afterAll(async () => {
  await Promise.all([target?.close(), hook?.close(), slack?.close(), hanging?.close(), alertmanager?.stop()]);
});

const refundAlerts = async () => (await alertmanager.alerts()).filter((a) => a.labels.journey === 'refund-api');
const events = () => deliveries.map((d) => d.event);

describe('serve pages once, resolves once, and shows it', () => {
  let serve: ServeProcess | undefined;
  afterAll(() => serve?.kill());

  it('confirmed break → Alertmanager + signed webhook; layer change told; recovery resolved; failing receivers cost one line', async () => {
    const dir = tempDir('pathproof-serve-alerts-');
    const journeys = join(dir, 'journeys');
    mkdirSync(journeys);
    writeFileSync(
      join(journeys, 'refund-api.yaml'),
      'name: refund-api\nprotects: data\ntags: [api]\ntarget: ${TARGET}\nschedule: "*/2 * * * * *"\nentry:\n  - request: GET /api/refunds\n    expect: { status: 200 }\n',
    );
    writeFileSync(
      join(dir, 'pathproof.yaml'),
      [
        'alerts:',
        '  confirm: 2',
        '  recover: 1',
        '  layerChanges: true',
        '  externalUrl: https://pathproof.example',
        '  webhooks:',
        `    - url: ${hook.url}/pathproof`,
        '      secret: ${secret:HOOK_KEY}',
        `    - url: ${hanging.url}/never-answers`,
        '  alertmanager:',
        `    - ${alertmanager.url}`,
        '  slack:',
        '    - url: ${secret:SLACK_URL}',
        '',
      ].join('\n'),
    );
    serve = await startServe([journeys, '--report-dir', join(dir, 'reports'), '--config', join(dir, 'pathproof.yaml')], {
      TARGET: target.url,
      HOOK_KEY,
      SLACK_URL: `${slack.url}${SLACK_PATH}`,
    });
    const { url } = serve;
    await eventually(
      async () => (serve?.stdout().includes('alerts: webhook-1, webhook-2, alertmanager-1, slack-1; a journey is down after 2 failed runs in a row') ? true : undefined),
      'the alerts line at start',
    );
    await eventually(async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return sample(text, 'pathproof_journey_up{journey="refund-api",env=""}') === 1 ? true : undefined;
    }, 'refund-api up');

    // Broken on purpose: a 404. The first failure is re-run at once ([confirm]), then it pages once.
    mode = 'route';
    const broke = await eventually(async () => deliveries.find((d) => d.event === 'broke'), 'the broke webhook', 30_000);
    // The confirming run's line is printed when it finishes, just after it told the receivers.
    await eventually(async () => (/\[confirm\] refund-api failed layer=route stage=entry/.test(serve?.stdout() ?? '') ? true : undefined), 'the [confirm] run');
    expect(broke.signature).toBe(`sha256=${createHmac('sha256', HOOK_KEY).update(broke.raw).digest('hex')}`);
    expect(broke.body).toMatchObject({
      event: 'broke',
      journey: 'refund-api',
      env: '',
      state: 'down',
      outcome: 'failed',
      layer: 'route',
      stage: 'entry',
      status: 404,
      transition: { kind: 'broke', from: 'passed', to: 'route', toStatus: 404, text: 'broke: passed → route (404)' },
      protects: 'data',
      links: { status: 'https://pathproof.example/#journey-refund-api' },
    });
    expect(String((broke.body.links as Record<string, string>).report)).toBe(`https://pathproof.example/runs/${String(broke.body.runId)}/`);
    const firing = await eventually(async () => {
      const alerts = await refundAlerts();
      return alerts.length === 1 && alerts[0]?.status.state === 'active' ? alerts[0] : undefined;
    }, 'the alert in Alertmanager');
    expect(firing.labels).toEqual({ alertname: 'PathproofJourneyDown', journey: 'refund-api', layer: 'route', severity: 'critical' });
    expect(firing.annotations).toMatchObject({ status: '404', transition: 'broke: passed → route (404)', status_page: 'https://pathproof.example/#journey-refund-api' });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(sample(metrics, 'pathproof_journey_up{journey="refund-api",env=""}')).toBe(0);
    expect(sample(metrics, 'pathproof_journey_state{journey="refund-api",env="",state="down"}')).toBe(1);

    // The fix advanced a layer: 404 → 401. Told once (layerChanges), the alert re-labelled.
    mode = 'auth';
    const progressed = await eventually(async () => deliveries.find((d) => d.event === 'progressed'), 'the progressed webhook', 30_000);
    expect(progressed.body).toMatchObject({ layer: 'auth', status: 401, transition: { kind: 'progressed', text: '404 → 401  progressed: route → auth' } });
    const relabelled = await eventually(async () => {
      const alerts = await refundAlerts();
      return alerts.length === 1 && alerts[0]?.labels.layer === 'auth' ? alerts[0] : undefined;
    }, 'the alert re-labelled to auth (the route one resolved)');
    expect(relabelled.annotations.transition).toBe('404 → 401  progressed: route → auth');

    // Healthy again: resolved once, in Alertmanager too.
    mode = 'ok';
    const recovered = await eventually(async () => deliveries.find((d) => d.event === 'recovered'), 'the recovered webhook', 30_000);
    expect(recovered.body).toMatchObject({ state: 'up', outcome: 'passed', transition: { kind: 'recovered', from: 'auth', fromStatus: 401 } });
    await eventually(async () => ((await refundAlerts()).length === 0 ? true : undefined), 'the alert resolved in Alertmanager');
    // A few more healthy runs: nothing more is sent.
    await eventually(async () => ((serve?.stdout().match(/\[schedule\] refund-api passed/g)?.length ?? 0) >= 4 ? true : undefined), 'more healthy runs');
    expect(events()).toEqual(['broke', 'progressed', 'recovered']);

    // Slack answered 500 to every attempt: one log line for the whole outage, the URL never in it.
    await eventually(async () => (/alerts: could not deliver \w+ refund-api to slack-1: answered 500/.test(serve?.stdout() ?? '') ? true : undefined), 'the slack log line', 30_000);
    expect(serve.stdout().match(/to slack-1/g)).toHaveLength(1);
    expect(`${serve.stdout()}${serve.stderr()}`).not.toContain('sl4ck-s3cret');
    expect(slackCalls).toBeGreaterThanOrEqual(4);
    // The webhook that never answers held only its own queue.
    expect(hangingCalls).toBeGreaterThanOrEqual(1);

    // A silence: journeys keep running and recording, nothing is sent; the status says why.
    const silenced = await fetch(`${url}/api/silence?for=10m&reason=test`, { method: 'POST' });
    expect(silenced.status).toBe(200);
    mode = 'route';
    await eventually(async () => {
      const status = (await (await fetch(`${url}/api/status`)).json()) as { journeys: { state: string }[]; quiet: { reason: string }[] };
      return status.journeys[0]?.state === 'down' && status.quiet[0]?.reason === 'silence' ? true : undefined;
    }, 'down while silenced');
    expect(events()).toEqual(['broke', 'progressed', 'recovered']);
    expect(await refundAlerts()).toEqual([]);
    // The silence ends: what is still true is told.
    expect((await fetch(`${url}/api/silence`, { method: 'DELETE' })).status).toBe(200);
    await eventually(async () => (events().length === 4 ? true : undefined), 'the broke after the silence', 30_000);
    expect(events()[3]).toBe('broke');
    mode = 'ok';
    await eventually(async () => (events().length === 5 ? true : undefined), 'recovered', 30_000);

    // A Flagger call during a canary analysis: a deploy in progress keeps alerts quiet.
    const flagger = await fetch(`${url}/hooks/flagger`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shop', namespace: 'prod', phase: 'Progressing', metadata: { journeys: 'refund-api' } }),
    });
    expect(flagger.status).toBe(200);
    const status = (await (await fetch(`${url}/api/status`)).json()) as { quiet: { reason: string; what?: string }[] };
    expect(status.quiet).toMatchObject([{ reason: 'deploy', what: 'prod/shop' }]);

    // The quiet gauge follows on the next tick (every 5 s).
    const exposition = await eventually(async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return sample(text, 'pathproof_alerts_quiet{reason="deploy"}') === 1 ? text : undefined;
    }, 'the deploy quiet gauge');
    expect(sample(exposition, 'pathproof_alert_deliveries_total{receiver="slack-1",result="failed"}')).toBeGreaterThanOrEqual(1);
    expect(sample(exposition, 'pathproof_alert_deliveries_total{receiver="webhook-1",result="delivered"}')).toBe(5);
    const checked = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 20_000 });
    expect(`${checked.stdout}${checked.stderr}`).toBe('');

    // SIGTERM: queued alerts get a bounded flush, the hanging receiver does not hold the exit.
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  }, 150_000);
});

describe('serve: bad alert config stops it before anything starts', () => {
  it.each([
    [
      'a receiver secret that is not set',
      'alerts:\n  slack:\n    - url: ${secret:SLACK_MISSING}\n',
      /pathproof: .*pathproof\.yaml: alerts\.slack\[0\]\.url: secret SLACK_MISSING is not set in the environment/,
    ],
    ['an unknown alert key', 'alerts:\n  confrim: 2\n', /pathproof\.yaml:2:3 +alerts +unknown key "confrim": did you mean "confirm"\?/],
    ['a traceUrl without {traceId}', 'traceUrl: https://tempo.example/trace/\n', /pathproof\.yaml:1:11 +traceUrl +a traceUrl needs the \{traceId\} placeholder/],
  ])('%s: exit 2 with where and what', async (_what, config, message) => {
    const dir = tempDir('pathproof-serve-badalerts-');
    writeFileSync(join(dir, 'pathproof.yaml'), config);
    const result = await runCli(['serve', 'test/fixtures/serve/basic', '--listen', '127.0.0.1:0', '--config', join(dir, 'pathproof.yaml')], {
      env: { BASE_URL: 'http://127.0.0.1:9' },
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
