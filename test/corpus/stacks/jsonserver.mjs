/**
 * Stack "jsonserver": json-server 0.17 (npm, MIT) behind Caddy (Debian).
 *
 * json-server is the application: a REST API over db.json (lowdb) and its own home page,
 * which loads a web font from a third-party CDN (use.fontawesome.com, unreachable here) and
 * fetches /db to list the resources.
 *
 * Caddy is the edge, stock behaviour only:
 * - JS_URL        `reverse_proxy` to json-server; `basicauth` on /admin/* (401); /archive/*
 *                 proxies to a backend that is down (Caddy's stock 502, empty body);
 * - JS_WAF_URL    the same app behind a rule that refuses /db (`respond … 403`);
 * - JS_MAINT_URL  maintenance mode: `respond` with an HTML page and status 503.
 */
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort, freePort, startService, tempDir, waitHttp } from './proc.mjs';

const require = createRequire(import.meta.url);
const CORPUS = new URL('..', import.meta.url).pathname;
const JSON_SERVER = join(CORPUS, 'node_modules/json-server/lib/cli/bin.js');
const CADDY = process.env.PATHPROOF_CADDY ?? '/usr/bin/caddy';

export const JS_OPS = { user: 'ops', password: 'corpus-ops-pass' };

const DB = {
  posts: [
    { id: 1, title: 'Release notes 4.2', author: 'ada', published: true },
    { id: 2, title: 'Incident review: cache stampede', author: 'grace', published: true },
  ],
  comments: [{ id: 1, postId: 1, body: 'Shipped on time.' }],
  profile: { name: 'ada', team: 'platform' },
};

const MAINTENANCE =
  '<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>The blog is under maintenance</h1><p>Back soon.</p></body></html>';

function caddyfile({ ports, app, dead, hash }) {
  return `{
  admin off
  auto_https off
}

http://127.0.0.1:${ports.main} {
  bind 127.0.0.1
  basicauth /admin/* {
    ${JS_OPS.user} ${hash}
  }
  handle /archive/* {
    reverse_proxy 127.0.0.1:${dead}
  }
  handle {
    reverse_proxy 127.0.0.1:${app}
  }
}

http://127.0.0.1:${ports.waf} {
  bind 127.0.0.1
  @dump path /db /db/*
  respond @dump "Forbidden" 403
  reverse_proxy 127.0.0.1:${app}
}

http://127.0.0.1:${ports.maint} {
  bind 127.0.0.1
  header Content-Type "text/html; charset=utf-8"
  respond "${MAINTENANCE}" 503
}
`;
}

export async function start() {
  const dir = tempDir('jsonserver');
  const appPort = await freePort();
  writeFileSync(join(dir, 'db.json'), JSON.stringify(DB, null, 2));
  const services = [];
  try {
    services.push(
      await startService({
        name: 'json-server',
        command: process.execPath,
        args: [JSON_SERVER, join(dir, 'db.json'), '--host', '127.0.0.1', '--port', String(appPort), '--quiet'],
        cwd: dir,
        port: appPort,
      }),
    );
    await waitHttp(`http://127.0.0.1:${appPort}/posts`, (status) => status === 200);

    const bcrypt = require('bcryptjs');
    const ports = { main: await freePort(), waf: await freePort(), maint: await freePort() };
    const dead = await closedPort();
    writeFileSync(join(dir, 'Caddyfile'), caddyfile({ ports, app: appPort, dead, hash: bcrypt.hashSync(JS_OPS.password, 10) }));
    services.push(
      await startService({
        name: 'caddy',
        command: CADDY,
        args: ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
        cwd: dir,
        env: { HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') },
        port: ports.main,
      }),
    );
    const JS_URL = `http://127.0.0.1:${ports.main}`;
    await waitHttp(`${JS_URL}/posts`, (status) => status === 200);
    await waitHttp(`http://127.0.0.1:${ports.waf}/db`, (status) => status === 403);
    await waitHttp(`http://127.0.0.1:${ports.maint}/`, (status) => status === 503);
    return {
      services,
      dir,
      vars: {
        JS_URL,
        JS_WAF_URL: `http://127.0.0.1:${ports.waf}`,
        JS_MAINT_URL: `http://127.0.0.1:${ports.maint}`,
        JS_OPS_BASIC: Buffer.from(`${JS_OPS.user}:${JS_OPS.password}`).toString('base64'),
      },
    };
  } catch (error) {
    for (const s of services.reverse()) await s.stop();
    throw error;
  }
}
