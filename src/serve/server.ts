/**
 * The HTTP face of `pathproof serve` (plain node:http):
 *
 *   GET  /metrics         Prometheus exposition                      (no token)
 *   GET  /healthz         the process is alive                        (no token)
 *   GET  /readyz          schedules are loaded and not draining
 *   GET  /api/journeys    loaded journeys with their latest result
 *   POST /api/runs        { journeys?, tags? } → 202 { id }
 *   GET  /api/runs/:id    status, and run.json once done
 *   POST /hooks/flagger   Flagger webhook → 200 pass / 500 fail
 *
 * With a token, everything but /metrics and /healthz needs `Authorization: Bearer <token>`
 * (Prometheus and liveness probes stay simple; neither leaks anything but numbers).
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
import { bearerToken, tokenMatches } from './auth.js';
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
}

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
  /** Host names answered besides IP addresses and localhost (`--allow-host`). */
  readonly allowHosts?: readonly string[];
  /** One line per refused request (malformed, foreign Host, cross-site), bounded per minute. */
  readonly log?: (line: string) => void;
  /** Monotonic milliseconds, for bounding the log. */
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

const RUN_ID = /^[A-Za-z0-9-]{1,100}$/;

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

type Route = { method: 'GET' | 'POST'; path: RegExp; auth: boolean; handle: (ctx: Ctx) => Promise<void> };

interface Ctx {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly match: RegExpExecArray;
  readonly authorized: boolean;
}

export function createServeServer(options: ServeServerOptions): ServeServer {
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
  const log = options.log ? boundedLog(options.log, options.now ?? (() => performance.now())) : undefined;
  const allowHosts = options.allowHosts ?? [];

  const routes: Route[] = [
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
    const matching = routes.filter((route) => route.path.test(path));
    if (matching.length === 0) throw new HttpError(404, `no such endpoint: ${path}`);
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const route = matching.find((r) => r.method === method);
    if (!route) throw new HttpError(405, `method ${req.method ?? '?'} not allowed on ${path}`, { allow: matching.map((r) => r.method).join(', ') });
    if (route.method === 'POST') {
      const origin = checkOrigin({ origin: req.headers.origin, 'sec-fetch-site': header(req, 'sec-fetch-site'), host: req.headers.host });
      if (!origin.ok) throw new HttpError(origin.status, origin.message, {}, true);
      const body = checkJsonContentType(req.headers['content-type'], req.headers['content-length'], req.headers['transfer-encoding'] !== undefined);
      if (!body.ok) throw new HttpError(body.status, body.message, {}, true);
    }
    const authorized = options.token === undefined || tokenMatches(options.token, bearerToken(req.headers.authorization));
    if (route.auth && !authorized) {
      throw new HttpError(401, 'missing or wrong token: send Authorization: Bearer <token>', { 'www-authenticate': 'Bearer' });
    }
    await route.handle({ req, res, match: route.path.exec(path) as RegExpExecArray, authorized });
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
