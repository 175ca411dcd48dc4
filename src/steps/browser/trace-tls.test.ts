/**
 * Issue #17 in the browser, against real Chromium and a real HTTPS server with a
 * short-lived self-signed certificate: first-party requests carry our `traceparent` (one
 * trace, a span each), a traceparent the page set itself is left alone, third-party hosts
 * never see one; the document's certificate is recorded from Playwright's security details.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../result/clock.js';
import { createTrace, traceIdOf } from '../trace.js';
import type { BrowserSupport } from '../types.js';
import { testJourney } from './fixtures/harness.js';
import type { TestJourney } from './fixtures/harness.js';
import { createBrowserSupport } from './session.js';

const PAGE_OWN = `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`;

/** A throwaway self-signed certificate valid for one day, or why none could be made. */
function selfSignedCert(dir: string): { key: Buffer; cert: Buffer } | { skip: string } {
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { stdio: 'ignore', timeout: 10_000 },
    );
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch (error) {
    return { skip: `openssl could not generate a certificate: ${(error as Error).message}` };
  }
}

interface Seen {
  readonly path: string;
  readonly traceparent: string | undefined;
}
const headerOf = (request: IncomingMessage): string | undefined => {
  const value = request.headers.traceparent;
  return Array.isArray(value) ? value[0] : value;
};

const dir = mkdtempSync(join(tmpdir(), 'pathproof-trace-tls-'));
const tls = selfSignedCert(dir);
const app: Seen[] = [];
const thirdParty: Seen[] = [];
let appServer: Server | undefined;
let thirdServer: Server | undefined;
let appUrl = '';
let support: BrowserSupport;
const journeys: TestJourney[] = [];

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  if ('skip' in tls) return;
  // Another origin (localhost, not 127.0.0.1): third-party for these journeys.
  thirdServer = createHttpServer((request, response) => {
    thirdParty.push({ path: request.url ?? '', traceparent: headerOf(request) });
    response.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' }).end('third');
  });
  const thirdPort = await listen(thirdServer);
  appServer = createHttpsServer({ key: tls.key, cert: tls.cert }, (request, response) => {
    app.push({ path: request.url ?? '', traceparent: headerOf(request) });
    if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><title>shop</title><p id="out">loading</p><script>
        Promise.all([
          fetch('/api/data').then((r) => r.text()),
          fetch('/api/own', { headers: { traceparent: '${PAGE_OWN}' } }).then((r) => r.text()),
          fetch('http://localhost:${thirdPort}/pixel').then((r) => r.text()).catch(() => 'blocked'),
        ]).then((texts) => { document.getElementById('out').textContent = 'done ' + texts.join(' '); });
      </script>`);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*', 'access-control-allow-headers': 'traceparent' }).end('ok');
  });
  appUrl = `https://127.0.0.1:${await listen(appServer)}`;
  support = createBrowserSupport({ env: { PATH: process.env.PATH, PATHPROOF_CHROMIUM: process.env.PATHPROOF_CHROMIUM }, clock: systemClock() });
});

afterAll(async () => {
  await support?.close();
  for (const server of [appServer, thirdServer]) {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(journeys.splice(0).map((j) => j.close()));
  app.splice(0);
  thirdParty.splice(0);
});

describe.skipIf('skip' in tls)(`browser: traceparent and the document's certificate${'skip' in tls ? ` (skipped: ${tls.skip})` : ''}`, () => {
  it('first-party requests carry one trace with a span each; the page’s own traceparent stays; third parties get none', async () => {
    const trace = createTrace([appUrl]);
    const journey = testJourney({ support, target: appUrl, dir, insecure: true, trace });
    journeys.push(journey);
    const before = Date.now();
    const goto = await journey.run('goto', { goto: '/' });
    const see = await journey.run('see', { see: 'done ok ok third' });
    expect(see.status).toBe('passed');
    expect(goto.status).toBe('passed');

    const ours = app.filter((s) => s.path !== '/api/own' && s.path !== '/favicon.ico');
    expect(ours.map((s) => s.path).sort()).toEqual(['/', '/api/data']);
    for (const seen of ours) expect(traceIdOf(seen.traceparent)).toBe(trace.traceId);
    expect(new Set(ours.map((s) => s.traceparent)).size).toBe(ours.length);
    expect(app.find((s) => s.path === '/api/own')?.traceparent).toBe(PAGE_OWN);
    expect(thirdParty).toEqual([{ path: '/pixel', traceparent: undefined }]);

    expect(goto.traceId).toBe(trace.traceId);
    expect(goto.certificates).toHaveLength(1);
    const certificate = goto.certificates?.[0];
    expect(certificate).toMatchObject({ origin: appUrl, subject: 'localhost', issuer: 'localhost' });
    // openssl -days 1: it expires about a day from now.
    const left = Date.parse(certificate?.notAfter ?? '') - before;
    expect(left).toBeGreaterThan(86_400_000 - 3_600_000);
    expect(left).toBeLessThanOrEqual(86_400_000 + 60_000);
  });

  it('without a trace (traceparent: false) nothing is sent, and the certificate is still recorded', async () => {
    const journey = testJourney({ support, target: appUrl, dir, insecure: true });
    journeys.push(journey);
    const goto = await journey.run('goto', { goto: '/' });
    expect((await journey.run('see', { see: 'done ok ok third' })).status).toBe('passed');
    expect(app.filter((s) => s.path !== '/api/own').every((s) => s.traceparent === undefined)).toBe(true);
    expect(goto.traceId).toBeUndefined();
    expect(goto.certificates?.[0]?.origin).toBe(appUrl);
  });
});
