/**
 * Stack "static": Python's http.server (Debian python3, PSF licence) serving a static docs
 * site, behind Varnish (Debian) and behind Squid as a reverse proxy (Debian, accelerator mode).
 *
 * - ST_URL            Varnish in front of http.server (default VCL, `-b`);
 * - ST_DOWN_URL       Varnish whose backend is down (stock 503 "Guru Meditation");
 * - ST_SQUID_URL      Squid (`http_port … accel`, `cache_peer … originserver`) in front of it;
 * - ST_SQUID_DOWN_URL Squid whose origin server is down (stock ERR_CONNECT_FAIL page, 503).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort, freePort, openDir, startService, tempDir, waitHttp } from './proc.mjs';

const CORPUS = new URL('..', import.meta.url).pathname;
const PYTHON = process.env.PATHPROOF_PYTHON ?? '/usr/bin/python3';
const VARNISHD = process.env.PATHPROOF_VARNISHD ?? '/usr/sbin/varnishd';
const SQUID = process.env.PATHPROOF_SQUID ?? '/usr/sbin/squid';

function squidConf({ dir, port, origin }) {
  return `http_port 127.0.0.1:${port} accel defaultsite=docs.acme.example vhost
cache_peer 127.0.0.1 parent ${origin} 0 no-query no-digest originserver name=docs
acl everyone src all
http_access allow everyone
cache_peer_access docs allow everyone
cache deny all
pid_filename none
access_log none
cache_store_log none
cache_log ${join(dir, 'cache.log')}
coredump_dir ${dir}
pinger_enable off
shutdown_lifetime 1 seconds
visible_hostname squid.corpus
`;
}

async function varnish(name, dir, backend) {
  const port = await freePort();
  return startService({
    name,
    command: VARNISHD,
    // -F foreground, -j none: no jail (no user switch), -n: its own work dir.
    args: ['-F', '-j', 'none', '-a', `127.0.0.1:${port}`, '-b', `127.0.0.1:${backend}`, '-n', dir, '-s', 'malloc,32m', '-p', 'thread_pools=1', '-p', 'thread_pool_min=10'],
    cwd: dir,
    port,
  });
}

async function squid(name, dir, origin) {
  const port = await freePort();
  writeFileSync(join(dir, 'squid.conf'), squidConf({ dir, port, origin }));
  return startService({
    name,
    command: SQUID,
    // -n: a service name of its own: squid names its shared memory and IPC sockets after it,
    // and two instances with the same name (or a system squid) interfere.
    args: ['-N', '-n', `corpus${port}`, '-f', join(dir, 'squid.conf')],
    cwd: dir,
    port,
    logFiles: [join(dir, 'cache.log')],
  });
}

export async function start() {
  const dir = tempDir('static');
  const appPort = await freePort();
  const services = [];
  try {
    services.push(
      await startService({
        name: 'python http.server',
        command: PYTHON,
        args: ['-m', 'http.server', String(appPort), '--bind', '127.0.0.1', '--directory', join(CORPUS, 'sites/static/www')],
        cwd: dir,
        port: appPort,
      }),
    );
    const dead = await closedPort();
    const main = await varnish('varnish', openDir(dir, 'varnish'), appPort);
    services.push(main);
    const down = await varnish('varnish (backend down)', openDir(dir, 'varnish-down'), dead);
    services.push(down);
    const sq = await squid('squid', openDir(dir, 'squid'), appPort);
    services.push(sq);
    const sqDown = await squid('squid (origin down)', openDir(dir, 'squid-down'), dead);
    services.push(sqDown);
    const vars = {
      ST_URL: `http://127.0.0.1:${main.port}`,
      ST_DOWN_URL: `http://127.0.0.1:${down.port}`,
      ST_SQUID_URL: `http://127.0.0.1:${sq.port}`,
      ST_SQUID_DOWN_URL: `http://127.0.0.1:${sqDown.port}`,
    };
    await waitHttp(`${vars.ST_URL}/index.html`, (status) => status === 200);
    await waitHttp(`${vars.ST_DOWN_URL}/index.html`, (status) => status === 503);
    // Squid accepts connections before it can forward: ready means one real answer through it.
    await waitHttp(`${vars.ST_SQUID_URL}/index.html`, (status) => status === 200);
    await waitHttp(`${vars.ST_SQUID_DOWN_URL}/index.html`, (status) => status >= 502);
    return { services, dir, vars };
  } catch (error) {
    for (const s of services.reverse()) await s.stop();
    throw error;
  }
}
