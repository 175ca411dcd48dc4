import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../result/clock.js';
import { createHttpDeps } from './dispatcher.js';
import { probe } from './probe.js';
import { createTrace, traceIdOf } from '../trace.js';
import type { ProbeRequest, ProbeResult } from './probe.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface TestServer {
  readonly origin: string;
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

async function startServer(handler: Handler, create: (h: Handler) => http.Server = (h) => http.createServer(h)): Promise<TestServer> {
  const server = create(handler);
  let connections = 0;
  server.on('connection', () => (connections += 1));
  server.on('secureConnection', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = server instanceof https.Server ? 'https' : 'http';
  const testServer: TestServer = {
    origin: `${scheme}://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(testServer);
  return testServer;
}

/** A port nothing listens on: bind, read the port, close. */
async function refusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const clock = systemClock();
let deps: ReturnType<typeof createHttpDeps>;

beforeAll(() => {
  deps = createHttpDeps({ clock });
});
afterAll(async () => {
  await deps.close();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function req(url: string, overrides: Partial<ProbeRequest> = {}): ProbeRequest {
  return { method: 'GET', url, headers: {}, maxRedirects: 10, timeoutMs: 5_000, maxBodyBytes: 1024 * 1024, ...overrides };
}

function run(request: ProbeRequest, signal?: AbortSignal): Promise<ProbeResult> {
  return probe(request, { dispatcher: deps.dispatcher, clock, ...(signal ? { signal } : {}) });
}

function expectOk(result: ProbeResult) {
  if (!result.ok) throw new Error(`expected an observation, got ${result.error.code}: ${result.error.message}`);
  return result.observation;
}

function expectError(result: ProbeResult) {
  if (result.ok) throw new Error(`expected an error, got status ${result.observation.status}`);
  return result;
}

describe('probe: plain exchanges', () => {
  it('observes status, lower-cased headers, body, remote address and fresh-connection timings', async () => {
    const server = await startServer((request, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('X-Multi', ['a', 'b']);
      res.end(JSON.stringify({ amount: 120, path: request.url }));
    });
    const observation = expectOk(await run(req(`${server.origin}/api/refunds?x=1`)));
    expect(observation).toMatchObject({
      kind: 'http',
      method: 'GET',
      url: `${server.origin}/api/refunds?x=1`,
      status: 200,
      statusText: 'OK',
      bodyTruncated: false,
      remoteAddress: '127.0.0.1',
      remotePort: server.port,
      redirects: [],
    });
    expect(observation.headers['content-type']).toBe('application/json');
    expect(observation.headers['x-multi']).toBe('a, b');
    expect(JSON.parse(observation.body)).toEqual({ amount: 120, path: '/api/refunds?x=1' });
    expect(observation.bodyBytes).toBe(Buffer.byteLength(observation.body));
    // 127.0.0.1 needs no DNS; a fresh socket has connect; plain http has no TLS.
    expect(observation.timings.dnsMs).toBeUndefined();
    expect(observation.timings.connectMs).toBeTypeOf('number');
    expect(observation.timings.tlsMs).toBeUndefined();
    expect(observation.timings.ttfbMs).toBeTypeOf('number');
    expect(observation.timings.transferMs).toBeTypeOf('number');
    expect(observation.timings.totalMs).toBeGreaterThan(0);
  });

  it('leaves connect timings undefined on a reused keep-alive socket', async () => {
    const server = await startServer((_request, res) => res.end('ok'));
    const first = expectOk(await run(req(`${server.origin}/one`)));
    // undici marks the client idle on the next tick; a request in the same tick opens a new socket.
    await nextMacrotask();
    const second = expectOk(await run(req(`${server.origin}/two`)));
    expect(server.connections()).toBe(1);
    expect(first.timings.connectMs).toBeTypeOf('number');
    expect(second.timings.connectMs).toBeUndefined();
    expect(second.timings.dnsMs).toBeUndefined();
    expect(second.timings.ttfbMs).toBeTypeOf('number');
    expect(second.remoteAddress).toBe('127.0.0.1');
  });

  it('times DNS when the host is a name', async () => {
    const server = await startServer((_request, res) => res.end('ok'));
    const observation = expectOk(await run(req(`http://localhost:${server.port}/`)));
    expect(observation.timings.dnsMs).toBeTypeOf('number');
    expect(observation.timings.connectMs).toBeTypeOf('number');
  });

  it('ties each of many concurrent requests to its own socket', async () => {
    const server = await startServer((request, res) => {
      // Stagger answers so requests overlap and finish out of order.
      setTimeout(() => res.end(request.url), Number(request.url?.slice(1)) % 7);
    });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => run(req(`${server.origin}/${i}`)).then(expectOk)),
    );
    results.forEach((observation, i) => {
      expect(observation.body).toBe(`/${i}`);
      expect(observation.remoteAddress).toBe('127.0.0.1');
      expect(observation.timings.ttfbMs).toBeTypeOf('number');
    });
    // Exactly one request per opened socket carries its connect time.
    const withConnect = results.filter((observation) => observation.timings.connectMs !== undefined).length;
    expect(withConnect).toBe(server.connections());
  });

  it('sends method, headers and body as given', async () => {
    let seen: { method?: string; headers?: http.IncomingHttpHeaders; body?: string } = {};
    const server = await startServer((request, res) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen = { method: request.method, headers: request.headers, body };
        res.statusCode = 201;
        res.end();
      });
    });
    const observation = expectOk(
      await run(
        req(`${server.origin}/api/refunds`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-trace': 't1' },
          body: '{"amount":120}',
        }),
      ),
    );
    expect(observation.status).toBe(201);
    expect(observation.body).toBe('');
    expect(seen).toMatchObject({ method: 'POST', body: '{"amount":120}' });
    expect(seen.headers).toMatchObject({ 'content-type': 'application/json', 'x-trace': 't1' });
  });
});

