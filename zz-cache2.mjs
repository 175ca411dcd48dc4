import http from 'node:http';
import { chromium } from 'playwright-core';
let hits = 0; const tp = [];
const srv = http.createServer((q, s) => {
  tp.push(q.url + ' ' + (q.headers.traceparent ? 'TP' : '-'));
  if (q.url === '/app.js') { hits++; s.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=3600' }); s.end('document.title = "ok"'); return; }
  s.writeHead(200, { 'content-type': 'text/html' }); s.end('<html><head><script src="/app.js"></script></head><body><a href="/two">two</a></body></html>');
}).listen(0, '127.0.0.1');
await new Promise((r) => srv.once('listening', r));
const base = `http://127.0.0.1:${srv.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const ctx = await browser.newContext();
const page = await ctx.newPage();
const cdp = await ctx.newCDPSession(page);
let n = 0;
cdp.on('Fetch.requestPaused', (e) => { n++; const headers = Object.entries(e.request.headers).map(([name, value]) => ({ name, value })); headers.push({ name: 'traceparent', value: '00-' + '1'.repeat(32) + '-' + String(n).padStart(16, '0') + '-01' }); cdp.send('Fetch.continueRequest', { requestId: e.requestId, headers }).catch((err) => console.log('cont err', err.message)); });
await cdp.send('Fetch.enable', { patterns: [{ urlPattern: base + '/*', requestStage: 'Request' }] });
const t = Date.now();
await page.goto(base + '/'); await page.goto(base + '/two'); await page.goto(base + '/three');
console.log('cdp fetch: app.js from server', hits, 'times; paused', n, 'ms', Date.now() - t);
console.log(tp.join('\n'));
// does Playwright's recorder still see requests/responses?
await browser.close(); srv.close();
