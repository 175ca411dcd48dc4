/**
 * The bundled demo shop that `pathproof demo` probes: plain `node:http`, state in memory,
 * and a switchable scenario that breaks it in one layer (see scenarios.ts).
 *
 * Routes (every response carries `server: pathproof-demo` and `x-app-version`):
 *   GET  /                     home page (HTML)
 *   GET  /login                sign-in form (HTML); POST /api/login via fetch, or a form post
 *   GET  /orders               order list (HTML, session cookie or 302 → /login)
 *   GET  /orders/:id           order page with the refund form (HTML, session)
 *   POST /api/login            { email, password } → sets HttpOnly `sid`, { ok, user }
 *   GET  /api/orders           (session or `authorization: Bearer demo-token`)
 *   GET  /api/orders/:id
 *   POST /api/refunds          { orderId, amount } → 201 { id, orderId, amount, status }
 *   GET  /api/refunds/latest  (?orderId= narrows to one order)
 *   GET  /version  GET /api/env  GET /healthz   (no auth)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyError, parseCookies, readBody, redirect, sendHtml, sendJson } from './http-io.js';
import { homePage, loginPage, notFoundPage, orderPage, ordersPage } from './pages.js';
import { DEMO_VERSION, SLOW_DELAY_MS, servedVersion, type ScenarioName } from './scenarios.js';
import { createDemoStore, DEMO_API_TOKEN, DEMO_PASSWORD, type DemoStore, type Order, type User } from './store.js';

export { DEMO_API_TOKEN, DEMO_EMAIL, DEMO_PASSWORD } from './store.js';

/**
 * The variables journeys/*.yaml read, for a running demo app: the demo command sets these
 * (without overriding what the user already set) before loading the journeys. EXPECTED_VERSION
 * is left out on purpose: the journeys default it to DEMO_VERSION, and --expect-version wins.
 */
export function demoJourneyEnv(app: Pick<DemoApp, 'url'>): Record<string, string> {
  return { BASE_URL: app.url, DEMO_API_TOKEN, DEMO_PASSWORD };
}

export interface DemoAppOptions {
  /** Interface to listen on (default 127.0.0.1: the demo is never exposed). */
  host?: string;
  /** Port (default 0: a free port, read it back from `DemoApp.port`). */
  port?: number;
  scenario?: ScenarioName;
  /** The version a healthy build serves (default DEMO_VERSION). `wrong-version` serves another. */
  version?: string;
  /** What GET /api/env names this environment (default "demo"). */
  environment?: string;
  /** How long `slow` holds POST /api/refunds (default SLOW_DELAY_MS). For tests. */
  slowMs?: number;
}

/** A running demo app. */
export interface DemoApp {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** The current scenario. */
  readonly scenario: ScenarioName;
  /** Break (or heal) the running app: takes effect on the next request. */
  setScenario(scenario: ScenarioName): void;
  /** Stops listening, destroys every open socket and cancels delayed answers. Idempotent. */
  close(): Promise<void>;
}

const SESSION_COOKIE = 'sid';

interface Ctx {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
  readonly scenario: ScenarioName;
  readonly version: string;
  readonly environment: string;
  readonly store: DemoStore;
  /** How long the `slow` scenario holds a refund. */
  readonly slowMs: number;
  /** Resolves after `ms`, unless the app closes first (then never: the socket is gone anyway). */
  delay(ms: number): Promise<void>;
}

type Handler = (ctx: Ctx) => void | Promise<void>;

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handler: Handler;
}