describe('probe: timeouts and broken connections', () => {
  it('gives up on slow headers by the deadline', async () => {
    const server = await startServer((_request, res) => {
      const timer = setTimeout(() => res.end('late'), 10_000);
      res.on('close', () => clearTimeout(timer));
    });
    const result = expectError(await run(req(`${server.origin}/slow`, { timeoutMs: 2_000 })));
    expect(['PATHPROOF_DEADLINE', 'UND_ERR_HEADERS_TIMEOUT']).toContain(result.error.code);
    expect(result.error.phase).toBe('headers');
    expect(result.timings.totalMs).toBeLessThan(10_000);
    expect(result.partial?.remoteAddress).toBe('127.0.0.1');
  });

  it('gives up on a body that stalls after the headers', async () => {
    const server = await startServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('first bytes');
    });
    const result = expectError(await run(req(`${server.origin}/stall`, { timeoutMs: 2_000 })));
    expect(['PATHPROOF_DEADLINE', 'UND_ERR_BODY_TIMEOUT']).toContain(result.error.code);
    expect(result.error.phase).toBe('body');
    expect(result.partial).toMatchObject({ status: 200, headers: { 'content-type': 'text/plain' } });
  });

  it('ends a trickling body at the deadline (no idle gap long enough for bodyTimeout)', async () => {
    const server = await startServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(timer));
    });
    const result = expectError(await run(req(`${server.origin}/trickle`, { timeoutMs: 2_000 })));
    expect(result.error.code).toBe('PATHPROOF_DEADLINE');
    expect(result.error.phase).toBe('body');
    expect(result.error.message).toContain('within 2000ms (while reading the body)');
  });

  it('reports a reset in the middle of the body', async () => {
    const server = await startServer((request, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('0123456789', () => setTimeout(() => request.socket.resetAndDestroy(), 20));
    });
    const result = expectError(await run(req(`${server.origin}/reset`)));
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(result.error.code);
    expect(result.error.phase).toBe('body');
    expect(result.partial?.status).toBe(200);
  });

  it('reports a connection closed mid-body as a socket error in the body phase', async () => {
    const server = await startServer((request, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('0123456789', () => setTimeout(() => request.socket.destroy(), 20));
    });
    const result = expectError(await run(req(`${server.origin}/close`)));
    expect(['UND_ERR_SOCKET', 'ECONNRESET']).toContain(result.error.code);
    expect(result.error.phase).toBe('body');
  });

  it('reports a refused port as ECONNREFUSED in the connect phase, without header values', async () => {
    const port = await refusedPort();
    const result = expectError(
      await run(req(`http://127.0.0.1:${port}/`, { headers: { authorization: 'Bearer s3cr3t-token' } })),
    );
    expect(result.error).toMatchObject({ code: 'ECONNREFUSED', phase: 'connect' });
    expect(result.error.message).toContain('ECONNREFUSED');
    expect(result.error.message).not.toContain('s3cr3t');
    expect(result.timings.connectMs).toBeUndefined();
  });

  it('hits the deadline while queued behind a busy connection', async () => {
    const single = createHttpDeps({ clock, connections: 1 });
    try {
      const server = await startServer((request, res) => {
        if (request.url === '/hold') return; // never answers; closed in afterEach
        res.end('ok');
      });
      const holding = probe(req(`${server.origin}/hold`, { timeoutMs: 3_000 }), { dispatcher: single.dispatcher, clock });
      const queued = expectError(
        await probe(req(`${server.origin}/next`, { timeoutMs: 500 }), { dispatcher: single.dispatcher, clock }),
      );
      expect(queued.error).toMatchObject({ code: 'PATHPROOF_DEADLINE', phase: 'connect' });
      expect(queued.timings.totalMs).toBeLessThan(3_000);
      // Hang up on the held request so the test does not wait for its deadline.
      await server.close();
      expect((await holding).ok).toBe(false);
    } finally {
      await single.close();
    }
  });

  it('stops when the caller aborts, with phase aborted', async () => {
    const server = await startServer((_request, res) => {
      const timer = setTimeout(() => res.end('late'), 5_000);
      res.on('close', () => clearTimeout(timer));
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('SIGTERM')), 50);
    const result = expectError(await run(req(`${server.origin}/`), controller.signal));
    expect(result.error).toMatchObject({ code: 'PATHPROOF_ABORTED', phase: 'aborted' });
  });

  it('does not start when the signal is already aborted', async () => {
    const server = await startServer((_request, res) => res.end('ok'));
    const result = expectError(await run(req(`${server.origin}/`), AbortSignal.abort()));
    expect(result.error.code).toBe('PATHPROOF_ABORTED');
  });
});

