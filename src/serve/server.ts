/**
 * The HTTP face of `pathproof serve` (plain node:http):
 *
 *   GET  /                the status page (HTML; polls /api/status)
 *   GET  /api/status      what the status page shows, as JSON
 *   GET  /runs/:id/…      a run's HTML report and evidence files
 *   POST /login, /logout  browser sessions (with a token)
 *   GET  /metrics         Prometheus exposition                      (no token)
 *   GET  /healthz         the process is alive                        (no token)
 *   GET  /readyz          schedules are loaded and not draining
 *   GET  /api/journeys    loaded journeys with their latest result
 *   POST /api/runs        { journeys?, tags? } → 202 { id }
 *   GET  /api/runs/:id    status, and run.json once done
 *   POST /api/silence     ?for=10m: no alerts until then; DELETE ends it
 *   POST /hooks/flagger   Flagger webhook → 200 pass / 500 fail
 *
 * With a token, everything but /metrics and /healthz needs `Authorization: Bearer <token>`
 * (Prometheus and liveness probes stay simple; neither leaks anything but numbers).
 * Browsers sign in once through a form (POST /login) that sets an HttpOnly, SameSite=Strict
 * session cookie (./auth.ts); the cookie opens GET requests only, so no page of another
 * site can make a signed-in browser start runs or silence alerts. Pages answer 401 with the
 * sign-in form instead of JSON.
 * Flagger cannot send headers, so /hooks/flagger also accepts the token as `metadata.token`
 * (in the body, which proxies do not log, unlike a query string).
 *
 * Every error answers JSON `{ error }` (text for the Flagger hook) without stacks; nothing
 * served here holds a secret: results were redacted before they were stored.
 *
 * Before routing and before the token (request-guard.ts): a malformed request target is 400,
 * a Host that is not ours is 421 (DNS rebinding; /metrics and /healthz are exempt, like from
 * the token), and a state-changing request from another site or with a non-JSON body is
 * 403 / 415. Each refusal is one log line, bounded per minute.
 */
import { verdictFields } from '../report/attention.js';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { z } from 'zod';
import type { Registry } from 'prom-client';
import { SESSION_COOKIE, bearerToken, cookieValue, issueSession, sessionCookie, sessionValid, tokenMatches } from './auth.js';
import { parseDuration } from '../journey/duration.js';
import type { QuietWindow } from './quiet.js';
import { RUN_ID_RE, openRunFile } from './run-files.js';
import type { StatusModel } from './status/model.js';
import { LOGIN_CSP_HEADER, renderLogin, safeNext } from './status/login.js';
import { STATUS_CSP_HEADER, renderStatusPage } from './status/page.js';
import { BodyError, parseJsonBody, readBody } from './body.js';
import type { FlaggerHook } from './flagger.js';
import { parseFlaggerPayload } from './flagger.js';
import type { RunService } from './runs.js';
import { ServiceClosedError } from './runs.js';
import type { CatalogEntry } from './select.js';
import { selectJourneys } from './select.js';
import { boundedLog, checkHost, checkJsonContentType, checkOrigin, requestPath } from './request-guard.js';

/** A loaded journey as the API lists it. */
export interface JourneyInfo extends CatalogEntry {
  readonly file: string;
  readonly schedule?: string;
  readonly protects?: string;
}

/** The status page's data and the silence controls (serve's alerting). */
export interface StatusProvider {
  model(): StatusModel;
  silence(ms: number, what: string): QuietWindow;
  unsilence(): boolean;
}

/** Failed sign-ins per minute before /login answers 429 (a token is not guessed by hand). */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;
/** The longest silence the API accepts. */
export const MAX_SILENCE_MS = 24 * 3_600_000;

export type ServeState = 'starting' | 'ready' | 'draining';

