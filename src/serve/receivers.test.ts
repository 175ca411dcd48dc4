/**
 * Delivery against real HTTP receivers on 127.0.0.1: a webhook that checks the signature,
 * one that answers 500, one that hangs, one that refuses the payload.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER } from './alert-payload.js';
import { createHttpPost, createOutbox, describeReceiver, signBody, webhookHeaders } from './receivers.js';
import type { DeliveryResult, Outbox, Receiver, RetryPolicy } from './receivers.js';

interface Received {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly path: string;
}

interface Receiving {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

const servers: Server[] = [];
const outboxes: Outbox[] = [];
const posts: { close(): Promise<void> }[] = [];

afterEach(async () => {
  for (const outbox of outboxes.splice(0)) outbox.close();
  await Promise.all(posts.splice(0).map((p) => p.close()));
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function receiver(answer: (req: IncomingMessage, res: ServerResponse, received: Received[]) => void): Promise<Receiving> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body, path: req.url ?? '' });
      answer(req, res, received);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook/s3cr3t-path`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const ok = (_req: IncomingMessage, res: ServerResponse): void => void res.writeHead(204).end();

function outbox(retry: RetryPolicy) {
  const http = createHttpPost();
  posts.push(http);
  const lines: string[] = [];
  const results: [string, DeliveryResult][] = [];
  const box = createOutbox({ post: http.post, retry, log: (line) => lines.push(line), onDelivery: (r, result) => results.push([r.id, result]), redact: (t) => t.replaceAll('s3cr3t-path', '***') });
  outboxes.push(box);
  return { box, lines, results };
}

const FAST: RetryPolicy = { attempts: 3, baseDelayMs: 20, maxDelayMs: 50, timeoutMs: 5_000 };

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('webhook deliveries', () => {
  it('are signed with HMAC-SHA256 of the raw body, carry a delivery id, and arrive in order', async () => {
    const hook = await receiver(ok);
    const target: Receiver = { id: 'webhook-1', kind: 'webhook', url: hook.url, secret: 'hmac-key' };
    const { box, results } = outbox(FAST);
    for (const event of ['broke', 'recovered']) {
      const body = JSON.stringify({ event, journey: 'refund-api' });
      box.send(target, { body, headers: webhookHeaders(target, body), what: event });
    }
    await box.flush(15_000);
    expect(hook.received.map((r) => (JSON.parse(r.body) as { event: string }).event)).toEqual(['broke', 'recovered']);
    for (const { headers, body } of hook.received) {
      const expected = `sha256=${createHmac('sha256', 'hmac-key').update(body).digest('hex')}`;
      expect(headers[SIGNATURE_HEADER]).toBe(expected);
      expect(headers['content-type']).toBe('application/json');
      expect(headers['x-pathproof-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(results).toEqual([
      ['webhook-1', 'delivered'],
      ['webhook-1', 'delivered'],
    ]);
  });

  it('sign nothing without a secret', () => {
    const headers = webhookHeaders({ id: 'webhook-1', kind: 'webhook', url: 'http://x' }, '{}', 'id-1');
    expect(headers).toEqual({ 'x-pathproof-delivery': 'id-1' });
    expect(signBody('k', '{"a":1}')).toBe(`sha256=${createHmac('sha256', 'k').update('{"a":1}').digest('hex')}`);
  });
});

describe('a receiver that fails', () => {
  it('answering 500 is retried with backoff, logged once per outage, counted every time, and logged when it works again', async () => {
    let healthy = false;
    const hook = await receiver((_req, res) => void res.writeHead(healthy ? 200 : 500).end('no'));
    const target: Receiver = { id: 'slack-1', kind: 'slack', url: hook.url };
    const { box, lines, results } = outbox(FAST);
    box.send(target, { body: '{"text":"1"}', what: 'broke a' });
    box.send(target, { body: '{"text":"2"}', what: 'broke b' });
    await box.flush(15_000);
    expect(hook.received).toHaveLength(6); // 3 attempts each
    expect(results).toEqual([
      ['slack-1', 'failed'],
      ['slack-1', 'failed'],
    ]);
    expect(lines).toEqual([
      'alerts: could not deliver broke a to slack-1: answered 500 (gave up after 3 attempts; further failures of this receiver are only counted until it works again)',
    ]);
    healthy = true;
    box.send(target, { body: '{"text":"3"}', what: 'recovered a' });
    await box.flush(15_000);
    expect(lines.at(-1)).toBe('alerts: slack-1 takes deliveries again (2 failed meanwhile)');
    // The URL (a credential for Slack) is never in a log line.
    expect(lines.join('\n')).not.toContain('s3cr3t-path');
  });

  it('refusing the payload (400) is not retried', async () => {
    const hook = await receiver((_req, res) => void res.writeHead(400).end());
    const { box, lines } = outbox(FAST);
    box.send({ id: 'webhook-2', kind: 'webhook', url: hook.url }, { body: '{}', what: 'broke x' });
    await box.flush(15_000);
    expect(hook.received).toHaveLength(1);
    expect(lines[0]).toMatch(/^alerts: could not deliver broke x to webhook-2: answered 400/);
  });

  it('that hangs holds only its own queue: other receivers get their deliveries meanwhile', async () => {
    const hanging = await receiver(() => undefined);
    const fine = await receiver(ok);
    const { box, lines, results } = outbox({ attempts: 2, baseDelayMs: 10, maxDelayMs: 10, timeoutMs: 1_000 });
    box.send({ id: 'webhook-1', kind: 'webhook', url: hanging.url }, { body: '{}', what: 'broke x' });
    box.send({ id: 'webhook-2', kind: 'webhook', url: fine.url }, { body: '{}', what: 'broke x' });
    await until(() => fine.received.length === 1, 'the healthy receiver');
    expect(results).toEqual([['webhook-2', 'delivered']]);
    await box.flush(20_000);
    expect(hanging.received.length).toBeGreaterThanOrEqual(1);
    expect(results).toContainEqual(['webhook-1', 'failed']);
    expect(lines).toEqual([expect.stringMatching(/^alerts: could not deliver broke x to webhook-1: no answer within 1s/)]);
  });

  it('that is not there is logged by its error code', async () => {
    const gone = await receiver(ok);
    await gone.close();
    const { box, lines } = outbox({ ...FAST, attempts: 2 });
    box.send({ id: 'alertmanager-1', kind: 'alertmanager', url: gone.url.replace(/\/hook.*/, '') }, { body: '[]', what: 'broke x' });
    await box.flush(15_000);
    expect(lines[0]).toMatch(/^alerts: could not deliver broke x to alertmanager-1 \(127\.0\.0\.1:\d+\): ECONNREFUSED/);
  });
});

