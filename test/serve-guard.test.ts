/**
 * `pathproof serve` against hostile HTTP clients (issue #13 items 5 and 6), on the real
 * process: raw requests over node `net` sockets (so malformed request lines and forged
 * Host / Origin headers reach it exactly as written). With no token — the default — a web
 * page the operator has open must not be able to start runs or read the API through a
 * rebinding name, and a malformed request is a 400 and one log line, never a 500 and a stack.
 */
import { connect } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';
import { startServe } from './fixtures/serve/process.js';
import type { ServeProcess } from './fixtures/serve/process.js';

let target: TestServer;
let serve: ServeProcess;
let port: number;

beforeAll(async () => {
  target = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  const dir = tempDir('pathproof-serve-guard-');
  mkdirSync(join(dir, 'journeys'));
  writeFileSync(join(dir, 'journeys', 'ok.yaml'), `name: ok\ntarget: ${target.url}\nentry:\n  - request: GET /\n`);
  serve = await startServe([join(dir, 'journeys'), '--report-dir', join(dir, 'reports'), '--allow-host', 'canary.test'], {});
  port = Number(new URL(serve.url).port);
}, 60_000);

afterAll(async () => {
  serve?.kill();
  await serve?.exited;
  await target?.close();
});

/** Sends `head` (request line and headers, CRLF-joined) and `body` as written; resolves with the status and body. */
function raw(lines: string[], body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => socket.destroy(new Error(`no answer to ${lines[0]}`)), 20_000);
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(`${[...lines.map(fill), 'connection: close', body ? `content-length: ${Buffer.byteLength(body)}` : ''].filter(Boolean).join('\r\n')}\r\n\r\n${body}`);
  });
}

/** Tables are built before the server starts: `{port}` and `{other}` are filled in when a request is sent. */
const host = (): string => 'host: 127.0.0.1:{port}';
const fill = (line: string): string => line.replace('{port}', String(port)).replace('{other}', String(port + 1));

describe('malformed requests: 400, one log line, before the token check', () => {
  it.each<[string, string[]]>([
    ['bad percent-encoding in the path', ['GET /api/runs/%E0%A4%A HTTP/1.1', host()]],
    ['an absolute-form target that is no URL', ['GET http://[x/ HTTP/1.1', host()]],
    ['an asterisk target', ['GET * HTTP/1.1', host()]],
    ['a request line node cannot parse', ['GET /a b c d HTTP/1.1', host()]],
    ['no Host header', ['GET /api/journeys HTTP/1.1']],
  ])('%s', async (_name, lines) => {
    const answer = await raw(lines);
    expect(answer.status).toBe(400);
    expect(answer.body).not.toMatch(/\n\s+at /);
  });

  it('logged one line each, without a stack trace', () => {
    const log = serve.stderr();
    expect(log).toMatch(/pathproof: refused GET "\/api\/runs\/%E0%A4%A" from 127\.0\.0\.1: 400 malformed request target: bad percent-encoding/);
    expect(log).toMatch(/pathproof: refused GET "http:\/\/\[x\/" from 127\.0\.0\.1: 400 malformed request target/);
    expect(log).not.toMatch(/internal error|\n\s+at /);
  });
});

describe('Host: DNS rebinding protection', () => {
  it.each<[string, number]>([
    ['127.0.0.1:{port}', 200],
    ['localhost', 200],
    ['canary.test', 200],
    ['evil.example', 421],
    ['127.0.0.1.nip.example', 421],
  ])('GET /api/journeys with Host %s → %i', async (name, status) => {
    const answer = await raw(['GET /api/journeys HTTP/1.1', `host: ${name}`]);
    expect(answer.status).toBe(status);
    if (status === 421) expect(answer.body).toContain('DNS rebinding protection');
    else expect(answer.body).toContain('"journeys"');
  });

  it('/metrics and /healthz answer any Host (scrapers and probes use whatever name they have)', async () => {
    expect((await raw(['GET /healthz HTTP/1.1', 'host: pathproof.monitoring.svc'])).status).toBe(200);
    expect((await raw(['GET /metrics HTTP/1.1', 'host: pathproof.monitoring.svc'])).status).toBe(200);
  });
});

describe('state-changing requests from another site', () => {
  it.each<[string, string[], string, number]>([
    ['a cross-site form post (text/plain, no preflight)', ['POST /api/runs HTTP/1.1', host(), 'origin: https://evil.example', 'content-type: text/plain'], '{}', 403],
    ['Sec-Fetch-Site: cross-site', ['POST /api/runs HTTP/1.1', host(), 'sec-fetch-site: cross-site', 'content-type: application/json'], '{}', 403],
    ['another app on this host (same-site)', ['POST /api/runs HTTP/1.1', host(), 'origin: http://127.0.0.1:{other}', 'content-type: application/json'], '{}', 403],
    ['a JSON body sent as text/plain', ['POST /api/runs HTTP/1.1', host(), 'content-type: text/plain'], '{}', 415],
    ['a JSON body with no content-type', ['POST /api/runs HTTP/1.1', host()], '{}', 415],
    ['the Flagger hook as a form', ['POST /hooks/flagger HTTP/1.1', host(), 'content-type: application/x-www-form-urlencoded'], 'a=b', 415],
  ])('%s: refused', async (_name, lines, body, status) => {
    const answer = await raw(lines, body);
    expect(answer.status).toBe(status);
  });

  it('a tool sending JSON (or the page itself, same origin) still starts a run', async () => {
    const tool = await raw(['POST /api/runs HTTP/1.1', host(), 'content-type: application/json'], '{"journeys":["ok"]}');
    expect(tool.status).toBe(202);
    const same = await raw(['POST /api/runs HTTP/1.1', host(), 'origin: http://127.0.0.1:{port}', 'sec-fetch-site: same-origin', 'content-type: application/json'], '{}');
    expect(same.status).toBe(202);
    // An empty POST (curl -X POST) means every journey, as before.
    expect((await raw(['POST /api/runs HTTP/1.1', host()])).status).toBe(202);
  });
});
