/**
 * The facts the corpus's expectations rest on: each stack really behaves as the cases' `why`
 * says (a Debian update that changes a stock page must show up here, not as a "pathproof
 * regression"). Plain fetch against the running stacks, no pathproof involved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { CORPUS_DIR, startStacks } from './corpus.mjs';
import type { RunningStacks } from './corpus.mjs';

interface Fact {
  readonly url: (v: Readonly<Record<string, string>>) => string;
  readonly init?: RequestInit;
  readonly status: number | ((s: number) => boolean);
  readonly headers?: Readonly<Record<string, RegExp>>;
  readonly body?: RegExp;
}

const form = (password: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ client_id: 'node-red-editor', grant_type: 'password', scope: '*', username: 'admin', password }).toString(),
});

const FACTS: Record<string, Fact> = {
  'nginx stock 502 for a dead upstream': { url: (v) => `${v.NR_URL}/legacy/orders`, status: 502, headers: { server: /^nginx/ }, body: /<center>nginx/ },
  'nginx return 503 maintenance HTML': { url: (v) => `${v.NR_URL}/maintenance/x`, status: 503, headers: { 'content-type': /text\/html/ }, body: /maintenance/ },
  "Node-RED's own JSON 503 through nginx": { url: (v) => `${v.NR_URL}/api/status`, status: 503, headers: { 'content-type': /json/, 'x-shop-version': /4\.2\.0/ } },
  'Node-RED token endpoint refuses: 403 invalid_grant': { url: (v) => `${v.NR_URL}/auth/token`, init: form('wrong'), status: 403, body: /"invalid_grant"/ },
  'Node-RED token endpoint accepts the admin': { url: (v) => `${v.NR_URL}/auth/token`, init: form('corpus-admin-pass'), status: 200, body: /access_token/ },
  'Node-RED admin API without a token: 401 Bearer': { url: (v) => `${v.NR_URL}/flows`, status: 401, headers: { 'www-authenticate': /Bearer/ } },
  'nginx deny: 403': { url: (v) => `${v.NR_URL}/internal/metrics`, status: 403, headers: { server: /^nginx/ } },
  'nginx auth_basic: 401 Basic': { url: (v) => `${v.NR_URL}/ops/`, status: 401, headers: { 'www-authenticate': /Basic/ } },
  'Node-RED 404 for a missing route': { url: (v) => `${v.NR_URL}/api/refunds`, init: { method: 'POST' }, status: 404 },
  'Node-RED 404 for the missing bundle': { url: (v) => `${v.NR_URL}/app/js/dashboard.3f9a1c.js`, status: 404 },
  'nginx sub_filter injects the tag manager': { url: (v) => `${v.NR_TAGGED_URL}/app/orders.html`, status: 200, body: /dataLayer\.push[\s\S]*127\.0\.0\.2:\d+\/collect/ },
  'API host: 502 with CORS for the dead order service': {
    url: (v) => `${v.NR_API_URL}/shop-api/orders`,
    init: { method: 'POST' },
    status: 502,
    headers: { 'access-control-allow-origin': /\*/ },
  },
  'HAProxy maintenance: 503 HTML': { url: (v) => `${v.PROM_MAINT_URL}/-/ready`, status: 503, headers: { 'content-type': /text\/html/ }, body: /maintenance/ },
  'HAProxy no server: stock 503': { url: (v) => `${v.PROM_DOWN_URL}/-/ready`, status: 503, body: /No server is available/ },
  'HAProxy deny: stock 403': { url: (v) => `${v.PROM_URL}/api/v1/admin/tsdb/snapshot`, init: { method: 'POST' }, status: 403, body: /forbidden/i },
  'Prometheus serves another version than 2.53.0': { url: (v) => `${v.PROM_URL}/api/v1/status/buildinfo`, status: 200, body: /"version":"(?!2\.53\.0")/ },
  'Prometheus 404 for an unknown API': { url: (v) => `${v.PROM_URL}/api/v2/query?query=up`, status: 404 },
  'Apache mod_proxy stock 503': { url: (v) => `${v.AM_URL}/portal/`, status: 503, headers: { server: /^Apache/ }, body: /Service Unavailable/ },
  'Apache ErrorDocument maintenance 503': { url: (v) => `${v.AM_MAINT_URL}/api/v2/status`, status: 503, headers: { 'content-type': /text\/html/ }, body: /maintenance/ },
  'Apache Require all denied: 403': { url: (v) => `${v.AM_URL}/api/v2/silences`, status: 403 },
  'Apache basic auth: 401 Basic': { url: (v) => `${v.AM_URL}/-/reload`, init: { method: 'POST' }, status: 401, headers: { 'www-authenticate': /Basic/ } },
  'Apache mod_substitute injects the tag manager, no Silences link': { url: (v) => `${v.AM_URL}/`, status: 200, body: /dataLayer\.push(?![\s\S]*Silences)/ },
  'Alertmanager 404 for an unknown API': { url: (v) => `${v.AM_URL}/api/v3/status`, status: 404 },
  'Caddy stock 502: empty body': { url: (v) => `${v.JS_URL}/archive/posts`, status: 502, headers: { server: /Caddy/ }, body: /^$/ },
  'Caddy maintenance: 503 HTML': { url: (v) => `${v.JS_MAINT_URL}/posts`, status: 503, headers: { 'content-type': /text\/html/ }, body: /maintenance/ },
  'Caddy rule: 403 on /db': { url: (v) => `${v.JS_WAF_URL}/db`, status: 403 },
  'Caddy basicauth: 401': { url: (v) => `${v.JS_URL}/admin/posts`, status: 401, headers: { 'www-authenticate': /Basic/ } },
  'json-server answers JSON with its own headers': { url: (v) => `${v.JS_URL}/posts`, status: 200, headers: { 'content-type': /json/, 'x-powered-by': /Express/ } },
  'json-server 404 for a missing post': { url: (v) => `${v.JS_URL}/posts/9999`, status: 404 },
  'Varnish backend down: Guru Meditation 503': { url: (v) => `${v.ST_DOWN_URL}/index.html`, status: 503, body: /Guru Meditation/ },
  'Squid origin down: stock error page': {
    url: (v) => `${v.ST_SQUID_DOWN_URL}/index.html`,
    status: (s) => s === 502 || s === 503,
    headers: { 'x-squid-error': /^ERR_/ },
  },
  'the new build references a bundle that is not deployed': { url: (v) => `${v.ST_URL}/assets/app.5d2e9b.js`, status: 404 },
  'the optional announcements file is missing': { url: (v) => `${v.ST_URL}/data/announcements.json`, status: 404 },
};

