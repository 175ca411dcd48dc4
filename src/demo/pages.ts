/**
 * HTML pages of the demo shop. Plain template strings: labels, roles and names are what
 * the example journeys locate, so changing a text here means changing `journeys/*.yaml`.
 *
 * Hazard: locators match names as case-insensitive substrings, so a second link whose name
 * contains "orders" would make `{ role: link, name: Orders }` ambiguous (pages.browser.test.ts).
 *
 * The inline scripts are ES5-ish and defensive on purpose: an uncaught page error would be
 * classified as `app`, and only the `missing-button` scenario should break the order page.
 */
import { escapeHtml as esc } from './http-io.js';
import type { Order, User } from './store.js';

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1d1d1f; }
  header { background: #0b3d91; padding: .6rem 1.5rem; }
  header a { color: #fff; margin-right: 1.2rem; text-decoration: none; }
  main { max-width: 40rem; margin: 2rem auto; padding: 0 1.5rem; }
  label { display: block; margin-top: .8rem; font-weight: 600; }
  input, button { font: inherit; padding: .35rem .6rem; }
  button { margin-top: 1rem; }
  [role=alert] { color: #b00020; }
  [role=status] { color: #0a7a2f; }
  footer { color: #888; font-size: .8rem; text-align: center; margin: 3rem 0 1rem; }
`;

interface Layout {
  readonly title: string;
  readonly version: string;
  readonly user?: User | undefined;
  readonly body: string;
  readonly script?: string;
}

function layout({ title, version, user, body, script }: Layout): string {
  const account = user
    ? `<span data-testid="signed-in-as" style="color:#cfe">${esc(user.name)}</span>`
    : '<a href="/login">Sign in</a>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="app-version" content="${esc(version)}">
<title>${esc(title)} · Acme Shop</title>
<style>${STYLE}</style>
</head>
<body>
<header><nav aria-label="Main"><a href="/" data-testid="brand">Acme</a><a href="/orders">Orders</a>${account}</nav></header>
<main>
${body}
</main>
<footer data-testid="app-version">Acme Shop ${esc(version)}</footer>
${script ? `<script>${script}</script>` : ''}
</body>
</html>
`;
}

function money(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

export function homePage(version: string, user: User | undefined): string {
  return layout({
    title: 'Home',
    version,
    user,
    body: `<h1>Acme Shop</h1>
<p data-testid="tagline">Everything for your desk, delivered.</p>
<p>Sign in to track a delivery or request a refund.</p>`,
  });
}

const LOGIN_SCRIPT = `
(function () {
  var form = document.getElementById('login-form');
  var error = document.getElementById('login-error');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    error.hidden = true;
    fetch('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: form.email.value, password: form.password.value })
    }).then(function (res) {
      if (res.ok) { location.assign(form.dataset.next || '/orders'); return; }
      return res.json().catch(function () { return {}; }).then(function (data) {
        error.textContent = 'Sign-in failed: ' + (data.error || ('HTTP ' + res.status));
        error.hidden = false;
      });
    }).catch(function () {
      error.textContent = 'Sign-in failed: the server could not be reached';
      error.hidden = false;
    });
  });
})();
`;

/** `next` must already be a safe local path (see app.ts). */
export function loginPage(version: string, next: string, error?: string): string {
  return layout({
    title: 'Sign in',
    version,
    body: `<h1>Sign in</h1>
<form id="login-form" method="post" action="/api/login" data-next="${esc(next)}">
  <input type="hidden" name="next" value="${esc(next)}">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="username" required>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <div><button type="submit">Sign in</button></div>
  <p id="login-error" role="alert"${error ? '' : ' hidden'}>${error ? esc(error) : ''}</p>
</form>
<p>Demo account: qa@example.com</p>`,
    script: LOGIN_SCRIPT,
  });
}

export function ordersPage(version: string, user: User, orders: readonly Order[]): string {
  const rows = orders
    .map(
      (o) =>
        `<li><a href="/orders/${esc(o.id)}">Order #${esc(o.id)}</a> · ${esc(o.placedAt)} · ${money(o.total)} · ${esc(o.status)}</li>`,
    )
    .join('\n  ');
  return layout({
    title: 'Your orders',
    version,
    user,
    body: `<h1>Your orders</h1>
<ul data-testid="order-list">
  ${rows}
</ul>`,
  });
}

const REFUND_SCRIPT = `
(function () {
  var button = document.getElementById('request-refund');
  var amount = document.getElementById('amount');
  var status = document.getElementById('refund-status');
  var error = document.getElementById('refund-error');
  if (!button) return; // the missing-button scenario ships the page without it
  button.addEventListener('click', function () {
    error.hidden = true;
    status.textContent = '';
    button.disabled = true;
    fetch('/api/refunds', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: button.dataset.orderId, amount: Number(amount.value) })
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (res.status === 201) {
          status.textContent = 'Refund ' + data.status + ' · reference ';
          var id = document.createElement('span');
          id.setAttribute('data-testid', 'refund-id');
          id.textContent = data.id;
          status.appendChild(id);
        } else {
          error.textContent = 'Refund failed: ' + (data.error || ('HTTP ' + res.status));
          error.hidden = false;
        }
      });
    }).catch(function () {
      error.textContent = 'Refund failed: the server could not be reached';
      error.hidden = false;
    }).then(function () { button.disabled = false; });
  });
})();
`;

export function orderPage(version: string, user: User, order: Order, withRefundButton: boolean): string {
  const items = order.items
    .map((i) => `<li>${esc(i.name)} × ${i.quantity} · ${money(i.price * i.quantity)}</li>`)
    .join('\n  ');
  const button = withRefundButton
    ? `<div><button type="button" id="request-refund" data-order-id="${esc(order.id)}">Request refund</button></div>`
    : '';
  return layout({
    title: `Order #${order.id}`,
    version,
    user,
    body: `<h1>Order #${esc(order.id)}</h1>
<p>Placed ${esc(order.placedAt)} · <span data-testid="order-status">${esc(order.status)}</span> · total <span data-testid="order-total">${money(order.total)}</span></p>
<ul>
  ${items}
</ul>
<section aria-labelledby="refund-heading">
  <h2 id="refund-heading">Refund</h2>
  <label for="amount">Amount</label>
  <input id="amount" name="amount" type="number" min="0.01" step="0.01" max="${order.total}">
  ${button}
  <p id="refund-status" role="status" aria-live="polite"></p>
  <p id="refund-error" role="alert" hidden></p>
</section>`,
    script: REFUND_SCRIPT,
  });
}

export function notFoundPage(version: string, path: string): string {
  return layout({ title: 'Not found', version, body: `<h1>Not found</h1><p>Nothing at ${esc(path)}.</p>` });
}
