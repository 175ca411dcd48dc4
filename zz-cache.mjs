import http from 'node:http';
import { chromium } from 'playwright-core';
let hits = 0;
const srv = http.createServer((q, s) => {
  if (q.url === '/app.js') { hits++; s.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=3600' }); s.end('document.title = "ok"'); return; }
  s.writeHead(200, { 'content-type': 'text/html' }); s.end('<html><head><script src="/app.js"></script></head><body><a href="/two">two</a></body></html>');
}).listen(0, '127.0.0.1');
await new Promise((r) => srv.once('listening', r));
const base = `http://127.0.0.1:${srv.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
for (const mode of ['none', 'route', 'route+cdp']) {
  hits = 0;
  const ctx = await browser.newContext();
  let seen = [];
  if (mode !== 'none') await ctx.route(() => true, async (route) => { seen.push(route.request().url()); await route.continue({ headers: { ...route.request().headers(), traceparent: '00-' + '1'.repeat(32) + '-' + '2'.repeat(16) + '-01' } }); });
  const page = await ctx.newPage();
  if (mode === 'route+cdp') { const cdp = await ctx.newCDPSession(page); await cdp.send('Network.setCacheDisabled', { cacheDisabled: false }); }
  await page.goto(base + '/'); await page.goto(base + '/two'); await page.goto(base + '/three');
  console.log(mode, 'app.js fetched from server', hits, 'times; routed', seen.length);
  await ctx.close();
}
await browser.close(); srv.close();
