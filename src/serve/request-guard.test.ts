import { describe, expect, it } from 'vitest';
import { boundedLog, checkHost, checkJsonContentType, checkOrigin, hostName, requestPath } from './request-guard.js';

describe('requestPath', () => {
  it.each<[string | undefined, string]>([
    ['/api/runs/abc', '/api/runs/abc'],
    ['/api/journeys?x=1', '/api/journeys'],
    ['http://127.0.0.1:9464/metrics', '/metrics'],
    ['/api/runs/caf%C3%A9', '/api/runs/caf%C3%A9'],
  ])('%j → %j', (target, path) => {
    expect(requestPath(target)).toEqual({ ok: true, path });
  });

  it.each<[string | undefined, RegExp]>([
    ['/api/runs/%E0%A4%A', /^malformed request target: bad percent-encoding in "\/api\/runs\/%E0%A4%A"$/],
    ['/api/runs/%ZZ', /bad percent-encoding/],
    ['http://[x/', /^malformed request target: "http:\/\/\[x\/" is neither a path nor an absolute URL$/],
    ['*', /neither a path nor an absolute URL/],
    ['ftp://h/x', /neither a path nor an http URL/],
    ['/a\u0000b', /spaces or control characters/],
    ['', /no request target/],
  ])('refuses %j', (target, message) => {
    const result = requestPath(target);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toMatch(message);
  });
});

describe('checkHost (DNS rebinding)', () => {
  const rules = { listenHost: '127.0.0.1', allowHosts: ['canary.example.com', '.svc.cluster.local'] };
  it.each<[string, boolean]>([
    ['127.0.0.1:9464', true],
    ['[::1]:9464', true],
    ['10.0.0.7:9464', true],
    ['localhost:9464', true],
    ['LOCALHOST', true],
    ['app.localhost:9464', true],
    ['canary.example.com', true],
    ['canary.example.com.:443', true],
    ['pathproof.monitoring.svc.cluster.local:9464', true],
    ['evil.example:9464', false],
    ['127.0.0.1.evil.example', false],
    ['localhost.evil.example', false],
    ['canary.example.com.evil.example', false],
  ])('Host %j → %s', (host, ok) => {
    const verdict = checkHost(host, rules);
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) {
      expect(verdict.status).toBe(421);
      expect(verdict.message).toMatch(/is not a name this server answers to \(DNS rebinding protection\).*--allow-host/);
    }
  });

  it.each([[undefined], [''], ['a b'], ['x:y:z']])('a missing or malformed Host %j is 400', (host) => {
    expect(checkHost(host, rules)).toMatchObject({ ok: false, status: 400 });
  });

  it('hostName strips port and trailing dot, keeps brackets', () => {
    expect([hostName('Example.COM.:80'), hostName('[::1]:9'), hostName('a:b:c')]).toEqual(['example.com', '[::1]', undefined]);
  });
});

describe('checkOrigin', () => {
  const host = '127.0.0.1:9464';
  it.each<[Record<string, string>, boolean]>([
    [{}, true],
    [{ origin: 'http://127.0.0.1:9464' }, true],
    [{ 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:9464' }, true],
    [{ 'sec-fetch-site': 'none' }, true],
    [{ origin: 'https://evil.example' }, false],
    [{ origin: 'http://127.0.0.1:3000' }, false],
    [{ origin: 'null' }, false],
    [{ 'sec-fetch-site': 'cross-site' }, false],
    [{ 'sec-fetch-site': 'same-site' }, false],
  ])('%j → %s', (headers, ok) => {
    const verdict = checkOrigin({ ...headers, host });
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) expect(verdict).toMatchObject({ status: 403, message: expect.stringMatching(/^cross-site request refused/) });
  });
});

describe('checkJsonContentType', () => {
  it.each<[string | undefined, string | undefined, boolean, boolean]>([
    ['application/json', '12', false, true],
    ['application/json; charset=utf-8', '12', false, true],
    ['application/cloudevents+json', '12', false, true],
    [undefined, undefined, false, true],
    [undefined, '0', false, true],
    ['text/plain', '12', false, false],
    ['application/x-www-form-urlencoded', '5', false, false],
    [undefined, '12', false, false],
    ['text/plain', undefined, true, false],
  ])('%s with length %s (chunked %s) → %s', (type, length, chunked, ok) => {
    const verdict = checkJsonContentType(type, length, chunked);
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok) expect(verdict).toMatchObject({ status: 415, message: expect.stringMatching(/^request body must be JSON: send content-type: application\/json/) });
  });
});

describe('boundedLog', () => {
  it('writes the first lines of a minute, then says how many it left out', () => {
    let now = 0;
    const lines: string[] = [];
    const log = boundedLog((l) => lines.push(l), () => now, 2);
    for (let i = 0; i < 5; i++) log(`bad ${i}`);
    now = 61_000;
    log('bad 5');
    expect(lines).toEqual(['bad 0', 'bad 1', 'pathproof: 3 more bad requests in the last minute were not logged', 'bad 5']);
  });
});
