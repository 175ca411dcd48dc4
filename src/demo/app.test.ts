import { afterEach, describe, expect, it } from 'vitest';
import { demoJourneyEnv, startDemoApp, type DemoApp, type DemoAppOptions } from './app.js';
import { DEMO_VERSION, SCENARIO_NAMES, SCENARIOS, WRONG_VERSION, type ScenarioName } from './scenarios.js';

const TOKEN = { authorization: 'Bearer demo-token' };
const JSON_HEADERS = { 'content-type': 'application/json' };

let app: DemoApp | undefined;

async function start(options: DemoAppOptions = {}): Promise<DemoApp> {
  app = await startDemoApp(options);
  return app;
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

function call(path: string, init: RequestInit = {}): Promise<Response> {
  if (!app) throw new Error('start the app first');
  return fetch(app.url + path, { redirect: 'manual', signal: AbortSignal.timeout(5_000), ...init });
}

function postRefund(body: unknown = { orderId: '1001', amount: 120 }, headers: Record<string, string> = TOKEN) {
  return call('/api/refunds', { method: 'POST', headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) });
}

function login(email = 'qa@example.com', password = 'demo-password') {
  return call('/api/login', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ email, password }) });
}

async function sessionCookie(): Promise<string> {
  const res = await login();
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0] as string;
}

