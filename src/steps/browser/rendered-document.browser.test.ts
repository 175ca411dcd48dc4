// The failed document's markup as the page shows it: the fallback for a body the browser did
// not give (evidence.ts renderedErrorDocument). Real Chromium, real replies on 127.0.0.1; what
// cannot be provoked here is Chromium's getResponseBody failing, so the document is given
// without its body, as the recorder reports it then.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyStatus } from '../../classify/status.js';
import { renderedErrorDocument } from './evidence.js';

const MAINTENANCE = '<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Alerting is under maintenance</h1></body></html>';

let browser: Browser;
let server: Server;
let base: string;
let page: Page;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/maintenance') {
      res.writeHead(503, { 'content-type': 'text/html', server: 'Apache/2.4.62 (Debian)' });
      res.end(MAINTENANCE);
    } else if (req.url === '/json') {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":"unavailable"}');
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body><h1>Fine</h1></body></html>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch(existsSync('/usr/bin/chromium') ? { executablePath: '/usr/bin/chromium' } : {});
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe('an error document the browser gave no body for', () => {
  it("reads the shown maintenance page's markup, and the verdict is the proxy's as with the body", async () => {
    await page.goto(`${base}/maintenance`);
    const headers = { 'content-type': 'text/html', server: 'Apache/2.4.62 (Debian)' };
    const body = await renderedErrorDocument(page, { url: `${base}/maintenance`, status: 503, headers }, 2_000);
    expect(body).toContain('<h1>Alerting is under maintenance</h1>');
    const fromDom = classifyStatus({ status: 503, method: 'GET', url: `${base}/maintenance`, headers, ...(body === undefined ? {} : { body }) });
    const fromBody = classifyStatus({ status: 503, method: 'GET', url: `${base}/maintenance`, headers, body: MAINTENANCE });
    expect(fromDom?.layer).toBe('proxy');
    expect(fromDom?.reason).toBe(fromBody?.reason);
  });

  it('leaves the body unknown when it is not an HTML document, not an error, already known, or no longer shown', async () => {
    await page.goto(`${base}/json`);
    expect(await renderedErrorDocument(page, { url: `${base}/json`, status: 503, headers: { 'content-type': 'application/json' } }, 2_000)).toBeUndefined();
    await page.goto(`${base}/maintenance`);
    const html = { 'content-type': 'text/html' };
    expect(await renderedErrorDocument(page, { url: `${base}/maintenance`, status: 200, headers: html }, 2_000)).toBeUndefined();
    expect(await renderedErrorDocument(page, { url: `${base}/maintenance`, status: 503, headers: html, body: 'seen' }, 2_000)).toBeUndefined();
    expect(await renderedErrorDocument(page, { url: `${base}/other`, status: 503, headers: html }, 2_000)).toBeUndefined();
    expect(await renderedErrorDocument(page, { url: `${base}/maintenance`, status: 503 }, 2_000)).toBeUndefined();
  });
});
