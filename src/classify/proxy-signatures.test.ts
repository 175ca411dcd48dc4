import { describe, expect, it } from 'vitest';
import { detectProxy, isJsonBody } from './proxy-signatures.js';
import * as F from './proxy-replies.fixtures.js';

describe('detectProxy: replies a proxy generated', () => {
  it.each([
    ['nginx stock 502', F.NGINX_502, 'nginx', ['server: nginx/1.22.1', "nginx's stock 502 page"]],
    ['nginx stock 404', F.NGINX_404, 'nginx', ["nginx's stock 404 page"]],
    ['Envoy upstream connect error', F.ENVOY_503_CONNECT, 'Envoy', ['server: envoy', 'upstream connect error']],
    ['Istio no healthy upstream', F.ENVOY_503_NO_HEALTHY, 'Envoy', ['no healthy upstream']],
    ['Envoy upstream request timeout', F.ENVOY_504, 'Envoy', ['upstream request timeout']],
    ['HAProxy 503', F.HAPROXY_503, 'HAProxy', ["HAProxy's stock 503 page"]],
    ['HAProxy 504', F.HAPROXY_504, 'HAProxy', ['504']],
    ['Cloudflare 522', F.CLOUDFLARE_522, 'Cloudflare', ['server: cloudflare', 'cf-ray', 'error code: 522']],
    ['Cloudflare 1020 (WAF)', F.CLOUDFLARE_1020, 'Cloudflare', ['error code: 1020']],
    ['AWS ALB 502', F.ALB_502, 'AWS ALB', ['server: awselb/2.0']],
    ['Caddy 502', F.CADDY_502, 'Caddy', ['server: Caddy', 'empty 502 body']],
    ['Traefik 502', F.TRAEFIK_502, 'Traefik', ['"Bad Gateway"', 'no server header']],
    ['Traefik no available server', F.TRAEFIK_503, 'Traefik', ['no available server']],
    ['Kong 503', F.KONG_503, 'Kong', ['server: kong/3.4.2']],
    ['Varnish 503', F.VARNISH_503, 'Varnish', ['Guru Meditation']],
    ['generic via (Google LB)', F.GOOGLE_LB_502, 'google', ['via: 1.1 google']],
  ] as const)('%s → %s', (_name, reply, proxy, evidence) => {
    const match = detectProxy(reply);
    expect(match?.proxy).toBe(proxy);
    for (const fact of evidence) expect(match?.evidence).toContain(fact);
  });

  it.each([
    ['Cloudflare 522', F.CLOUDFLARE_522, 'Cloudflare timed out connecting to the origin'],
    ['Envoy no healthy upstream', F.ENVOY_503_NO_HEALTHY, 'no healthy upstream'],
    ['HAProxy 503', F.HAPROXY_503, 'No server is available to handle this request.'],
    ['Kong 503', F.KONG_503, 'failure to get a peer from the ring-balancer'],
  ] as const)("%s carries the proxy's own words", (_name, reply, detail) => {
    expect(detectProxy(reply)?.detail).toBe(detail);
  });

  it('reads header names in any case', () => {
    expect(detectProxy({ status: 502, headers: { Server: 'awselb/2.0' }, body: '' })?.proxy).toBe('AWS ALB');
  });

  it('works without a body (browser sub-requests) on header-only evidence', () => {
    expect(detectProxy({ status: 502, headers: { server: 'awselb/2.0' } })?.proxy).toBe('AWS ALB');
    expect(detectProxy({ status: 524, headers: { server: 'cloudflare', 'cf-ray': 'x' } })?.proxy).toBe('Cloudflare');
    // A body the browser did not capture is unknown, never empty: only an announced empty body matches.
    expect(detectProxy({ status: 502, headers: { server: 'Caddy', 'content-length': '0' } })?.proxy).toBe('Caddy');
    expect(detectProxy({ status: 502, headers: { server: 'Caddy' } })).toBeUndefined();
    expect(detectProxy({ status: 503, headers: { server: 'Caddy', 'content-type': 'application/json' } })).toBeUndefined();
  });
});

describe("detectProxy: the app's own replies, forwarded", () => {
  it.each([
    ["app's JSON 503 through nginx", F.APP_503_JSON_VIA_NGINX],
    ["app's 503 through Envoy (x-envoy-upstream-service-time)", F.APP_503_VIA_ENVOY],
    ["app's JSON 500 through Cloudflare", F.APP_500_JSON_VIA_CLOUDFLARE],
    ['a 200 from nginx', { status: 200, headers: { server: 'nginx/1.22.1' }, body: '<html>ok</html>' }],
    ['a 200 through Cloudflare', { status: 200, headers: { server: 'cloudflare', 'cf-ray': 'x' }, body: '{}' }],
    ['a JSON 502 with via', { status: 502, headers: { via: '1.1 varnish', 'content-type': 'application/json' }, body: '{"error":"upstream"}' }],
    ['a 500 with via and HTML (the app)', { status: 500, headers: { via: '1.1 varnish' }, body: '<h1>Oops</h1>' }],
    ['a Caddy 502 with an app body', { status: 502, headers: { server: 'Caddy' }, body: '{"error":"payment gateway down"}' }],
    ['plain "Bad Gateway" but with a server header', { status: 502, headers: { server: 'gunicorn' }, body: 'Bad Gateway' }],
  ] as const)('%s → none', (_name, reply) => {
    expect(detectProxy(reply)).toBeUndefined();
  });
});

describe('isJsonBody', () => {
  it.each([
    [{ 'content-type': 'application/json' }, 'not even json', true],
    [{ 'content-type': 'application/problem+json' }, '{}', true],
    [{}, ' {"a":1} ', true],
    [{}, '[1,2]', true],
    [{}, '{broken', false],
    [{ 'content-type': 'text/html' }, '<html></html>', false],
    [{}, undefined, false],
  ] as const)('%j %j → %s', (headers, body, json) => {
    expect(isJsonBody(headers, body)).toBe(json);
  });
});
