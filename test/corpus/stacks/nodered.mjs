/**
 * Stack "nodered": Node-RED 4 (npm, Apache-2.0) behind nginx (Debian).
 *
 * Node-RED is the application: its editor is a real single-page app with a websocket
 * (/comms) and an OAuth2-style admin login (POST /auth/token), and its flows (the app's own
 * configuration, below) serve a small shop: JSON APIs, a long poll, server-sent events, a
 * websocket, and static pages from sites/nodered/app.
 *
 * nginx is the edge, with stock behaviour only:
 * - NR_URL        the shop: `keepalive_timeout 1s` (closes idle keep-alive connections
 *                 aggressively, issue #11 item 8), a dead upstream for /shop-api/ and /legacy/
 *                 (stock 502), `return 503` maintenance HTML, `deny all` (403), `auth_basic` (401);
 * - NR_TAGGED_URL the same app through a `sub_filter` that injects a tag manager into every HTML
 *                 page: a web font and an analytics script from hosts that do not resolve, a
 *                 pixel from a host that accepts and never answers, and an inline snippet that
 *                 throws (window.dataLayer is undefined);
 * - NR_API_URL    the shop's API host (another first-party origin): /api/ to the app, /shop-api/
 *                 to the dead order service, CORS for the shop's pages.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort, freePort, startService, tempDir, waitHttp } from './proc.mjs';

const require = createRequire(import.meta.url);
const CORPUS = new URL('..', import.meta.url).pathname;
const NODE_RED = join(CORPUS, 'node_modules/node-red/red.js');
const NGINX = process.env.PATHPROOF_NGINX ?? '/usr/sbin/nginx';

export const NR_ADMIN = { user: 'admin', password: 'corpus-admin-pass' };
export const NR_OPS = { user: 'ops', password: 'corpus-ops-pass' };

function flows() {
  const z = 'shop';
  const nodes = [{ id: z, type: 'tab', label: 'Acme shop' }];
  let n = 0;
  /** One HTTP endpoint: http in → function → http response. */
  const endpoint = (method, url, func) => {
    const id = `n${++n}`;
    nodes.push(
      { id: `${id}i`, type: 'http in', z, name: '', url, method, upload: false, x: 100, y: 40 * n, wires: [[`${id}f`]] },
      { id: `${id}f`, type: 'function', z, name: `${method} ${url}`, func, outputs: 1, x: 300, y: 40 * n, wires: [[`${id}r`]] },
      { id: `${id}r`, type: 'http response', z, name: '', statusCode: '', headers: {}, x: 500, y: 40 * n, wires: [] },
    );
  };
  const json = (status, body, headers = {}) =>
    `msg.statusCode = ${status}; msg.headers = ${JSON.stringify({ 'x-shop-version': '4.2.0', ...headers })}; msg.payload = ${JSON.stringify(body)}; return msg;`;
  endpoint('get', '/api/orders', json(200, [{ id: 1001, items: 2, status: 'shipped' }, { id: 1002, items: 1, status: 'processing' }]));
  endpoint('get', '/api/preferences', json(404, { error: 'not_found', message: 'no saved preferences' }));
  endpoint('get', '/api/cart', json(200, { items: [{ name: 'Blue mug', qty: 2 }] }));
  endpoint('get', '/api/status', json(503, { status: 'unavailable', reason: 'database migration in progress' }, { 'retry-after': '120' }));
  // A long poll: the app answers only when something happens (here: after 25 s).
  endpoint('get', '/api/poll', `setTimeout(() => node.send(Object.assign(msg, { payload: { changed: false } })), 25000); return null;`);
  // Server-sent events: the function writes the stream on the raw response and keeps it open.
  endpoint(
    'get',
    '/api/events',
    `const res = msg.res._res;
res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
res.write('data: {"state":"live"}\\n\\n');
const timer = setInterval(() => res.write(': keep-alive\\n\\n'), 5000);
res.on('close', () => clearInterval(timer));
return null;`,
  );
  // A websocket that echoes: the live board shows "Socket connected" on the first echo.
  nodes.push(
    { id: 'wsl', type: 'websocket-listener', path: '/ws/live', wholemsg: 'false' },
    { id: 'wsi', type: 'websocket in', z, name: '', server: 'wsl', client: '', x: 100, y: 400, wires: [['wso']] },
    { id: 'wso', type: 'websocket out', z, name: '', server: 'wsl', client: '', x: 300, y: 400, wires: [] },
  );
  return nodes;
}

function settings({ port, dir, staticDir }) {
  const bcrypt = require('bcryptjs');
  const hash = bcrypt.hashSync(NR_ADMIN.password, 8);
  return `module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${port},
  userDir: ${JSON.stringify(dir)},
  flowFile: 'flows.json',
  credentialSecret: false,
  httpStatic: [{ path: ${JSON.stringify(staticDir)}, root: '/app/' }],
  adminAuth: { type: 'credentials', users: [{ username: ${JSON.stringify(NR_ADMIN.user)}, password: ${JSON.stringify(hash)}, permissions: '*' }] },
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  diagnostics: { enabled: false },
  telemetry: { enabled: false },
  editorTheme: {
    tours: false,
    projects: { enabled: false },
    // The editor fetches its plugin catalogue from a third-party host; this one never resolves.
    palette: { catalogues: ['https://catalogue.nodered.invalid/catalogue.json'] },
  },
};
`;
}

