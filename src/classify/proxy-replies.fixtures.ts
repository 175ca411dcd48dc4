/**
 * Real-looking proxy replies, as captured from the products' stock configurations.
 * Shared by the classification tests; not part of the public API.
 */
export interface ReplyFixture {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export const NGINX_502: ReplyFixture = {
  status: 502,
  headers: { server: 'nginx/1.22.1', 'content-type': 'text/html', 'content-length': '157', connection: 'keep-alive' },
  body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n',
};

export const NGINX_404: ReplyFixture = {
  status: 404,
  headers: { server: 'nginx', 'content-type': 'text/html' },
  body: '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
};

export const ENVOY_503_CONNECT: ReplyFixture = {
  status: 503,
  headers: { server: 'envoy', 'content-type': 'text/plain', 'content-length': '145', date: 'Sun, 22 Nov 2026 09:15:02 GMT' },
  body: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111',
};

export const ENVOY_503_NO_HEALTHY: ReplyFixture = {
  status: 503,
  headers: { server: 'istio-envoy', 'content-type': 'text/plain', 'content-length': '19' },
  body: 'no healthy upstream',
};

export const ENVOY_504: ReplyFixture = {
  status: 504,
  headers: { server: 'envoy', 'content-type': 'text/plain', 'content-length': '24' },
  body: 'upstream request timeout',
};

export const HAPROXY_503: ReplyFixture = {
  status: 503,
  headers: { 'content-type': 'text/html', 'cache-control': 'no-cache', 'content-length': '107' },
  body: '<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n',
};

export const HAPROXY_504: ReplyFixture = {
  status: 504,
  headers: { 'content-type': 'text/html', 'cache-control': 'no-cache' },
  body: "<html><body><h1>504 Gateway Time-out</h1>\nThe server didn't respond in time.\n</body></html>\n",
};

export const CLOUDFLARE_522: ReplyFixture = {
  status: 522,
  headers: {
    server: 'cloudflare',
    'cf-ray': '8a1b2c3d4e5f6789-AMS',
    'content-type': 'text/plain; charset=UTF-8',
    'referrer-policy': 'same-origin',
  },
  body: 'error code: 522',
};

export const CLOUDFLARE_1020: ReplyFixture = {
  status: 403,
  headers: { server: 'cloudflare', 'cf-ray': '8a1b2c3d4e5f6790-FRA', 'content-type': 'text/plain; charset=UTF-8' },
  body: 'error code: 1020',
};

export const ALB_502: ReplyFixture = {
  status: 502,
  headers: { server: 'awselb/2.0', 'content-type': 'text/html', 'content-length': '122' },
  body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
};

export const CADDY_502: ReplyFixture = {
  status: 502,
  headers: { server: 'Caddy', 'content-length': '0' },
  body: '',
};

export const TRAEFIK_502: ReplyFixture = {
  status: 502,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': '11' },
  body: 'Bad Gateway',
};

export const TRAEFIK_503: ReplyFixture = {
  status: 503,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': '19' },
  body: 'no available server',
};

export const KONG_503: ReplyFixture = {
  status: 503,
  headers: { server: 'kong/3.4.2', 'content-type': 'application/json; charset=utf-8', 'x-kong-response-latency': '0' },
  body: '{\n  "message":"failure to get a peer from the ring-balancer",\n  "request_id":"5d0d4f2b7c0e3a51"\n}',
};

export const VARNISH_503: ReplyFixture = {
  status: 503,
  headers: { server: 'Varnish', 'x-varnish': '32770', 'content-type': 'text/html; charset=utf-8', via: '1.1 varnish (Varnish/7.1)' },
  body: '<!DOCTYPE html>\n<html>\n  <head>\n    <title>503 Backend fetch failed</title>\n  </head>\n  <body>\n    <h1>Error 503 Backend fetch failed</h1>\n    <p>Backend fetch failed</p>\n    <h3>Guru Meditation:</h3>\n    <p>XID: 32770</p>\n    <hr>\n    <p>Varnish cache server</p>\n  </body>\n</html>\n',
};

export const GOOGLE_LB_502: ReplyFixture = {
  status: 502,
  headers: { 'content-type': 'text/html; charset=UTF-8', via: '1.1 google', 'alt-svc': 'h3=":443"' },
  body: '<!DOCTYPE html>\n<html lang=en>\n<title>Error 502 (Server Error)!!1</title>\n<p><b>502.</b> <ins>That’s an error.</ins>\n<p>The server encountered a temporary error and could not complete your request.',
};

/** The app's own 503 (readiness failed), forwarded through nginx: nginx replaced `server`. */
export const APP_503_JSON_VIA_NGINX: ReplyFixture = {
  status: 503,
  headers: { server: 'nginx/1.22.1', 'content-type': 'application/json', 'retry-after': '30' },
  body: '{"status":"unavailable","reason":"database connection pool exhausted"}',
};

/** The app's own 503 forwarded by Envoy: x-envoy-upstream-service-time says an upstream answered. */
export const APP_503_VIA_ENVOY: ReplyFixture = {
  status: 503,
  headers: { server: 'envoy', 'content-type': 'text/html', 'x-envoy-upstream-service-time': '12' },
  body: '<html><body><h1>Down for maintenance</h1></body></html>',
};

/** A maintenance page behind nginx: HTML, not a stock page; nothing says which side wrote it. */
export const APP_503_HTML_VIA_NGINX: ReplyFixture = {
  status: 503,
  headers: { server: 'nginx', 'content-type': 'text/html; charset=utf-8' },
  body: '<!doctype html><html><head><title>Maintenance</title></head><body><p>We will be back soon.</p></body></html>',
};

export const APP_500_JSON_VIA_CLOUDFLARE: ReplyFixture = {
  status: 500,
  headers: { server: 'cloudflare', 'cf-ray': '8a1b2c3d4e5f6791-AMS', 'content-type': 'application/json' },
  body: '{"error":"internal","traceId":"4bf92f3577b34da6"}',
};
