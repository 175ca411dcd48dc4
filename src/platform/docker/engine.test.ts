/**
 * The engine client against real HTTP servers on a unix socket (and a closed TCP port):
 * version negotiation, GET/HEAD only, bounds, and every fault's stable code.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../result/clock.js';
import { PlatformError } from '../types.js';
import type { EngineAddress } from './address.js';
import { OUR_API_VERSION, compareVersions, createDockerEngine, toPlatformError } from './engine.js';
import { dockerSource } from './source.js';

const clock = systemClock();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Seen {
  readonly method: string;
  readonly url: string;
}

/** A fake engine on a unix socket: `_ping` says `version`, everything else goes to `handler`. */
async function fakeEngine(
  version: string | undefined,
  handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('[]'),
): Promise<{ address: EngineAddress; seen: Seen[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'pathproof-engine-'));
  const socketPath = join(dir, 'docker.sock');
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '' });
    if (req.url === '/_ping') {
      res.writeHead(200, version === undefined ? {} : { 'API-Version': version });
      return res.end('OK');
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return { address: { kind: 'unix', socketPath, display: `unix://${socketPath}` }, seen };
}

function engineFor(address: EngineAddress, options: { requestTimeoutMs?: number; maxBodyBytes?: number } = {}) {
  const engine = createDockerEngine({ address, clock, ...options });
  cleanups.push(() => engine.close());
  return engine;
}

const soon = (ms = 5_000) => ({ deadline: clock.now() + ms });

async function failure(work: Promise<unknown>): Promise<PlatformError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('expected a PlatformError');
}