export interface ServeServerOptions {
  readonly registry: Registry;
  /** Bearer token for everything but /metrics and /healthz; undefined: no auth. */
  readonly token?: string;
  readonly service: RunService;
  readonly flagger: FlaggerHook;
  readonly catalog: () => readonly JourneyInfo[];
  readonly nextRuns: () => ReadonlyMap<string, Date>;
  readonly busy: () => readonly string[];
  readonly state: () => ServeState;
  /** Our own bugs while answering (the client only sees "internal error"). */
  readonly onError?: (error: unknown) => void;
  /** The status page, /api/status and /api/silence; without it they answer 404. */
  readonly status?: StatusProvider;
  /** Where run directories live, for /runs/:id/; without it /runs answers 404. */
  readonly reportRoot?: string;
  /** Host names answered besides IP addresses and localhost (`--allow-host`). */
  readonly allowHosts?: readonly string[];
  /** One line per refused request (malformed, foreign Host, cross-site), bounded per minute. */
  readonly log?: (line: string) => void;
  /** Wall-clock milliseconds (sessions expire by it; the refusal log is bounded per minute by it). */
  readonly now?: () => number;
}

export interface ServeServer {
  readonly server: Server;
  /** Listens and resolves with the bound address (port 0 picks a free one). */
  listen(host: string, port: number): Promise<{ host: string; port: number; url: string }>;
  /** Stops listening and closes idle and open connections. */
  close(): Promise<void>;
}

/** `POST /api/runs` body. */
export const RunRequest = z.strictObject({
  journeys: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
});

const RUN_ID = RUN_ID_RE;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Refused before the token check (malformed, foreign, cross-site): worth one log line. */
    readonly refused = false,
  ) {
    super(message);
  }
}

/** Endpoints a scraper or a liveness probe calls by whatever name it has: no Host check, no token. */
const OPEN_PATHS = new Set(['/metrics', '/healthz']);
/** The sign-in form posts a browser form, not JSON (the Origin check still applies). */
const FORM_PATHS = new Set(['/login', '/logout']);

type Route = {
  method: 'GET' | 'POST' | 'DELETE';
  path: RegExp;
  auth: boolean;
  /** A page for people: without authorization it answers the sign-in form, not JSON. */
  page?: boolean;
  handle: (ctx: Ctx) => Promise<void>;
};

interface Ctx {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly match: RegExpExecArray;
  readonly authorized: boolean;
  readonly url: URL;
  /** Signed in through the browser session (not a bearer token). */
  readonly session: boolean;
}

