/**
 * Stack "alertmanager": Prometheus Alertmanager (Debian, Apache-2.0) behind Apache httpd
 * (Debian, mod_proxy).
 *
 * Alertmanager is the application: its v2 JSON API (alerts, silences, status) and the
 * landing page Debian's package serves in place of the web UI it does not ship.
 *
 * Apache is the edge, stock behaviour only:
 * - AM_URL        `ProxyPass` to Alertmanager; `mod_substitute` injects a tag manager into
 *                 HTML (a web font and an analytics script from hosts that do not resolve,
 *                 an inline snippet that throws); `Require all denied` on the silences API
 *                 (403); `AuthType Basic` on /-/reload (401); /portal/ proxies to a backend
 *                 that is down (Apache's stock 503);
 * - AM_MAINT_URL  maintenance mode: `RewriteRule ^ - [R=503]` with `ErrorDocument 503` pointing
 *                 at an HTML maintenance page.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedPort, freePort, openDir, startService, tempDir, waitHttp } from './proc.mjs';

const ALERTMANAGER = process.env.PATHPROOF_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager';
const APACHE = process.env.PATHPROOF_APACHE ?? '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';

export const AM_ADMIN = { user: 'amadmin', password: 'corpus-am-pass' };

// Single quotes only inside: the snippet sits in a double-quoted Apache directive.
const TAG =
  "<link rel='stylesheet' href='https://fonts.cdn.invalid/css2?family=Lato'>" +
  "<script async src='https://tags.analytics.invalid/gtm.js?id=GTM-OPS'></script>" +
  "<script>window.addEventListener('DOMContentLoaded', function () { window.dataLayer.push({ event: 'page_view' }); });</script>" +
  '</head>';

function apacheConf({ dir, ports, alertmanager, dead }) {
  const mods = [
    ['mpm_event_module', 'mod_mpm_event.so'],
    ['authz_core_module', 'mod_authz_core.so'],
    ['authz_host_module', 'mod_authz_host.so'],
    ['authz_user_module', 'mod_authz_user.so'],
    ['authn_core_module', 'mod_authn_core.so'],
    ['authn_file_module', 'mod_authn_file.so'],
    ['auth_basic_module', 'mod_auth_basic.so'],
    ['proxy_module', 'mod_proxy.so'],
    ['proxy_http_module', 'mod_proxy_http.so'],
    ['rewrite_module', 'mod_rewrite.so'],
    ['filter_module', 'mod_filter.so'],
    ['substitute_module', 'mod_substitute.so'],
    ['headers_module', 'mod_headers.so'],
    ['mime_module', 'mod_mime.so'],
    ['alias_module', 'mod_alias.so'],
  ];
  return `ServerRoot ${dir}
ServerName corpus.localhost
PidFile ${join(dir, 'run', 'httpd.pid')}
DefaultRuntimeDir ${join(dir, 'run')}
Mutex file:${join(dir, 'run')} default
ErrorLog ${join(dir, 'logs', 'error.log')}
LogLevel warn
User www-data
Group www-data
${mods.map(([name, file]) => `LoadModule ${name} ${MODULES}/${file}`).join('\n')}
TypesConfig /etc/mime.types
StartServers 1
ServerLimit 2
ThreadsPerChild 25
MaxRequestWorkers 50
KeepAliveTimeout 5
Listen 127.0.0.1:${ports.main}
Listen 127.0.0.1:${ports.maint}

<VirtualHost 127.0.0.1:${ports.main}>
  ProxyTimeout 10
  # The team portal is a separate backend; it is down.
  ProxyPass /portal/ http://127.0.0.1:${dead}/
  <Location /api/v2/silences>
    Require all denied
  </Location>
  <Location /-/reload>
    AuthType Basic
    AuthName "Alertmanager administration"
    AuthUserFile ${join(dir, 'htpasswd')}
    Require valid-user
  </Location>
  ProxyPass / http://127.0.0.1:${alertmanager}/
  ProxyPassReverse / http://127.0.0.1:${alertmanager}/
  RequestHeader unset Accept-Encoding
  AddOutputFilterByType SUBSTITUTE text/html
  Substitute "s|</head>|${TAG}|i"
</VirtualHost>

<VirtualHost 127.0.0.1:${ports.maint}>
  DocumentRoot ${join(dir, 'maintenance')}
  <Directory ${join(dir, 'maintenance')}>
    Require all granted
  </Directory>
  RewriteEngine On
  RewriteCond %{REQUEST_URI} !=/maintenance.html
  RewriteRule ^ - [R=503,L]
  ErrorDocument 503 /maintenance.html
</VirtualHost>
`;
}

export async function start() {
  const dir = tempDir('alertmanager');
  const amPort = await freePort();
  writeFileSync(join(dir, 'alertmanager.yml'), 'route:\n  receiver: "null"\nreceivers:\n  - name: "null"\n');
  const services = [];
  try {
    services.push(
      await startService({
        name: 'alertmanager',
        command: ALERTMANAGER,
        args: [
          `--config.file=${join(dir, 'alertmanager.yml')}`,
          `--storage.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${amPort}`,
          '--cluster.listen-address=',
          '--log.level=warn',
        ],
        cwd: dir,
        port: amPort,
      }),
    );
    await waitHttp(`http://127.0.0.1:${amPort}/api/v2/status`, (status) => status === 200);

    openDir(dir, 'logs');
    openDir(dir, 'run');
    mkdirSync(join(dir, 'maintenance'), { recursive: true });
    writeFileSync(
      join(dir, 'maintenance', 'maintenance.html'),
      '<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Alerting is under maintenance</h1><p>The on-call console is back at 06:00 UTC.</p></body></html>\n',
    );
    const sha = createHash('sha1').update(AM_ADMIN.password).digest('base64');
    writeFileSync(join(dir, 'htpasswd'), `${AM_ADMIN.user}:{SHA}${sha}\n`);
    const ports = { main: await freePort(), maint: await freePort() };
    const dead = await closedPort();
    writeFileSync(join(dir, 'httpd.conf'), apacheConf({ dir, ports, alertmanager: amPort, dead }));
    services.push(
      await startService({
        name: 'apache2',
        command: APACHE,
        args: ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND'],
        cwd: dir,
        port: ports.main,
        logFiles: [join(dir, 'logs', 'error.log')],
      }),
    );
    const AM_URL = `http://127.0.0.1:${ports.main}`;
    await waitHttp(`${AM_URL}/api/v2/status`, (status) => status === 200);
    await waitHttp(`${AM_URL}/`, (status, body) => status === 200 && body.includes('dataLayer'));
    return {
      services,
      dir,
      vars: {
        AM_URL,
        AM_MAINT_URL: `http://127.0.0.1:${ports.maint}`,
        AM_ADMIN_BASIC: Buffer.from(`${AM_ADMIN.user}:${AM_ADMIN.password}`).toString('base64'),
      },
    };
  } catch (error) {
    for (const s of services.reverse()) await s.stop();
    throw error;
  }
}