describe('the backlog', () => {
  it('is bounded: the oldest waiting deliveries are dropped and counted; a keyed one replaces its twin', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const hook = await receiver((_req, res) => void gate.then(() => res.writeHead(200).end()));
    const http = createHttpPost();
    posts.push(http);
    const results: DeliveryResult[] = [];
    const box = createOutbox({ post: http.post, retry: FAST, log: () => undefined, onDelivery: (_r, result) => results.push(result), backlog: 2 });
    outboxes.push(box);
    const target: Receiver = { id: 'alertmanager-1', kind: 'alertmanager', url: hook.url };
    box.send(target, { body: '[1]', what: 'first' }); // in flight
    await until(() => hook.received.length === 1, 'the first delivery');
    box.send(target, { body: '[2]', key: 'resend', what: 'second' });
    box.send(target, { body: '[3]', key: 'resend', what: 'third' }); // replaces [2]
    box.send(target, { body: '[4]', what: 'fourth' });
    box.send(target, { body: '[5]', what: 'fifth' }); // drops [3]
    release();
    await box.flush(15_000);
    expect(hook.received.map((r) => r.body)).toEqual(['[1]', '[4]', '[5]']);
    expect(hook.received.every((r) => r.path.endsWith('/api/v2/alerts'))).toBe(true);
    expect(results.filter((r) => r === 'dropped')).toHaveLength(1);
  });
});

describe('describeReceiver', () => {
  it('names Alertmanager by host, webhooks and Slack by id only', () => {
    expect(describeReceiver({ id: 'alertmanager-1', kind: 'alertmanager', url: 'http://user:pw@am.example:9093' })).toBe('alertmanager-1 (am.example:9093)');
    expect(describeReceiver({ id: 'slack-1', kind: 'slack', url: 'https://hooks.slack.com/services/T/B/X' })).toBe('slack-1');
  });
});
