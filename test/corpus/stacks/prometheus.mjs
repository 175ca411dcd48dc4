/**
 * Stack "prometheus": Prometheus (Debian, Apache-2.0) behind HAProxy (Debian).
 *
 * Prometheus is the application: its classic web UI (server-rendered pages driven by
 * jQuery) and its JSON API; it scrapes itself every second, so `up{job="self"}` is 1.
 *
 * HAProxy is the edge, stock behaviour only:
 * - PROM_URL        `timeout http-keep-alive 1s` (closes idle keep-alive connections
 *                   aggressively, issue #11 item 8), `http-request deny` on the admin API (403);
 * - PROM_MAINT_URL  maintenance mode: `http-request return status 503` with an HTML page;
 * - PROM_DOWN_URL   the backend's only server is down (stock 503 "No server is available").
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort, freePort, startService, tempDir, waitHttp } from './proc.mjs';

const PROMETHEUS = process.env.PATHPROOF_PROMETHEUS ?? '/usr/bin/prometheus';
const HAPROXY = process.env.PATHPROOF_HAPROXY ?? '/usr/sbin/haproxy';

const MAINTENANCE =
  '<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Monitoring is under maintenance</h1><p>Back at 06:00 UTC.</p></body></html>';

function haproxyConf({ ports, prometheus, dead, dir }) {
  return `global
  log stderr format raw local0 err
  maxconn 512
  pidfile ${join(dir, 'haproxy.pid')}

defaults
  mode http
  log global
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  # Idle keep-alive connections are closed after one second (issue #11 item 8).
  timeout http-keep-alive 1s
  option http-keep-alive

frontend monitoring
  bind 127.0.0.1:${ports.main}
  http-request deny if { path_beg /api/v1/admin }
  default_backend prometheus

frontend monitoring_maintenance
  bind 127.0.0.1:${ports.maint}
  http-request return status 503 content-type "text/html; charset=utf-8" string "${MAINTENANCE}"

frontend monitoring_down
  bind 127.0.0.1:${ports.down}
  default_backend prometheus_down

backend prometheus
  server prom1 127.0.0.1:${prometheus}

backend prometheus_down
  server prom1 127.0.0.1:${dead} check inter 1s fall 1 rise 1
`;
}

export async function start() {
  const dir = tempDir('prometheus');
  const promPort = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: ["127.0.0.1:${promPort}"]\n`,
  );
  const services = [];
  try {
    services.push(
      await startService({
        name: 'prometheus',
        command: PROMETHEUS,
        args: [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
          '--log.level=warn',
        ],
        cwd: dir,
        port: promPort,
      }),
    );
    // Ready, and the first scrape is in: the journeys read up{job="self"}.
    await waitHttp(`http://127.0.0.1:${promPort}/api/v1/query?query=up`, (status, body) => status === 200 && body.includes('"1"'));

    const ports = { main: await freePort(), maint: await freePort(), down: await freePort() };
    const dead = await closedPort();
    writeFileSync(join(dir, 'haproxy.cfg'), haproxyConf({ ports, prometheus: promPort, dead, dir }));
    services.push(
      await startService({ name: 'haproxy', command: HAPROXY, args: ['-db', '-f', join(dir, 'haproxy.cfg')], cwd: dir, port: ports.main }),
    );
    const PROM_URL = `http://127.0.0.1:${ports.main}`;
    await waitHttp(`${PROM_URL}/-/ready`, (status) => status === 200);
    await waitHttp(`http://127.0.0.1:${ports.down}/-/ready`, (status) => status === 503);
    return {
      services,
      dir,
      vars: { PROM_URL, PROM_MAINT_URL: `http://127.0.0.1:${ports.maint}`, PROM_DOWN_URL: `http://127.0.0.1:${ports.down}` },
    };
  } catch (error) {
    for (const s of services.reverse()) await s.stop();
    throw error;
  }
}
