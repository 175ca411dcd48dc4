/**
 * The Docker Engine API over undici: a unix socket or tcp://, only GET and HEAD, every
 * request bounded in time and body size, the API version negotiated once
 * (`GET /_ping` → `API-Version`, then `/v<min(ours, engine)>/…`).
 *
 * Faults become a {@link PlatformError} with a stable code, keyed on the Node/undici codes
 * in the cause chain, never on messages. They mean "could not verify", never drift.
 */
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import type { Clock } from '../../result/clock.js';
import { errorCode } from '../../util/errors.js';
import { oneLine } from '../../util/format.js';
import { PlatformError } from '../types.js';
import type { CallOptions } from '../types.js';
import type { EngineAddress } from './address.js';

/**
 * The API version we speak. Everything we read exists since 1.24; we ask for the newest
 * we know so engines that dropped old versions (Docker 29 refuses < 1.44) still answer.
 */
export const OUR_API_VERSION = '1.47';
/** Engines older than this lack what we read (health, mounts, archive stat). */
export const MIN_API_VERSION = '1.24';

export interface DockerEngineOptions {
  readonly address: EngineAddress;
  readonly clock: Clock;
  /** Per request, further bounded by the caller's deadline (default 5s). */
  readonly requestTimeoutMs?: number;
  /** Bytes read per answer before giving up (default 4 MiB: an inspect is a few KiB). */
  readonly maxBodyBytes?: number;
}