export function createServeServer(options: ServeServerOptions): ServeServer {
  const now = options.now ?? (() => Date.now());
  const failedLogins: number[] = [];
  const html = (res: ServerResponse, status: number, body: string, csp: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...headers,
    });
    res.end(body);
  };
  const secure = (req: IncomingMessage): boolean =>
    (req.socket as { encrypted?: boolean }).encrypted === true || String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim() === 'https';
  const needStatus = (): StatusProvider => {
    if (!options.status) throw new HttpError(404, 'no status page in this server');
    return options.status;
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = `${JSON.stringify(body, null, 2)}\n`;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(text);
  };
  const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(`${body}\n`);
  };
  const readJson = async (req: IncomingMessage): Promise<unknown> => parseJsonBody(await readBody(req));
  const log = options.log ? boundedLog(options.log, now) : undefined;
  const allowHosts = options.allowHosts ?? [];

  const routes: Route[] = [
    {
      method: 'GET',
      path: /^\/$/,
      auth: true,
      page: true,
      async handle({ res, url, session }) {
        const model = needStatus().model();
        const grouping = url.searchParams.get('group') === 'tag' ? 'tag' : 'protects';
        html(res, 200, renderStatusPage(model, { grouping, signOut: session }), STATUS_CSP_HEADER);
      },
    },
    {
      method: 'GET',
      path: /^\/api\/status$/,
      auth: true,
      handle: async ({ res }) => json(res, 200, needStatus().model()),
    },
    {
      method: 'GET',
      path: /^\/runs\/([^/]+)$/,
      auth: true,
      page: true,
      async handle({ res, match }) {
        // The report links its evidence relative to its directory: the slash matters.
        res.writeHead(308, { location: `/runs/${match[1] ?? ''}/`, 'cache-control': 'no-store' });
        res.end();
      },
    },
    {
      method: 'GET',
      path: /^\/runs\/([^/]+)\/(.*)$/,
      auth: true,
      page: true,
      async handle({ req, res, match }) {
        if (!options.reportRoot) throw new HttpError(404, 'run reports are not served here');
        let id: string;
        try {
          id = decodeURIComponent(match[1] ?? '');
        } catch {
          throw new HttpError(400, 'not a run id');
        }
        const file = await openRunFile(options.reportRoot, id, match[2] ?? '');
        if (!file.ok) throw new HttpError(file.status, file.message);
        try {
          res.writeHead(200, { ...file.headers, 'content-length': String(file.size) });
          if (req.method === 'HEAD') return void res.end();
          await new Promise<void>((resolve, reject) => {
            const stream = file.handle.createReadStream({ autoClose: false });
            stream.on('error', reject);
            res.on('close', () => {
              stream.destroy();
              resolve();
            });
            stream.pipe(res);
          });
        } finally {
          await file.handle.close();
        }
      },
    },
    {
      method: 'POST',
      path: /^\/login$/,
      auth: false,
      async handle({ req, res }) {
        if (options.token === undefined) {
          res.writeHead(303, { location: '/', 'cache-control': 'no-store' });
          return void res.end();
        }
        // A sign-in form posted from another site is refused (login CSRF). Browsers say where
        // a request comes from in Sec-Fetch-Site; older ones only in Origin, which is `null`
        // under our no-referrer policy, so only a real other origin there is refused.
        const site = req.headers['sec-fetch-site'];
        const origin = req.headers.origin;
        const foreign =
          site !== undefined ? site !== 'same-origin' && site !== 'none' : origin !== undefined && origin !== 'null' && hostOf(origin) !== req.headers.host;
        if (foreign) throw new HttpError(403, 'sign in from the status page itself');
        const form = new URLSearchParams(await readBody(req, 4096));
        const next = safeNext(form.get('next'));
        const at = now();
        while (failedLogins.length > 0 && (failedLogins[0] as number) <= at - 60_000) failedLogins.shift();
        if (failedLogins.length >= LOGIN_ATTEMPTS_PER_MINUTE) {
          return html(res, 429, renderLogin({ next, error: 'Too many failed sign-ins: wait a minute and try again.' }), LOGIN_CSP_HEADER, { 'retry-after': '60' });
        }
        if (!tokenMatches(options.token, form.get('token') ?? undefined)) {
          failedLogins.push(at);
          return html(res, 401, renderLogin({ next, error: 'That is not the token serve was started with.' }), LOGIN_CSP_HEADER);
        }
        res.writeHead(303, { location: next, 'set-cookie': sessionCookie(issueSession(options.token, at), { secure: secure(req) }), 'cache-control': 'no-store' });
        res.end();
      },
    },
    {
      method: 'POST',
      path: /^\/logout$/,
      auth: false,
      async handle({ req, res }) {
        res.writeHead(303, { location: '/', 'set-cookie': sessionCookie(undefined, { secure: secure(req) }), 'cache-control': 'no-store' });
        res.end();
      },
    },
    {
      method: 'POST',
      path: /^\/api\/silence$/,
      auth: true,
      async handle({ res, url }) {
        const status = needStatus();
        const value = url.searchParams.get('for') ?? '';
        const ms = parseDuration(value);
        if (ms === undefined || ms <= 0 || ms > MAX_SILENCE_MS) {
          throw new HttpError(400, `?for= expects a duration from 1s to 24h, e.g. ?for=10m (got "${value}")`);
        }
        const reason = (url.searchParams.get('reason') ?? '').slice(0, 100).trim();
        const window = status.silence(ms, reason ? `${reason} (API)` : 'API');
        json(res, 200, { silenced: true, startsAt: new Date(window.startsAt).toISOString(), endsAt: new Date(window.endsAt).toISOString() });
      },
    },
    {
      method: 'DELETE',
      path: /^\/api\/silence$/,
      auth: true,
      handle: async ({ res }) => json(res, 200, { silenced: false, ended: needStatus().unsilence() }),
    },
    {
      method: 'GET',
      path: /^\/favicon\.ico$/,
      auth: false,
      // Browsers ask for it on every page (the run report too); nothing to show, nothing to log.
      handle: async ({ res }) => void res.writeHead(204, { 'cache-control': 'max-age=86400' }).end(),
    },
    {
      method: 'GET',
      path: /^\/metrics$/,
      auth: false,
      async handle({ res }) {
        const body = await options.registry.metrics();
        res.writeHead(200, { 'content-type': options.registry.contentType, 'cache-control': 'no-store' });
        res.end(body);
      },
    },
    {
      method: 'GET',
      path: /^\/healthz$/,
      auth: false,
      handle: async ({ res }) => text(res, 200, 'ok'),
    },
    {
      method: 'GET',
      path: /^\/readyz$/,
      auth: true,
      async handle({ res }) {
        const state = options.state();
        if (state === 'ready') return text(res, 200, 'ready');
        text(res, 503, state === 'draining' ? 'draining: shutting down' : 'starting: schedules not loaded yet');
      },
    },
    {
      method: 'GET',
      path: /^\/api\/journeys$/,
      auth: true,
      async handle({ res }) {
        const latest = options.service.latest();
        const next = options.nextRuns();
        const busy = new Set(options.busy());
        const journeys = options.catalog().map((journey) => {
          const last = latest.get(journey.name);
          const r = last?.result;
          return {
            name: journey.name,
            file: journey.file,
            tags: journey.tags,
            ...(journey.schedule ? { schedule: journey.schedule } : {}),
            ...(next.has(journey.name) ? { nextRunAt: next.get(journey.name)?.toISOString() } : {}),
            running: busy.has(journey.name),
            last: r
              ? {
                  runId: last.runId,
                  source: last.trigger.source,
                  outcome: r.outcome,
                  ...pickVerdict(verdictFields(r)),
                  ...(r.startedAt ? { startedAt: r.startedAt } : {}),
                  durationMs: r.durationMs,
                  ...(r.transition ? { transition: r.transition } : {}),
                }
              : null,
          };
        });
        json(res, 200, { journeys });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/runs$/,
      auth: true,
      async handle({ req, res }) {
        const parsed = RunRequest.safeParse(await readJson(req));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
          throw new HttpError(400, `invalid run request: ${where}${issue?.message ?? 'invalid'} (expected { "journeys"?: [names], "tags"?: [tags] })`);
        }
        const selection = selectJourneys(options.catalog(), { names: parsed.data.journeys, tags: parsed.data.tags });
        if (!selection.ok) throw new HttpError(400, selection.message);
        const record = options.service.start(selection.names, { source: 'api' });
        json(res, 202, { id: record.id, status: record.status, journeys: record.journeys, url: `/api/runs/${record.id}` }, { location: `/api/runs/${record.id}` });
      },
    },
    {
      method: 'GET',
      path: /^\/api\/runs\/([^/]+)$/,
      auth: true,
      async handle({ res, match }) {
        // The target was checked for bad percent-encoding before routing (requestPath).
        const id = decodeURIComponent(match[1] ?? '');
        const record = RUN_ID.test(id) ? options.service.get(id) : undefined;
        if (!record) throw new HttpError(404, `no run "${id}" (runs are kept in memory, the latest 200)`);
        json(res, 200, {
          id: record.id,
          status: record.status,
          trigger: record.trigger,
          journeys: record.journeys,
          createdAt: record.createdAt,
          ...(record.error ? { error: record.error } : {}),
          ...(record.run ? { run: record.run } : {}),
        });
      },
    },
    {
      method: 'POST',
      path: /^\/hooks\/flagger$/,
      // Checked inside: the token may come in the body (metadata.token).
      auth: false,
      async handle({ req, res, authorized }) {
        let payloadValue: unknown;
        try {
          payloadValue = await readJson(req);
        } catch (error) {
          if (error instanceof BodyError) return text(res, error.status, `pathproof: ${error.message}`);
          throw error;
        }
        const parsed = parseFlaggerPayload(payloadValue);
        if (!parsed.ok) return text(res, 400, `pathproof: ${parsed.message}`);
        const { token: bodyToken, ...metadata } = parsed.payload.metadata ?? {};
        if (options.token !== undefined && !authorized && !tokenMatches(options.token, bodyToken)) {
          return text(res, 401, 'pathproof: missing or wrong token (Authorization: Bearer, or metadata.token)', { 'www-authenticate': 'Bearer' });
        }
        const reply = await options.flagger.handle({ ...parsed.payload, metadata });
        text(res, reply.status, reply.body);
      },
    },
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = requestPath(req.url);
    if (!target.ok) throw new HttpError(400, target.message, {}, true);
    const path = target.path;
    if (!OPEN_PATHS.has(path)) {
      const address = server.address();
      const host = checkHost(req.headers.host, { listenHost: typeof address === 'object' && address ? address.address : '', allowHosts });
      if (!host.ok) throw new HttpError(host.status, host.message, {}, true);
    }
    // The target passed requestPath: it parses (the query is kept for ?for=, ?next=).
    const url = new URL(req.url ?? '/', 'http://pathproof.invalid');
    const matching = routes.filter((route) => route.path.test(path));
    if (matching.length === 0) throw new HttpError(404, `no such endpoint: ${path}`);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const route = matching.find((r) => r.method === method);
    if (!route) throw new HttpError(405, `method ${req.method ?? '?'} not allowed on ${path}`, { allow: matching.map((r) => r.method).join(', ') });
    if (route.method !== 'GET') {
      // State changes: never from another site, and (but for the sign-in form) only JSON bodies.
      const origin = checkOrigin({ origin: req.headers.origin, 'sec-fetch-site': header(req, 'sec-fetch-site'), host: req.headers.host });
      if (!origin.ok) throw new HttpError(origin.status, origin.message, {}, true);
      if (!FORM_PATHS.has(path)) {
        const body = checkJsonContentType(req.headers['content-type'], req.headers['content-length'], req.headers['transfer-encoding'] !== undefined);
        if (!body.ok) throw new HttpError(body.status, body.message, {}, true);
      }
    }
    const bearer = options.token === undefined || tokenMatches(options.token, bearerToken(req.headers.authorization));
    // The session cookie opens reads only: SameSite=Strict already keeps other sites out,
    // and a state change (runs, silences) needs the bearer token on top.
    const session =
      !bearer && options.token !== undefined && method === 'GET' && sessionValid(options.token, cookieValue(req.headers.cookie, SESSION_COOKIE), now());
    const authorized = bearer || session;
    if (route.auth && !authorized) {
      if (route.page && method === 'GET') {
        return html(res, 401, renderLogin({ next: `${path}${url.search}` }), LOGIN_CSP_HEADER, { 'www-authenticate': 'Bearer' });
      }
      throw new HttpError(401, 'missing or wrong token: send Authorization: Bearer <token>', { 'www-authenticate': 'Bearer' });
    }
    await route.handle({ req, res, match: route.path.exec(path) as RegExpExecArray, authorized, url, session });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError) {
        if (error.refused) log?.(`pathproof: refused ${shortTarget(req)} from ${req.socket.remoteAddress ?? '?'}: ${error.status} ${error.message}`);
        return json(res, error.status, { error: error.message }, error.headers);
      }
      if (error instanceof BodyError) return json(res, error.status, { error: error.message });
      if (error instanceof ServiceClosedError) return json(res, 503, { error: error.message });
      options.onError?.(error);
      json(res, 500, { error: 'internal error (see the pathproof log)' });
    });
  });

  // Request lines node cannot parse at all (`GET http://[x/ HTTP/1.1` with a space, a bare
  // `\x00`): one log line and a plain 400, instead of node's silent reset.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    log?.(`pathproof: refused a malformed request from ${socket.remoteAddress ?? '?'}: ${error.code ?? error.message}`);
    if (!socket.writable || error.code === 'ECONNRESET') return void socket.destroy();
    const body = 'malformed request\n';
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
  });

  return {
    server,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve({ host: address.address, port: address.port, url: `http://${shown}:${address.port}` });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The host of an Origin header, or undefined (`null`, garbage). */
function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host || undefined;
  } catch {
    return undefined;
  }
}

/** The verdict fields the API shows for a journey's last run. */
function pickVerdict(fields: ReturnType<typeof verdictFields>): { stage?: string; layer?: string; hint?: string; message?: string } {
  return {
    ...(fields.stage ? { stage: fields.stage } : {}),
    ...(fields.layer ? { layer: fields.layer } : {}),
    ...(fields.hint ? { hint: fields.hint } : {}),
    ...(fields.message ? { message: fields.message } : {}),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `GET /api/runs/%E0…`: method and target for a log line, short and on one line. */
function shortTarget(req: IncomingMessage): string {
  const target = JSON.stringify((req.url ?? '').slice(0, 120));
  return `${(req.method ?? '?').slice(0, 16)} ${target}`;
}