describe('API version negotiation', () => {
  it.each([
    ['1.41', '1.41'],
    ['1.99', OUR_API_VERSION],
    [undefined, '1.24'],
  ])('the engine says %j → /v%s/…', async (server, used) => {
    const fake = await fakeEngine(server);
    const engine = engineFor(fake.address);
    await engine.get('/containers/json?all=1', soon());
    await engine.get('/containers/json?all=1', soon());
    expect(fake.seen.map((s) => s.url)).toEqual(['/_ping', `/v${used}/containers/json?all=1`, `/v${used}/containers/json?all=1`]);
    expect(engine.describe()).toBe(`docker engine at ${fake.address.display} (API ${used})`);
  });

  it('an engine older than 1.24 is refused', async () => {
    const fake = await fakeEngine('1.12');
    const error = await failure(engineFor(fake.address).get('/containers/json', soon()));
    expect(error.code).toBe('ENGINE_API_ERROR');
    expect(error.message).toContain('speaks API 1.12; pathproof needs 1.24 or newer');
  });

  it.each([
    ['1.41', '1.9', 1],
    ['1.24', '1.24', 0],
    ['1.9', '1.41', -1],
  ])('compareVersions(%s, %s) has the sign of %i', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});

describe('only reads', () => {
  it('a whole container check sends nothing but GET and HEAD', async () => {
    const stat = Buffer.from(JSON.stringify({ name: 'x', size: 1, mode: 420, mtime: '2026-11-30T00:00:00Z' })).toString('base64');
    const fake = await fakeEngine('1.41', (req, res) => {
      if (req.url?.startsWith('/v1.41/containers/json')) return res.end(JSON.stringify([{ Id: 'c1', Names: ['/api'], State: 'running', Labels: {} }]));
      if (req.url === '/v1.41/containers/c1/json') return res.end(JSON.stringify({ Id: 'c1', Name: '/api', State: { Status: 'running', Running: true } }));
      if (req.url?.startsWith('/v1.41/images/')) return res.end(JSON.stringify({ Id: 'sha256:1', Created: '2026-11-30T00:00:00Z' }));
      if (req.url?.startsWith('/v1.41/containers/c1/archive')) {
        res.writeHead(200, { 'X-Docker-Container-Path-Stat': stat });
        return res.end();
      }
      res.writeHead(404).end('{"message":"page not found"}');
    });
    const source = dockerSource(engineFor(fake.address));
    const [listed] = await source.listContainers({ by: 'name', name: 'api' }, soon());
    expect(listed?.id).toBe('c1');
    expect(await source.inspectContainer('c1', { ...soon(), envKeys: [] })).toMatchObject({ name: 'api' });
    expect(await source.resolveImage('registry.example:5000/team/shop-api:2.0.3', soon())).toMatchObject({ present: true, id: 'sha256:1' });
    expect(await source.statPath('c1', '/app/dist', soon())).toMatchObject({ exists: true, type: 'file' });
    expect(new Set(fake.seen.map((s) => s.method))).toEqual(new Set(['GET', 'HEAD']));
    expect(fake.seen.map((s) => s.url)).toContain('/v1.41/images/registry.example:5000/team/shop-api:2.0.3/json');
    expect(fake.seen.map((s) => s.url)).toContain('/v1.41/containers/c1/archive?path=%2Fapp%2Fdist');
  });

  it('404s mean absent: no image, no path, no container', async () => {
    const fake = await fakeEngine('1.41', (_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"No such thing"}'));
    const source = dockerSource(engineFor(fake.address));
    expect(await source.resolveImage('shop-api:9', soon())).toEqual({ reference: 'shop-api:9', present: false });
    expect(await source.statPath('c1', '/nope', soon())).toEqual({ path: '/nope', exists: false });
    expect(await source.inspectContainer('c1', { ...soon(), envKeys: [] })).toBeUndefined();
  });
});

describe('faults have stable codes', () => {
  it('a socket proxy refusing a read → ENGINE_FORBIDDEN, naming what to allow', async () => {
    const fake = await fakeEngine('1.41', (_req, res) => res.writeHead(403).end('{"message":"forbidden by proxy"}'));
    const error = await failure(engineFor(fake.address).get('/containers/json', soon()));
    expect(error.code).toBe('ENGINE_FORBIDDEN');
    expect(error.message).toContain('refused GET /v1.41/containers/json (403: forbidden by proxy)');
    expect(error.message).toContain('HEAD /containers/{id}/archive');
  });

  it('a 500 → ENGINE_API_ERROR with the engine message', async () => {
    const fake = await fakeEngine('1.41', (_req, res) => res.writeHead(500).end('{"message":"layer does not exist"}'));
    const error = await failure(engineFor(fake.address).get('/containers/json', soon()));
    expect(error).toMatchObject({ name: 'PlatformError', code: 'ENGINE_API_ERROR' });
    expect(error.message).toContain('500: layer does not exist');
  });

  it('an answer larger than the cap → ENGINE_RESPONSE_TOO_LARGE', async () => {
    const fake = await fakeEngine('1.41', (_req, res) => res.end('x'.repeat(64 * 1024)));
    const error = await failure(engineFor(fake.address, { maxBodyBytes: 1024 }).get('/containers/json', soon()));
    expect(error.code).toBe('ENGINE_RESPONSE_TOO_LARGE');
  });

  it('an engine that never answers → ENGINE_TIMEOUT, within the deadline', async () => {
    const fake = await fakeEngine('1.41', () => undefined);
    // Bounded by the deadline: without it this would hang until the test's own timeout fails it.
    const error = await failure(engineFor(fake.address).get('/containers/json', soon(300)));
    expect(error.code).toBe('ENGINE_TIMEOUT');
    expect(error.message).toContain('did not answer GET /v1.41/containers/json within');
  });

  it('no socket there → ENGINE_UNREACHABLE saying so', async () => {
    const socketPath = join(tmpdir(), `pathproof-missing-${process.pid}.sock`);
    const error = await failure(engineFor({ kind: 'unix', socketPath, display: `unix://${socketPath}` }).get('/containers/json', soon()));
    expect(error.code).toBe('ENGINE_UNREACHABLE');
    expect(error.message).toContain(`no engine socket at ${socketPath} (ENOENT)`);
    expect(error.cause).toBeDefined();
  });

  it('nothing listening on tcp → ENGINE_REFUSED', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await failure(engineFor({ kind: 'tcp', host: '127.0.0.1', port, display: `tcp://127.0.0.1:${port}` }).get('/x', soon()));
    expect(error.code).toBe('ENGINE_REFUSED');
  });

  const unix: EngineAddress = { kind: 'unix', socketPath: '/var/run/docker.sock', display: 'unix:///var/run/docker.sock' };
  const coded = (code: string) => Object.assign(new Error('connect failed'), { cause: Object.assign(new Error(code), { code }) });
  it.each([
    ['EACCES', 'ENGINE_PERMISSION_DENIED'],
    ['EPERM', 'ENGINE_PERMISSION_DENIED'],
    ['ECONNREFUSED', 'ENGINE_REFUSED'],
    ['ENOENT', 'ENGINE_UNREACHABLE'],
    ['ENOTFOUND', 'ENGINE_UNREACHABLE'],
    ['ECONNRESET', 'ENGINE_UNREACHABLE'],
    ['UND_ERR_HEADERS_TIMEOUT', 'ENGINE_TIMEOUT'],
    ['UND_ERR_CONNECT_TIMEOUT', 'ENGINE_TIMEOUT'],
  ])('%s in the cause chain → %s', (code, expected) => {
    const mapped = toPlatformError(coded(code), unix, 'GET /_ping', { timedOut: false, budget: 5_000 });
    expect(mapped.code).toBe(expected);
    expect(mapped.name).toBe('PlatformError');
  });
});
