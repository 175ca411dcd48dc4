// The browser's traceparent must not change what the user's browser does (issue #17, #16): a
// bundle the server says to cache is fetched once across the journey's pages, as a user's
// browser fetches it, while every request that reaches the first-party server still carries
// the attempt's trace. With a Playwright route (the first implementation) the HTTP cache was
// off and the bundle was fetched on every page. Real Chromium, a real server on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../result/clock.js';
import { createTrace, traceIdOf } from '../trace.js';
import type { BrowserSupport } from '../types.js';
import { testJourney } from './fixtures/harness.js';
import { createBrowserSupport } from './session.js';

const seen: { path: string; traceparent: string | undefined }[] = [];
let server: Server;
let base: string;
let support: BrowserSupport;
const dir = mkdtempSync(join(tmpdir(), 'pathproof-trace-cache-'));

beforeAll(async () => {
  server = createServer((request, response) => {
    const header = request.headers.traceparent;
    seen.push({ path: request.url ?? '', traceparent: Array.isArray(header) ? header[0] : header });
    if (request.url === '/app.js') {
      response.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=3600' });
      response.end('document.getElementById("out").textContent = "ready " + location.pathname;');
      return;
    }
    if (request.url === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><title>shop</title><p id="out">loading</p><a href="/cart">Cart</a><script src="/app.js"></script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  support = createBrowserSupport({ env: { PATH: process.env.PATH, PATHPROOF_CHROMIUM: process.env.PATHPROOF_CHROMIUM }, clock: systemClock() });
});

afterAll(async () => {
  await support?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('traceparent in the browser and the HTTP cache', () => {
  it('a cacheable bundle is fetched once across pages; every request that reaches the server carries the trace', async () => {
    const trace = createTrace([base]);
    const journey = testJourney({ support, target: base, dir, trace });
    try {
      expect((await journey.run('goto', { goto: '/' })).status).toBe('passed');
      expect((await journey.run('see', { see: 'ready /' })).status).toBe('passed');
      expect((await journey.run('click', { click: 'Cart' })).status).toBe('passed');
      expect((await journey.run('see', { see: 'ready /cart' })).status).toBe('passed');
      expect((await journey.run('goto', { goto: '/orders' })).status).toBe('passed');
      expect((await journey.run('see', { see: 'ready /orders' })).status).toBe('passed');
    } finally {
      await journey.close();
    }
    const requested = seen.filter((s) => s.path !== '/favicon.ico');
    expect(requested.map((s) => s.path)).toEqual(['/', '/app.js', '/cart', '/orders']);
    for (const request of requested) expect(traceIdOf(request.traceparent)).toBe(trace.traceId);
    expect(new Set(requested.map((s) => s.traceparent)).size).toBe(requested.length);
  });
});