const TAG_HEAD = () =>
  [
    '<link rel="stylesheet" href="https://fonts.cdn.invalid/css2?family=Roboto">',
    '<script async src="https://tags.analytics.invalid/gtm.js?id=GTM-CORPUS"></script>',
    // Double quotes only: the snippet sits inside a single-quoted nginx string.
    '<script>window.addEventListener("DOMContentLoaded", function () { window.dataLayer.push({ event: "page_view" }); });</script>',
    '</head>',
  ].join('');
const TAG_BODY = (blackhole) => `<img src="${blackhole}/collect?v=1&amp;t=pageview" width="1" height="1" alt=""></body>`;

const MAINTENANCE =
  '<!DOCTYPE html><html><head><title>Scheduled maintenance</title></head><body><h1>We will be back soon</h1><p>Acme Shop is down for scheduled maintenance until 06:00 UTC.</p></body></html>';

function nginxConf({ dir, ports, nodered, dead, blackhole }) {
  const proxyToApp = `proxy_pass http://127.0.0.1:${nodered};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_buffering off;
      proxy_read_timeout 60s;`;
  return `daemon off;
master_process off;
worker_processes 1;
error_log ${join(dir, 'error.log')} warn;
pid ${join(dir, 'nginx.pid')};
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'tmp-body')};
  proxy_temp_path ${join(dir, 'tmp-proxy')};
  fastcgi_temp_path ${join(dir, 'tmp-fastcgi')};
  uwsgi_temp_path ${join(dir, 'tmp-uwsgi')};
  scgi_temp_path ${join(dir, 'tmp-scgi')};
  default_type application/octet-stream;
  # Idle keep-alive connections are closed after one second (issue #11 item 8).
  keepalive_timeout 1s;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }

  server {
    listen 127.0.0.1:${ports.main};
    location / {
      ${proxyToApp}
    }
    # The order service (a separate upstream) is down.
    location /shop-api/ { proxy_pass http://127.0.0.1:${dead}; }
    location /legacy/ { proxy_pass http://127.0.0.1:${dead}; }
    location /maintenance/ {
      default_type text/html;
      return 503 '${MAINTENANCE}';
    }
    location /internal/ { deny all; }
    location /ops/ {
      auth_basic "Acme operations";
      auth_basic_user_file ${join(dir, 'htpasswd')};
      ${proxyToApp}
    }
  }

  server {
    listen 127.0.0.1:${ports.tagged};
    location / {
      ${proxyToApp}
      proxy_set_header Accept-Encoding "";
      sub_filter_once on;
      sub_filter '</head>' '${TAG_HEAD()}';
      sub_filter '</body>' '${TAG_BODY(blackhole)}';
    }
  }

  server {
    listen 127.0.0.1:${ports.api};
    add_header Access-Control-Allow-Origin * always;
    add_header Access-Control-Allow-Headers content-type always;
    add_header Access-Control-Allow-Methods "GET, POST, OPTIONS" always;
    if ($request_method = OPTIONS) { return 204; }
    location /api/ {
      proxy_pass http://127.0.0.1:${nodered};
      proxy_hide_header Access-Control-Allow-Origin;
    }
    location /shop-api/ { proxy_pass http://127.0.0.1:${dead}; }
  }
}
`;
}

/** Starts Node-RED and nginx; resolves to { vars, services } once both answer for real. */
export async function start({ blackhole }) {
  const dir = tempDir('nodered');
  const staticDir = join(CORPUS, 'sites/nodered/app');
  const nrPort = await freePort();
  writeFileSync(join(dir, 'settings.js'), settings({ port: nrPort, dir, staticDir }));
  writeFileSync(join(dir, 'flows.json'), JSON.stringify(flows(), null, 1));
  const services = [];
  try {
    services.push(
      await startService({
        name: 'node-red',
        command: process.execPath,
        args: [NODE_RED, '--settings', join(dir, 'settings.js'), '--userDir', dir],
        cwd: dir,
        env: { NODE_OPTIONS: '--max-old-space-size=256' },
        port: nrPort,
      }),
    );
    await waitHttp(`http://127.0.0.1:${nrPort}/api/orders`, (status) => status === 200);

    const sha = createHash('sha1').update(NR_OPS.password).digest('base64');
    writeFileSync(join(dir, 'htpasswd'), `${NR_OPS.user}:{SHA}${sha}\n`);
    const ports = { main: await freePort(), tagged: await freePort(), api: await freePort() };
    const dead = await closedPort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConf({ dir, ports, nodered: nrPort, dead, blackhole: blackhole.origin }));
    services.push(
      await startService({
        name: 'nginx (nodered)',
        command: NGINX,
        args: ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
        cwd: dir,
        port: ports.main,
        logFiles: [join(dir, 'error.log')],
      }),
    );
    const NR_URL = `http://127.0.0.1:${ports.main}`;
    await waitHttp(`${NR_URL}/api/orders`, (status) => status === 200);
    await waitHttp(`http://127.0.0.1:${ports.tagged}/app/orders.html`, (status, body) => status === 200 && body.includes('dataLayer'));
    await waitHttp(`http://127.0.0.1:${ports.api}/api/orders`, (status) => status === 200);
    return {
      services,
      dir,
      vars: {
        NR_URL,
        NR_TAGGED_URL: `http://127.0.0.1:${ports.tagged}`,
        NR_API_URL: `http://127.0.0.1:${ports.api}`,
        NR_ADMIN_USER: NR_ADMIN.user,
        NR_ADMIN_PASSWORD: NR_ADMIN.password,
        NR_OPS_USER: NR_OPS.user,
        NR_OPS_PASSWORD: NR_OPS.password,
      },
    };
  } catch (error) {
    for (const s of services.reverse()) await s.stop();
    throw error;
  }
}