describe('healthy demo app', () => {
  it('serves the home page with the version, the headers and the nav links the journeys use', async () => {
    await start();
    const res = await call('/');
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('server')).toBe('pathproof-demo');
    expect(res.headers.get('x-app-version')).toBe(DEMO_VERSION);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('<h1>Acme Shop</h1>');
    expect(html).toContain(`<meta name="app-version" content="${DEMO_VERSION}">`);
    expect(html).toContain('<a href="/orders">Orders</a>');
    expect(html).toContain('<a href="/login">Sign in</a>');
    expect(html).toContain('data-testid="tagline"');
  });

  it('reports version, environment and health', async () => {
    await start({ environment: 'staging', version: '3.0.0' });
    expect(await (await call('/version')).json()).toEqual({ version: '3.0.0' });
    expect(await (await call('/api/env')).json()).toEqual({ name: 'staging' });
    const health = await call('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('defaults to version 2.0.3 in environment "demo"', async () => {
    await start();
    expect(await (await call('/version')).json()).toEqual({ version: '2.0.3' });
    expect(await (await call('/api/env')).json()).toEqual({ name: 'demo' });
  });

  it('signs in with JSON and sets an HttpOnly session cookie that opens the order pages', async () => {
    await start();
    const res = await login();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, user: { email: 'qa@example.com', name: 'QA Tester' } });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^sid=[0-9a-f]{32}; /);
    expect(setCookie).toContain('HttpOnly');
    const cookie = setCookie.split(';')[0] as string;

    const orders = await call('/orders', { headers: { cookie } });
    expect(orders.status).toBe(200);
    const list = await orders.text();
    expect(list).toContain('<h1>Your orders</h1>');
    expect(list).toContain('<a href="/orders/1001">Order #1001</a>');

    const order = await call('/orders/1001', { headers: { cookie } });
    const page = await order.text();
    expect(order.status).toBe(200);
    expect(page).toContain('<h1>Order #1001</h1>');
    expect(page).toContain('<label for="amount">Amount</label>');
    expect(page).toContain('>Request refund</button>');

    expect((await call('/api/orders', { headers: { cookie } })).status).toBe(200);
  });

  it.each([
    ['wrong password', 'qa@example.com', 'nope', 401],
    ['unknown user', 'someone@example.com', 'demo-password', 401],
    ['empty password', 'qa@example.com', '', 400],
  ])('refuses sign-in with %s', async (_label, email, password, status) => {
    await start();
    const res = await login(email, password);
    expect(res.status).toBe(status);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.json()).toMatchObject({ ok: false });
  });

  it('accepts a form post: 303 to the next page with a cookie, or 401 with the form again', async () => {
    await start();
    const form = (password: string) =>
      call('/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'qa@example.com', password, next: '/orders/1002' }).toString(),
      });
    const ok = await form('demo-password');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/orders/1002');
    expect(ok.headers.get('set-cookie')).toContain('HttpOnly');
    const refused = await form('wrong');
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('Sign-in failed');
  });

  it.each(['/orders', '/orders/1001'])('redirects %s to /login without a session', async (path) => {
    await start();
    const res = await call(path);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent(path)}`);
    const withBadCookie = await call(path, { headers: { cookie: 'sid=forged' } });
    expect(withBadCookie.status).toBe(302);
  });

  it.each([
    ['/login?next=/orders/1003', 'data-next="/orders/1003"'],
    ['/login?next=//evil.example', 'data-next="/orders"'],
    ['/login?next=https://evil.example/', 'data-next="/orders"'],
  ])('keeps only local next targets: %s', async (path, expected) => {
    await start();
    const html = await (await call(path)).text();
    expect(html).toContain(expected);
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('<button type="submit">Sign in</button>');
  });

  it.each([
    ['no credentials', {}, 401],
    ['a wrong token', { authorization: 'Bearer nope' }, 401],
    ['the demo token', TOKEN, 200],
  ])('GET /api/orders with %s → %i', async (_label, headers, status) => {
    await start();
    const res = await call('/api/orders', { headers });
    expect(res.status).toBe(status);
    if (status === 401) expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('lists orders with string ids and serves one order', async () => {
    await start();
    const list = (await (await call('/api/orders', { headers: TOKEN })).json()) as { orders: { id: string }[] };
    expect(list.orders.map((o) => o.id)).toEqual(['1001', '1002', '1003']);
    const order = await call('/api/orders/1001', { headers: TOKEN });
    expect(await order.json()).toMatchObject({ id: '1001', total: 120, items: [{ sku: 'KB-01' }, { sku: 'MP-02' }] });
    const missing = await call('/api/orders/9999', { headers: TOKEN });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'order not found' });
  });

  it('records a refund and serves it as the latest, per order', async () => {
    await start();
    expect((await call('/api/refunds/latest', { headers: TOKEN })).status).toBe(404);
    const first = await postRefund({ orderId: '1001', amount: 120 });
    expect(first.status).toBe(201);
    const refund = (await first.json()) as { id: string };
    expect(refund).toEqual({ id: 'rf-5001', orderId: '1001', amount: 120, status: 'requested' });
    const second = await postRefund({ orderId: 1002, amount: 20 });
    expect(await second.json()).toEqual({ id: 'rf-5002', orderId: '1002', amount: 20, status: 'requested' });

    const latest = await call('/api/refunds/latest', { headers: TOKEN });
    expect(await latest.json()).toMatchObject({ id: 'rf-5002', orderId: '1002' });
    const latestOf1001 = await call('/api/refunds/latest?orderId=1001', { headers: TOKEN });
    expect(await latestOf1001.json()).toMatchObject({ id: 'rf-5001', amount: 120, status: 'requested' });
    expect((await call('/api/refunds/latest', {})).status).toBe(401);
  });

  it('accepts a refund with the session cookie too', async () => {
    await start();
    const cookie = await sessionCookie();
    expect((await postRefund({ orderId: '1003', amount: 10 }, { cookie })).status).toBe(201);
  });

  it.each([
    ['an unknown order', { orderId: '9999', amount: 1 }, 422, 'unknown order "9999"'],
    ['a zero amount', { orderId: '1001', amount: 0 }, 422, 'amount must be'],
    ['more than the order total', { orderId: '1001', amount: 121 }, 422, 'amount must be'],
    ['a string amount', { orderId: '1001', amount: '120' }, 422, 'amount must be'],
  ])('rejects a refund for %s', async (_label, body, status, error) => {
    await start();
    const res = await postRefund(body);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toContain(error);
  });

  it('answers malformed bodies with 400 and unknown types with 415', async () => {
    await start();
    const bad = await call('/api/refunds', { method: 'POST', headers: { ...JSON_HEADERS, ...TOKEN }, body: '{' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'body is not valid JSON' });
    const xml = await call('/api/login', { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<a/>' });
    expect(xml.status).toBe(415);
  });

  it('answers unknown paths with 404 and wrong methods with 405', async () => {
    await start();
    const api = await call('/api/nope');
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'not found' });
    const page = await call('/nope');
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toContain('text/html');
    const wrongMethod = await call('/api/refunds');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('answers HEAD like GET without a body', async () => {
    await start();
    const res = await call('/version', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-app-version')).toBe(DEMO_VERSION);
    expect(await res.text()).toBe('');
  });

  it('hands the journeys a base URL and secrets that work against it', async () => {
    const demo = await start();
    const env = demoJourneyEnv(demo);
    expect(env.BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await login('qa@example.com', env.DEMO_PASSWORD)).status).toBe(200);
    expect((await call('/api/orders', { headers: { authorization: `Bearer ${env.DEMO_API_TOKEN}` } })).status).toBe(200);
  });

  it('keeps state per instance', async () => {
    const other = await startDemoApp();
    try {
      await start();
      await postRefund();
      const res = await fetch(`${other.url}/api/refunds/latest`, { headers: TOKEN });
      expect(res.status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

describe('scenarios', () => {
  it('has an entry, with a layer, for every scenario but healthy', () => {
    for (const name of SCENARIO_NAMES) {
      const scenario = SCENARIOS[name];
      expect(scenario.description.length).toBeGreaterThan(10);
      if (name === 'healthy') expect(scenario.layer).toBeUndefined();
      else {
        expect(scenario.layer).toBeDefined();
        expect(scenario.shownBy.length).toBeGreaterThan(0);
      }
    }
  });

  // What POST /api/refunds (authenticated with the Bearer token) answers in each scenario.
  it.each<[ScenarioName, number, Record<string, unknown>]>([
    ['healthy', 201, { orderId: '1001', amount: 120, status: 'requested' }],
    ['missing-route', 404, { error: 'not found' }],
    ['auth-broken', 401, { error: 'unauthorized' }],
    ['forbidden', 403, { error: 'policy denied' }],
    ['server-error', 500, { error: 'internal server error' }],
    ['wrong-version', 201, { status: 'requested' }],
    ['wrong-text', 201, { orderId: '1001', amount: 1.2, status: 'pending' }],
    ['missing-button', 201, { status: 'requested' }],
    ['unavailable', 503, { error: 'service unavailable' }],
  ])('%s: POST /api/refunds → %i', async (scenario, status, body) => {
    await start({ scenario });
    const res = await postRefund();
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject(body);
  });

  it('wrong-text: the latest refund carries the wrong amount and status too', async () => {
    await start({ scenario: 'wrong-text' });
    await postRefund();
    const latest = await call('/api/refunds/latest', { headers: TOKEN });
    expect(await latest.json()).toMatchObject({ amount: 1.2, status: 'pending' });
  });

  it('missing-route: POST /api/refunds looks exactly like an unknown path', async () => {
    await start({ scenario: 'missing-route' });
    const refund = await postRefund();
    const unknown = await call('/api/definitely-not-here', { method: 'POST' });
    expect(refund.status).toBe(unknown.status);
    expect(await refund.json()).toEqual(await unknown.json());
    // The rest of the app still works, so the failure is on this route alone.
    expect((await call('/api/orders', { headers: TOKEN })).status).toBe(200);
  });

  it('auth-broken: refuses sign-in, the token and sessions opened before', async () => {
    await start();
    const cookie = await sessionCookie();
    app?.setScenario('auth-broken');
    expect(app?.scenario).toBe('auth-broken');
    const refused = await login();
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ ok: false, error: 'login refused' });
    expect(refused.headers.get('set-cookie')).toBeNull();
    expect((await call('/api/orders', { headers: TOKEN })).status).toBe(401);
    expect((await call('/api/orders', { headers: { cookie } })).status).toBe(401);
    expect((await call('/orders', { headers: { cookie } })).status).toBe(302);
    // Unauthenticated endpoints still answer: the break is in identity only.
    expect((await call('/version')).status).toBe(200);
  });

  it('forbidden: authentication still works', async () => {
    await start({ scenario: 'forbidden' });
    expect((await login()).status).toBe(200);
    expect((await call('/api/orders', { headers: TOKEN })).status).toBe(200);
  });

  it.each<[ScenarioName, string]>([
    ['healthy', DEMO_VERSION],
    ['wrong-version', WRONG_VERSION],
    ['forbidden', DEMO_VERSION],
  ])('%s serves version %s in /version, the header and the meta tag', async (scenario, version) => {
    await start({ scenario });
    const res = await call('/version');
    expect(await res.json()).toEqual({ version });
    expect(res.headers.get('x-app-version')).toBe(version);
    expect(await (await call('/')).text()).toContain(`<meta name="app-version" content="${version}">`);
  });

  it('wrong-version ignores a configured healthy version', async () => {
    await start({ scenario: 'wrong-version', version: '9.9.9' });
    expect(await (await call('/version')).json()).toEqual({ version: WRONG_VERSION });
  });

  it('missing-button: the order page keeps the amount field but loses the button', async () => {
    await start({ scenario: 'missing-button' });
    const cookie = await sessionCookie();
    const res = await call('/orders/1001', { headers: { cookie } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<label for="amount">Amount</label>');
    expect(html).not.toContain('Request refund');
  });

  it('slow: holds POST /api/refunds past a client timeout, then answers 201', async () => {
    await start({ scenario: 'slow' });
    const held = postRefund().then(
      () => 'answered',
      (error: unknown) => (error as Error).name,
    );
    // A 300ms client timeout against a 20s hold: the request must not have been answered.
    const raced = await fetch(`${app?.url}/api/refunds`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, ...TOKEN },
      body: JSON.stringify({ orderId: '1001', amount: 5 }),
      signal: AbortSignal.timeout(300),
    }).then(
      () => 'answered',
      (error: unknown) => (error as Error).name,
    );
    expect(raced).toBe('TimeoutError');
    await app?.close();
    // close() cancels the hold: the first request fails instead of waiting 20s.
    expect(await held).not.toBe('answered');

    await start({ scenario: 'slow', slowMs: 50 });
    const res = await postRefund();
    expect(res.status).toBe(201);
    expect((await call('/api/orders', { headers: TOKEN })).status).toBe(200);
  });

  it.each(['/', '/login', '/orders', '/api/orders', '/version', '/api/env', '/healthz', '/nope'])(
    'unavailable: %s answers 503 JSON from the app itself',
    async (path) => {
      await start({ scenario: 'unavailable' });
      const res = await call(path);
      expect(res.status).toBe(503);
      expect(res.headers.get('server')).toBe('pathproof-demo');
      expect(res.headers.get('x-app-version')).toBe(DEMO_VERSION);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(await res.json()).toEqual({ error: 'service unavailable', reason: 'maintenance mode' });
    },
  );

  it('setScenario heals a running app', async () => {
    await start({ scenario: 'server-error' });
    expect((await postRefund()).status).toBe(500);
    app?.setScenario('healthy');
    expect((await postRefund()).status).toBe(201);
  });
});