export interface EngineResponse {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Read-only access: the type has no way to send anything but GET and HEAD. */
export interface DockerEngine {
  readonly address: EngineAddress;
  /** The run's clock: `CallOptions.deadline` is on it. */
  readonly clock: Clock;
  /** `docker engine at unix:///var/run/docker.sock (API 1.41)` once negotiated. */
  describe(): string;
  /** The negotiated version (negotiates on first use; a failure is retried on the next call). */
  apiVersion(options: CallOptions): Promise<string>;
  /** `path` without the version prefix: `/containers/json?all=1`. 401/403/5xx throw; other statuses return. */
  get(path: string, options: CallOptions): Promise<EngineResponse>;
  head(path: string, options: CallOptions): Promise<EngineResponse>;
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

export function createDockerEngine(options: DockerEngineOptions): DockerEngine {
  const { address, clock } = options;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const agent =
    address.kind === 'unix'
      ? new Agent({ connect: { socketPath: address.socketPath }, connections: 4, keepAliveTimeout: 4_000 })
      : new Agent({ connections: 4, keepAliveTimeout: 4_000 });
  const origin = address.kind === 'unix' ? 'http://localhost' : `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  let negotiated: string | undefined;
  let negotiating: Promise<string> | undefined;

  async function send(method: 'GET' | 'HEAD', path: string, call: CallOptions): Promise<EngineResponse> {
    const budget = Math.floor(Math.min(timeoutMs, call.deadline - clock.now()));
    const what = `${method} ${path.split('?')[0]}`;
    if (budget <= 0) throw timeout(address, what, 0);
    const timer = AbortSignal.timeout(budget);
    const signal = call.signal ? AbortSignal.any([call.signal, timer]) : timer;
    let response: Dispatcher.ResponseData;
    try {
      response = await agent.request({
        origin,
        path,
        method,
        signal,
        headers: { accept: 'application/json' },
        headersTimeout: budget,
        bodyTimeout: budget,
      });
    } catch (error) {
      throw toPlatformError(error, address, what, { timedOut: timer.aborted && !call.signal?.aborted, budget });
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    let body = '';
    try {
      if (method === 'HEAD') await response.body.dump();
      else body = await readCapped(response.body, maxBody, address, what);
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      throw toPlatformError(error, address, what, { timedOut: timer.aborted && !call.signal?.aborted, budget });
    }
    const status = response.statusCode;
    if (status === 401 || status === 403) {
      throw new PlatformError(
        'ENGINE_FORBIDDEN',
        `the engine at ${address.display} refused ${what} (${status}${engineMessage(body)}): a socket proxy in front of it must allow GET /_ping, /containers/json, /containers/{id}/json, /images/{name}/json and HEAD /containers/{id}/archive`,
      );
    }
    if (status >= 500) {
      throw new PlatformError('ENGINE_API_ERROR', `the engine at ${address.display} failed ${what} (${status}${engineMessage(body)})`);
    }
    return { status, headers, body };
  }

  async function negotiate(call: CallOptions): Promise<string> {
    const ping = await send('GET', '/_ping', call);
    if (ping.status !== 200) {
      throw new PlatformError('ENGINE_API_ERROR', `${address.display} answered GET /_ping with ${ping.status}: is this a Docker engine?`);
    }
    // An engine that does not say speaks 1.24 at least (the docker CLI assumes the same).
    const server = ping.headers['api-version']?.trim() || MIN_API_VERSION;
    if (!/^\d+\.\d+$/.test(server)) throw new PlatformError('ENGINE_API_ERROR', `${address.display} sent API-Version "${oneLine(server, 20)}", not a version`);
    if (compareVersions(server, MIN_API_VERSION) < 0) {
      throw new PlatformError('ENGINE_API_ERROR', `the engine at ${address.display} speaks API ${server}; pathproof needs ${MIN_API_VERSION} or newer`);
    }
    return compareVersions(server, OUR_API_VERSION) < 0 ? server : OUR_API_VERSION;
  }

  const engine: DockerEngine = {
    address,
    clock,
    describe: () => `docker engine at ${address.display}${negotiated ? ` (API ${negotiated})` : ''}`,
    async apiVersion(call) {
      if (negotiated) return negotiated;
      negotiating ??= negotiate(call).finally(() => (negotiating = undefined));
      negotiated = await negotiating;
      return negotiated;
    },
    async get(path, call) {
      return send('GET', `/v${await engine.apiVersion(call)}${path}`, call);
    },
    async head(path, call) {
      return send('HEAD', `/v${await engine.apiVersion(call)}${path}`, call);
    },
    close: () => agent.close(),
  };
  return engine;
}

/** `1.41` vs `1.9`: numeric per part. */
export function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** `: no such container` from the engine's JSON error body, or nothing. */
function engineMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' && message !== '' ? `: ${oneLine(message, 160)}` : '';
  } catch {
    return '';
  }
}

async function readCapped(body: Dispatcher.ResponseData['body'], max: number, address: EngineAddress, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > max) {
      body.destroy();
      throw new PlatformError('ENGINE_RESPONSE_TOO_LARGE', `the engine at ${address.display} sent more than ${Math.round(max / 1024)} KiB for ${what}`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function timeout(address: EngineAddress, what: string, budget: number): PlatformError {
  return new PlatformError('ENGINE_TIMEOUT', `the engine at ${address.display} did not answer ${what} within ${budget}ms`);
}

const REFUSED = new Set(['ECONNREFUSED']);
const DENIED = new Set(['EACCES', 'EPERM']);
const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Transport faults, keyed on the stable codes of the cause chain. */
export function toPlatformError(
  error: unknown,
  address: EngineAddress,
  what: string,
  context: { timedOut: boolean; budget: number },
): PlatformError {
  const code = errorCode(error);
  const where = address.display;
  if (context.timedOut || (code !== undefined && TIMEOUTS.has(code))) {
    return new PlatformError('ENGINE_TIMEOUT', `the engine at ${where} did not answer ${what} within ${context.budget}ms`, { cause: error });
  }
  if (code !== undefined && REFUSED.has(code)) {
    return new PlatformError('ENGINE_REFUSED', `the engine at ${where} refused the connection (${code}): nothing listens there — is the engine (or the socket proxy) running?`, {
      cause: error,
    });
  }
  if (code !== undefined && DENIED.has(code)) {
    return new PlatformError(
      'ENGINE_PERMISSION_DENIED',
      `permission denied opening ${where} (${code}): run pathproof as a member of the socket's group, or give it a read-only socket proxy`,
      { cause: error },
    );
  }
  if (code === 'ENOENT' && address.kind === 'unix') {
    return new PlatformError(
      'ENGINE_UNREACHABLE',
      `no engine socket at ${address.socketPath} (ENOENT): is the engine running, and is its socket mounted where pathproof runs? (DOCKER_HOST or engine: in pathproof.yaml name another)`,
      { cause: error },
    );
  }
  const detail = code ?? (error instanceof Error ? oneLine(error.message, 80) : 'unknown error');
  return new PlatformError('ENGINE_UNREACHABLE', `cannot reach the engine at ${where} (${detail})`, { cause: error });
}