let stacks: RunningStacks | undefined;

describe('corpus stacks behave as the cases say', () => {
  beforeAll(async () => {
    if (!existsSync(join(CORPUS_DIR, 'node_modules/node-red'))) {
      throw new Error('the corpus applications are not installed: npm ci --prefix test/corpus (.ci/run does it)');
    }
    stacks = await startStacks();
  }, 180_000);

  afterAll(async () => {
    await stacks?.stop();
  }, 60_000);

  it.each(Object.entries(FACTS))('%s', async (_what, fact) => {
    const vars = stacks?.vars ?? {};
    const response = await fetch(fact.url(vars), { ...fact.init, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
    const body = await response.text();
    const statusOk = typeof fact.status === 'number' ? response.status === fact.status : fact.status(response.status);
    expect(statusOk, `status ${response.status}: ${body.slice(0, 200)}`).toBe(true);
    for (const [name, pattern] of Object.entries(fact.headers ?? {})) expect(response.headers.get(name) ?? '', name).toMatch(pattern);
    if (fact.body) expect(body).toMatch(fact.body);
  });

  it('the blackholed third-party host accepts connections and never answers', async () => {
    const port = /127\.0\.0\.2:(\d+)/.exec(await (await fetch(`${stacks?.vars.NR_TAGGED_URL}/app/orders.html`)).text())?.[1];
    expect(port).toBeDefined();
    const got = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.2');
      let data = '';
      socket.on('connect', () => socket.write('GET /collect HTTP/1.1\r\nHost: x\r\n\r\n'));
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('error', (error) => resolve(`error ${error.message}`));
      setTimeout(() => {
        socket.destroy();
        resolve(data === '' ? 'connected, no answer' : data);
      }, 1_500);
    });
    expect(got).toBe('connected, no answer');
  });
});
