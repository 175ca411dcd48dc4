// The benchmark's target: a small JSON API and a two-page checkout (a home page linking to a
// form), in its own process so the server's CPU is not charged to whichever client is being
// measured.
import { createServer } from 'node:http';

const home = `<!doctype html><html><head><title>Shop</title></head><body>
<h1>Shop</h1>
<nav><a href="/checkout">Checkout</a></nav></body></html>`;

const checkout = `<!doctype html><html><head><title>Checkout</title></head><body>
<h1>Checkout</h1>
<label for="amount">Amount</label><input id="amount" name="amount">
<button type="button" onclick="document.getElementById('out').textContent = 'Paid ' + document.getElementById('amount').value">Pay</button>
<p id="out"></p></body></html>`;

const server = createServer((req, res) => {
  if (req.url?.startsWith('/api/')) {
    const body = JSON.stringify({ ok: true, path: req.url, items: [{ id: 1, name: 'widget' }] });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(req.url?.startsWith('/checkout') ? checkout : home);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