function route(method: Route['method'], path: string, handler: Handler): Route {
  // `/orders/:id` → /^\/orders\/(?<id>[^/]+)$/
  const source = path.replace(/\//g, '\\/').replace(/:([a-zA-Z]+)/g, '(?<$1>[^/]+)');
  return { method, pattern: new RegExp(`^${source}$`), handler };
}

// ---------------------------------------------------------------------------
// Authentication

function sessionUser(ctx: Ctx): User | undefined {
  // auth-broken: the identity layer rejects everything, including sessions opened before.
  if (ctx.scenario === 'auth-broken') return undefined;
  const sid = parseCookies(ctx.req.headers.cookie).get(SESSION_COOKIE);
  return sid ? ctx.store.userForSession(sid) : undefined;
}

function apiUser(ctx: Ctx): User | undefined {
  if (ctx.scenario === 'auth-broken') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (match) return ctx.store.userForToken(match[1] as string);
  return sessionUser(ctx);
}

function unauthorized(ctx: Ctx): void {
  sendJson(ctx.res, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer realm="acme-shop"' });
}

/** A local path to return to after sign-in; anything else (`//evil`, absolute URLs) becomes /orders. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/orders';
}

function toLogin(ctx: Ctx): void {
  redirect(ctx.res, 302, `/login?next=${encodeURIComponent(ctx.url.pathname)}`);
}

// ---------------------------------------------------------------------------
// Handlers

function orderSummary(o: Order) {
  return { id: o.id, placedAt: o.placedAt, status: o.status, total: o.total, currency: o.currency };
}

const login: Handler = async (ctx) => {
  const body = await readBody(ctx.req);
  const email = typeof body.fields.email === 'string' ? body.fields.email : '';
  const password = typeof body.fields.password === 'string' ? body.fields.password : '';
  const user = ctx.scenario === 'auth-broken' ? undefined : ctx.store.checkPassword(email, password);
  if (body.kind === 'form') {
    const next = safeNext(body.fields.next);
    if (!user) return sendHtml(ctx.res, 401, loginPage(ctx.version, next, 'Sign-in failed: login refused'));
    return redirect(ctx.res, 303, next, { 'set-cookie': sessionCookie(ctx.store.openSession(user)) });
  }
  if (!email || !password) return sendJson(ctx.res, 400, { ok: false, error: 'email and password are required' });
  if (!user) return sendJson(ctx.res, 401, { ok: false, error: 'login refused' });
  sendJson(ctx.res, 200, { ok: true, user }, { 'set-cookie': sessionCookie(ctx.store.openSession(user)) });
};

function sessionCookie(sid: string): string {
  return `${SESSION_COOKIE}=${sid}; Path=/; HttpOnly; SameSite=Lax`;
}

const requestRefund: Handler = async (ctx) => {
  // missing-route: answer exactly like an unknown path, as a build without the route would.
  if (ctx.scenario === 'missing-route') return notFound(ctx);
  const user = apiUser(ctx);
  if (!user) return unauthorized(ctx);
  if (ctx.scenario === 'forbidden') return sendJson(ctx.res, 403, { error: 'policy denied' });
  if (ctx.scenario === 'server-error') {
    return sendJson(ctx.res, 500, { error: 'internal server error', detail: 'refund ledger: connection reset' });
  }
  const { fields } = await readBody(ctx.req);
  const orderId = typeof fields.orderId === 'number' ? String(fields.orderId) : fields.orderId;
  const amount = fields.amount;
  // 422, not 404, for an unknown order: in this demo a 404 always means "route missing".
  const order = typeof orderId === 'string' ? ctx.store.findOrder(orderId) : undefined;
  if (!order) return sendJson(ctx.res, 422, { error: `unknown order ${JSON.stringify(orderId ?? null)}` });
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0 || amount > order.total) {
    return sendJson(ctx.res, 422, { error: `amount must be a number between 0.01 and ${order.total}` });
  }
  if (ctx.scenario === 'slow') await ctx.delay(ctx.slowMs);
  // wrong-text: a units bug (cents read as dollars) and a renamed status; everything still answers 2xx.
  const refund =
    ctx.scenario === 'wrong-text'
      ? ctx.store.addRefund({ orderId: order.id, amount: amount / 100, status: 'pending' })
      : ctx.store.addRefund({ orderId: order.id, amount, status: 'requested' });
  const { createdAt: _createdAt, ...body } = refund;
  sendJson(ctx.res, 201, body);
};

function notFound(ctx: Ctx): void {
  if (ctx.url.pathname.startsWith('/api/')) return sendJson(ctx.res, 404, { error: 'not found' });
  sendHtml(ctx.res, 404, notFoundPage(ctx.version, ctx.url.pathname));
}

const ROUTES: readonly Route[] = [
  route('GET', '/', (ctx) => sendHtml(ctx.res, 200, homePage(ctx.version, sessionUser(ctx)))),
  route('GET', '/login', (ctx) => sendHtml(ctx.res, 200, loginPage(ctx.version, safeNext(ctx.url.searchParams.get('next'))))),
  route('GET', '/orders', (ctx) => {
    const user = sessionUser(ctx);
    if (!user) return toLogin(ctx);
    sendHtml(ctx.res, 200, ordersPage(ctx.version, user, ctx.store.orders));
  }),
  route('GET', '/orders/:id', (ctx) => {
    const user = sessionUser(ctx);
    if (!user) return toLogin(ctx);
    const order = ctx.store.findOrder(ctx.params.id ?? '');
    if (!order) return notFound(ctx);
    sendHtml(ctx.res, 200, orderPage(ctx.version, user, order, ctx.scenario !== 'missing-button'));
  }),
  route('POST', '/api/login', login),
  route('GET', '/api/orders', (ctx) => {
    if (!apiUser(ctx)) return unauthorized(ctx);
    sendJson(ctx.res, 200, { orders: ctx.store.orders.map(orderSummary) });
  }),
  route('GET', '/api/orders/:id', (ctx) => {
    if (!apiUser(ctx)) return unauthorized(ctx);
    const order = ctx.store.findOrder(ctx.params.id ?? '');
    if (!order) return sendJson(ctx.res, 404, { error: 'order not found' });
    sendJson(ctx.res, 200, order);
  }),
  route('POST', '/api/refunds', requestRefund),
  route('GET', '/api/refunds/latest', (ctx) => {
    if (!apiUser(ctx)) return unauthorized(ctx);
    const refund = ctx.store.latestRefund(ctx.url.searchParams.get('orderId') ?? undefined);
    if (!refund) return sendJson(ctx.res, 404, { error: 'no refunds yet' });
    sendJson(ctx.res, 200, refund);
  }),
  route('GET', '/version', (ctx) => sendJson(ctx.res, 200, { version: ctx.version })),
  route('GET', '/api/env', (ctx) => sendJson(ctx.res, 200, { name: ctx.environment })),
  route('GET', '/healthz', (ctx) => sendJson(ctx.res, 200, { status: 'ok' })),
];

async function dispatch(ctx: Omit<Ctx, 'params'>): Promise<void> {
  const { req, res, url } = ctx;
  res.setHeader('server', 'pathproof-demo');
  res.setHeader('x-app-version', ctx.version);
  res.setHeader('cache-control', 'no-store');
  if (ctx.scenario === 'unavailable') {
    // The app itself refuses work: JSON from the app, not a proxy's stock error page.
    return sendJson(res, 503, { error: 'service unavailable', reason: 'maintenance mode' }, { 'retry-after': '30' });
  }
  // HEAD is GET without a body; node:http drops the body of HEAD responses itself.
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const matching = ROUTES.filter((r) => r.pattern.test(url.pathname));
  const found = matching.find((r) => r.method === method);
  if (found) {
    const params = { ...found.pattern.exec(url.pathname)?.groups };
    return found.handler({ ...ctx, params });
  }
  if (matching.length > 0) {
    res.setHeader('allow', [...new Set(matching.map((r) => r.method))].join(', '));
    return sendJson(res, 405, { error: `method ${method ?? '?'} not allowed` });
  }
  notFound({ ...ctx, params: {} });
}

/** Starts the demo shop on a free loopback port (by default) and resolves once it listens. */
export async function startDemoApp(options: DemoAppOptions = {}): Promise<DemoApp> {
  const host = options.host ?? '127.0.0.1';
  const healthyVersion = options.version ?? DEMO_VERSION;
  const environment = options.environment ?? 'demo';
  const store = createDemoStore();
  const slowMs = options.slowMs ?? SLOW_DELAY_MS;
  let scenario: ScenarioName = options.scenario ?? 'healthy';
  // Timers of `slow` answers: cleared on close so a held request never keeps the process alive.
  const timers = new Set<NodeJS.Timeout>();

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo.invalid');
    const ctx = { req, res, url, scenario, version: servedVersion(scenario, healthyVersion), environment, store, slowMs, delay };
    dispatch(ctx).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof BodyError) return sendJson(res, error.status, { error: error.message });
      sendJson(res, 500, { error: 'internal server error' });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    port,
    get scenario() {
      return scenario;
    },
    setScenario(next) {
      scenario = next;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        // Keep-alive sockets (browsers, undici pools) would hold close() open: destroy them.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
