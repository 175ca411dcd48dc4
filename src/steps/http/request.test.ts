import { describe, expect, it } from 'vitest';
import { HttpStep } from '../../journey/schema.js';
import { buildProbeRequest } from './request.js';
import type { RequestSpecOutput } from './request.js';

/** Validate through the schema, as the loader does. */
function spec(request: unknown): RequestSpecOutput {
  return HttpStep.parse({ request }).request;
}

function build(request: unknown, target: string | undefined, limits = {}) {
  const result = buildProbeRequest(spec(request), target, limits);
  if (!result.ok) throw new Error(result.message);
  return result.request;
}

describe('buildProbeRequest: URLs', () => {
  it.each([
    ['GET /api', 'http://h', 'http://h/api'],
    ['GET /api', 'http://h/', 'http://h/api'],
    // Base paths are kept: the step path is appended, not resolved.
    ['GET /api', 'http://h/base', 'http://h/base/api'],
    ['GET /api', 'http://h/base/', 'http://h/base/api'],
    ['GET /', 'http://h/base/', 'http://h/base/'],
    ['GET api/x', 'http://h/base', 'http://h/base/api/x'],
    ['GET /api?x=1', 'http://h:8080/base', 'http://h:8080/base/api?x=1'],
    ['GET /api?x=1', 'http://h/?tenant=t', 'http://h/api?tenant=t&x=1'],
    ['GET /api#frag', 'http://h', 'http://h/api'],
    // A path that looks protocol-relative stays a path on the target.
    ['GET //evil.test/x', 'http://h', 'http://h/evil.test/x'],
    ['GET https://other.test/x?y=1', 'http://h/base', 'https://other.test/x?y=1'],
    ['/health', 'https://h', 'https://h/health'],
  ])('%s on %s → %s', (line, target, url) => {
    expect(build(line, target).url).toBe(url);
  });

  it('appends query parameters', () => {
    const request = build({ url: '/search?q=a', query: { page: 2, all: true, q: 'b c' } }, 'http://h');
    expect(request.url).toBe('http://h/search?q=a&page=2&all=true&q=b+c');
  });

  it.each([
    ['GET /api', undefined, '"/api" is a path but the journey has no target'],
    ['GET ftp://h/x', 'http://h', 'unsupported URL scheme "ftp:"'],
    ['GET http://exa mple', 'http://h', 'invalid'],
  ])('%s with target %s is not ok', (line, target, message) => {
    const result = buildProbeRequest(line as RequestSpecOutput, target);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});

describe('buildProbeRequest: method, headers, body', () => {
  it('parses a request line and sets a default user-agent', () => {
    const request = build('DELETE /api/x', 'http://h');
    expect(request.method).toBe('DELETE');
    expect(request.headers['user-agent']).toMatch(/^pathproof\/\d+\.\d+\.\d+/);
    expect(request.body).toBeUndefined();
  });

  it('defaults the object form to GET and lower-cases header names', () => {
    const request = build({ url: '/x', headers: { Authorization: 'Bearer t', 'User-Agent': 'mine/1' } }, 'http://h');
    expect(request.method).toBe('GET');
    expect(request.headers).toEqual({ authorization: 'Bearer t', 'user-agent': 'mine/1' });
  });

  it('encodes json with its content-type', () => {
    const request = build({ method: 'POST', url: '/x', json: { amount: 120, note: 'é' } }, 'http://h');
    expect(request.body).toBe('{"amount":120,"note":"é"}');
    expect(request.headers['content-type']).toBe('application/json');
  });

  it('keeps an explicit content-type for json', () => {
    const request = build(
      { method: 'POST', url: '/x', json: [1], headers: { 'Content-Type': 'application/vnd.api+json' } },
      'http://h',
    );
    expect(request.headers['content-type']).toBe('application/vnd.api+json');
  });

  it('url-encodes a form', () => {
    const request = build({ method: 'POST', url: '/login', form: { user: 'a b', n: 1, ok: false } }, 'http://h');
    expect(request.body).toBe('user=a+b&n=1&ok=false');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('sends a raw body as is, without inventing a content-type', () => {
    const request = build({ method: 'PUT', url: '/x', body: 'raw text' }, 'http://h');
    expect(request.body).toBe('raw text');
    expect(request.headers['content-type']).toBeUndefined();
  });

  it('json: null is a body too', () => {
    expect(build({ method: 'POST', url: '/x', json: null }, 'http://h').body).toBe('null');
  });
});

describe('buildProbeRequest: limits', () => {
  it.each([
    [{ url: '/x' }, 10],
    [{ url: '/x', followRedirects: true }, 10],
    [{ url: '/x', followRedirects: false }, 0],
    [{ url: '/x', followRedirects: 3 }, 3],
    ['GET /x', 10],
  ])('%j follows %i redirects', (request, maxRedirects) => {
    expect(build(request, 'http://h').maxRedirects).toBe(maxRedirects);
  });

  it('takes limits from the caller', () => {
    const request = build({ url: '/x' }, 'http://h', { timeoutMs: 1234, maxRedirects: 2, maxBodyBytes: 99, userAgent: 'ua/1' });
    expect(request).toMatchObject({ timeoutMs: 1234, maxRedirects: 2, maxBodyBytes: 99, headers: { 'user-agent': 'ua/1' } });
  });

  it('defaults to the schema defaults', () => {
    expect(build('/x', 'http://h')).toMatchObject({ timeoutMs: 10_000, maxRedirects: 10, maxBodyBytes: 1024 * 1024 });
  });
});