describe('probe: body cap', () => {
  it('reads at most maxBodyBytes of an endless body and stops', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let written = 0;
    const server = await startServer((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Endless unless the client hangs up: if the probe kept reading, this test would time out.
      const pump = (): void => {
        while (!res.destroyed && written < 5 * 1024 * 1024 * 100) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const cap = 100 * 1024;
    const observation = expectOk(await run(req(`${server.origin}/big`, { maxBodyBytes: cap, timeoutMs: 10_000 })));
    expect(observation.bodyTruncated).toBe(true);
    expect(observation.bodyBytes).toBe(cap);
    expect(observation.body.length).toBe(cap);
  });

  it('reports the announced size of a truncated body with content-length', async () => {
    const size = 5 * 1024 * 1024;
    const server = await startServer((_request, res) => {
      res.writeHead(200, { 'content-length': String(size) });
      res.end(Buffer.alloc(size, 'y'));
    });
    const observation = expectOk(await run(req(`${server.origin}/big`, { maxBodyBytes: 1024 })));
    expect(observation).toMatchObject({ bodyTruncated: true, bodyBytes: size });
    expect(observation.body).toBe('y'.repeat(1024));
  });

  it('does not flag a body of exactly the cap as truncated', async () => {
    const server = await startServer((_request, res) => res.end('z'.repeat(2048)));
    const observation = expectOk(await run(req(`${server.origin}/`, { maxBodyBytes: 2048 })));
    expect(observation).toMatchObject({ bodyTruncated: false, bodyBytes: 2048 });
  });
});

describe('probe: redirects', () => {
  function redirectServer(routes: Record<string, [number, string] | ((request: http.IncomingMessage, res: http.ServerResponse) => void)>) {
    return startServer((request, res) => {
      const route = routes[request.url ?? ''];
      request.resume();
      if (typeof route === 'function') return route(request, res);
      if (!route) {
        res.statusCode = 404;
        return res.end('not found');
      }
      res.writeHead(route[0], { location: route[1] });
      res.end('moved');
    });
  }

  it('follows a chain and records every hop', async () => {
    const server = await redirectServer({
      '/a': [302, '/b'],
      '/b': [301, '/c?x=1'],
      '/c?x=1': (_request, res) => res.end('landed'),
    });
    const observation = expectOk(await run(req(`${server.origin}/a`)));
    expect(observation.status).toBe(200);
    expect(observation.body).toBe('landed');
    expect(observation.url).toBe(`${server.origin}/c?x=1`);
    expect(observation.redirects).toEqual([
      { status: 302, from: `${server.origin}/a`, to: `${server.origin}/b` },
      { status: 301, from: `${server.origin}/b`, to: `${server.origin}/c?x=1` },
    ]);
  });

  it('observes the 3xx itself with maxRedirects 0', async () => {
    const server = await redirectServer({ '/a': [302, '/b'] });
    const observation = expectOk(await run(req(`${server.origin}/a`, { maxRedirects: 0 })));
    expect(observation).toMatchObject({ status: 302, body: 'moved', redirects: [] });
    expect(observation.headers['location']).toBe('/b');
  });

  it('turns POST into GET without a body on 303, and keeps both on 307', async () => {
    const seen: { url?: string; method?: string; body: string; contentType?: string }[] = [];
    const record: Handler = (request, res) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({ url: request.url, method: request.method, body, contentType: request.headers['content-type'] });
        res.end('done');
      });
    };
    const server = await startServer((request, res) => {
      if (request.url === '/see-other' || request.url === '/temporary') {
        request.resume();
        res.writeHead(request.url === '/see-other' ? 303 : 307, { location: '/target' });
        return res.end();
      }
      record(request, res);
    });
    const post = (path: string) =>
      run(req(`${server.origin}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'payload' }));
    expectOk(await post('/see-other'));
    expectOk(await post('/temporary'));
    expect(seen).toEqual([
      { url: '/target', method: 'GET', body: '', contentType: undefined },
      { url: '/target', method: 'POST', body: 'payload', contentType: 'text/plain' },
    ]);
  });

  it('never forwards credentials to another origin, but keeps them on the same origin', async () => {
    const received: http.IncomingHttpHeaders[] = [];
    const other = await startServer((request, res) => {
      received.push(request.headers);
      res.end('other');
    });
    let sameOriginAuth: string | undefined;
    const first = await startServer((request, res) => {
      if (request.url === '/same') {
        res.writeHead(302, { location: '/same-landing' });
        return res.end();
      }
      if (request.url === '/same-landing') {
        sameOriginAuth = request.headers.authorization;
        return res.end('same');
      }
      res.writeHead(302, { location: `${other.origin}/landing` });
      res.end();
    });
    const headers = { authorization: 'Bearer s3cr3t', cookie: 'session=abc', 'proxy-authorization': 'Basic xyz', 'x-keep': 'yes' };

    const crossed = expectOk(await run(req(`${first.origin}/go`, { headers })));
    expect(crossed.body).toBe('other');
    expect(received).toHaveLength(1);
    expect(received[0]).not.toHaveProperty('authorization');
    expect(received[0]).not.toHaveProperty('cookie');
    expect(received[0]).not.toHaveProperty('proxy-authorization');
    expect(received[0]).toMatchObject({ 'x-keep': 'yes' });

    expectOk(await run(req(`${first.origin}/same`, { headers })));
    expect(sameOriginAuth).toBe('Bearer s3cr3t');
  });

  it('reports a loop', async () => {
    const server = await redirectServer({ '/a': [302, '/b'], '/b': [302, '/a'] });
    const result = expectError(await run(req(`${server.origin}/a`)));
    expect(result.error).toMatchObject({ code: 'PATHPROOF_REDIRECT_LOOP', phase: 'redirect' });
    expect(result.error.message).toContain('/a → ');
    expect(result.redirects).toHaveLength(2);
    expect(result.partial?.status).toBe(302);
  });

  it('reports too many redirects', async () => {
    const routes: Record<string, [number, string]> = {};
    for (let i = 0; i < 10; i += 1) routes[`/${i}`] = [302, `/${i + 1}`];
    const server = await redirectServer(routes);
    const result = expectError(await run(req(`${server.origin}/0`, { maxRedirects: 3 })));
    expect(result.error).toMatchObject({ code: 'PATHPROOF_TOO_MANY_REDIRECTS', phase: 'redirect' });
    expect(result.error.message).toContain('more than 3 redirects');
    expect(result.redirects).toHaveLength(4);
  });

  it('reports a redirect to a non-http scheme', async () => {
    const server = await redirectServer({ '/a': [302, 'ftp://example.test/file'] });
    const result = expectError(await run(req(`${server.origin}/a`)));
    expect(result.error).toMatchObject({ code: 'PATHPROOF_REDIRECT_INVALID', phase: 'redirect' });
  });
});

/** A throwaway self-signed certificate from openssl, or the reason we cannot make one. */
function selfSignedCert(): { key: Buffer; cert: Buffer } | { skip: string } {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), 'pathproof-tls-'));
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore', timeout: 10_000 },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch (error) {
    return { skip: `openssl could not generate a certificate: ${(error as Error).message}` };
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSignedCert();

describe('probe: TLS', () => {
  it.skipIf('skip' in tls)(`rejects a self-signed certificate, and the insecure dispatcher accepts it${'skip' in tls ? ` (skipped: ${tls.skip})` : ''}`, async () => {
    if ('skip' in tls) return;
    const server = await startServer(
      (_request, res) => res.end('secure'),
      (handler) => https.createServer({ key: tls.key, cert: tls.cert }, handler),
    );
    const strict = expectError(await run(req(`${server.origin}/`)));
    expect(strict.error).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', phase: 'tls' });

    const insecure = expectOk(await probe(req(`${server.origin}/`), { dispatcher: deps.insecureDispatcher, clock }));
    expect(insecure.status).toBe(200);
    expect(insecure.body).toBe('secure');
    expect(insecure.timings.connectMs).toBeTypeOf('number');
    expect(insecure.timings.tlsMs).toBeTypeOf('number');
  });

  it.skipIf('skip' in tls)('reads the certificate of the connection that carried the exchange, reused sockets included', async () => {
    if ('skip' in tls) return;
    const server = await startServer(
      (_request, res) => res.end('secure'),
      (handler) => https.createServer({ key: tls.key, cert: tls.cert }, handler),
    );
    const before = Date.now();
    const first = expectOk(await probe(req(`${server.origin}/`), { dispatcher: deps.insecureDispatcher, clock }));
    // A gap like a canary's: the first socket is back in the pool, idle, and reused.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = expectOk(await probe(req(`${server.origin}/again`), { dispatcher: deps.insecureDispatcher, clock }));
    expect(server.connections()).toBe(1);
    expect(second.timings.tlsMs).toBeUndefined();
    for (const observation of [first, second]) {
      expect(observation.tls?.subject).toBe('localhost');
      // openssl -days 1: it expires about a day from now (seconds of slack for a loaded machine).
      const notAfter = Date.parse(observation.tls?.notAfter ?? '');
      expect(notAfter - before).toBeGreaterThan(86_400_000 - 3_600_000);
      expect(notAfter - before).toBeLessThanOrEqual(86_400_000 + 60_000);
    }
  });
});

describe('probe: traceparent', () => {
  it('every hop to a first-party origin gets its own span of the one trace; another origin gets none', async () => {
    const seen: { path: string | undefined; traceparent: string | undefined }[] = [];
    const other = await startServer((request, res) => {
      seen.push({ path: request.url, traceparent: String(request.headers.traceparent ?? '') || undefined });
      res.end('elsewhere');
    });
    const server = await startServer((request, res) => {
      seen.push({ path: request.url, traceparent: String(request.headers.traceparent ?? '') || undefined });
      if (request.url === '/a') res.writeHead(302, { location: '/b' }).end();
      else if (request.url === '/b') res.writeHead(302, { location: `${other.origin}/c` }).end();
      else res.end('ok');
    });
    const trace = createTrace([server.origin]);
    const observation = expectOk(await run(req(`${server.origin}/a`, { trace })));
    expect(observation.body).toBe('elsewhere');
    expect(seen.map((s) => s.path)).toEqual(['/a', '/b', '/c']);
    const [a, b, c] = seen.map((s) => s.traceparent);
    expect(traceIdOf(a)).toBe(trace.traceId);
    expect(traceIdOf(b)).toBe(trace.traceId);
    expect(a).not.toBe(b);
    expect(c).toBeUndefined();
    // The final hop went to a third party: nothing of ours is recorded as sent there.
    expect(observation.traceparent).toBeUndefined();
  });

  it('keeps a traceparent the step set itself, and records what it sent on a failure too', async () => {
    const seen: (string | undefined)[] = [];
    const server = await startServer((request, res) => {
      seen.push(String(request.headers.traceparent ?? '') || undefined);
      if (request.url === '/hang') return; // never answers
      res.end('ok');
    });
    const own = `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`;
    const trace = createTrace([server.origin]);
    expectOk(await run(req(`${server.origin}/`, { trace, headers: { traceparent: own } })));
    const hung = await run(req(`${server.origin}/hang`, { trace, timeoutMs: 300 }));
    expect(hung.ok).toBe(false);
    if (hung.ok) return;
    expect(seen[0]).toBe(own);
    expect(traceIdOf(seen[1])).toBe(trace.traceId);
    expect(hung.partial?.traceparent).toBe(seen[1]);
  });
});

describe('probe: a reused keep-alive connection the server closed', () => {
  /**
   * A server that answers the first request of each connection and closes the connection
   * when a second request arrives on it — what a proxy with a short keep-alive timeout does
   * to a client that reuses the connection just as it is closed. `freshAlso` makes it close
   * every later request, on new connections too.
   */
  async function closingServer(freshAlso = false): Promise<TestServer> {
    const requests = new WeakMap<object, number>();
    let answered = 0;
    return startServer((request, res) => {
      const n = (requests.get(request.socket) ?? 0) + 1;
      requests.set(request.socket, n);
      if (n > 1 || (freshAlso && answered > 0)) {
        request.socket.destroy();
        return;
      }
      answered += 1;
      res.setHeader('connection', 'keep-alive');
      res.end('ok');
    });
  }

  async function probeWith(own: ReturnType<typeof createHttpDeps>, request: ProbeRequest): Promise<ProbeResult> {
    // A gap like a canary's between requests: the first socket is back in the pool, idle, and reused.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const makeFresh = own.fresh;
    return probe(request, { dispatcher: own.dispatcher, clock, ...(makeFresh ? { fresh: () => makeFresh(true) } : {}) });
  }

  it('sends an idempotent request again on a fresh connection, and records that it did', async () => {
    const own = createHttpDeps({ clock });
    try {
      const server = await closingServer();
      expectOk(await probeWith(own, req(`${server.origin}/first`)));
      const observation = expectOk(await probeWith(own, req(`${server.origin}/second`)));
      expect(observation.status).toBe(200);
      expect(observation.retriedOnFreshConnection).toMatch(/^(ECONNRESET|UND_ERR_SOCKET|EPIPE|UND_ERR_CLOSED)$/);
      expect(server.connections()).toBe(2);
    } finally {
      await own.close();
    }
  });

  it('a fresh connection failing the same way is the verdict', async () => {
    const own = createHttpDeps({ clock });
    try {
      const server = await closingServer(true);
      expectOk(await probeWith(own, req(`${server.origin}/first`)));
      const failed = expectError(await probeWith(own, req(`${server.origin}/second`)));
      expect(failed.error.code).toMatch(/^(ECONNRESET|UND_ERR_SOCKET|EPIPE|UND_ERR_CLOSED)$/);
      expect(server.connections()).toBe(2);
    } finally {
      await own.close();
    }
  });

  it('never sends a POST again once it was written', async () => {
    const own = createHttpDeps({ clock });
    try {
      const server = await closingServer();
      expectOk(await probeWith(own, req(`${server.origin}/first`)));
      const failed = expectError(await probeWith(own, req(`${server.origin}/orders`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })));
      expect(failed.error.code).toMatch(/^(ECONNRESET|UND_ERR_SOCKET|EPIPE|UND_ERR_CLOSED)$/);
      expect(server.connections()).toBe(1);
    } finally {
      await own.close();
    }
  });
});
