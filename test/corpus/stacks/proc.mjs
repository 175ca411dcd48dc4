/**
 * Processes of the verdict corpus: third-party servers started from a generated config in
 * their own temp dir, on 127.0.0.1 and a port found at run time, stopped by pid.
 *
 * Hazards:
 * - a free port is found by binding port 0 and closing it; another process can take it
 *   before the server binds, so `startService` reports the server's own log when it exits;
 * - servers that fork (apache2, squid, varnishd) run in the foreground (`-DFOREGROUND`,
 *   `-N`, `-F`) so the pid we hold is the one to stop; their children follow the parent;
 * - every wait is bounded: a server that never listens fails the corpus with its log.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, chmodSync, readFileSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A temp dir readable by servers that drop privileges (apache2 → www-data, squid → proxy). */
export function tempDir(name) {
  const dir = mkdtempSync(join(tmpdir(), `pathproof-corpus-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** A sub directory anyone may write (logs of servers that drop privileges). */
export function openDir(parent, name) {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o777);
  return dir;
}

export async function freePort(host = '127.0.0.1') {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A port nothing listens on (an upstream that is down), and nothing will: a privileged port
 * outside the ephemeral range. A port freed after bind(0) is handed out again by the next
 * bind(0) on the machine — another stack's service, a test server — and the "down" upstream
 * then answers (seen in CI: Apache's /portal/ got a 200 from someone else's server).
 */
export async function closedPort(host = '127.0.0.1') {
  // Unassigned or long-dead services: tcpmux, compressnet, rje, ...
  for (const port of [1, 2, 3, 5, 7, 9, 11, 13]) {
    if (!(await canConnect(port, host))) return port;
  }
  throw new Error(`no closed privileged port on ${host}`);
}

function canConnect(port, host) {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts a long-running server process and waits until `port` accepts connections.
 * Returns { name, pid, port, log(), stop() }; stop() is SIGTERM, then SIGKILL after 5 s.
 */
export async function startService({ name, command, args, cwd, env, port, host = '127.0.0.1', logFiles = [], timeoutMs = 60_000 }) {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: false,
  });
  let output = '';
  const keep = (chunk) => {
    output += chunk.toString();
    if (output.length > 64_000) output = output.slice(-32_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let spawnError;
  child.once('error', (error) => (spawnError = error));
  const log = () => {
    const files = logFiles.filter((f) => existsSync(f)).map((f) => `--- ${f}\n${readFileSync(f, 'utf8').slice(-4_000)}`);
    return [output.slice(-4_000), ...files].join('\n');
  };
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited.then(() => (done = true));
  while (true) {
    if (spawnError) throw new Error(`${name}: cannot start ${command}: ${spawnError.message}`);
    if (done) throw new Error(`${name} exited before listening on ${host}:${port}\n${log()}`);
    if (await canConnect(port, host)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not listen on ${host}:${port} within ${timeoutMs} ms\n${log()}`);
    }
    await sleep(100);
  }
  let stopping;
  return {
    name,
    pid: child.pid,
    port,
    log,
    stop() {
      stopping ??= (async () => {
        if (done) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/**
 * Polls `url` until `accept(status, body)` holds (bounded). Proxies and apps that accept
 * connections before they can answer (squid's first request, Prometheus before its first
 * scrape) are only "up" when a real request through them gets the real answer.
 */
export async function waitHttp(url, accept = (status) => status < 500, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000), redirect: 'manual' });
      const body = await response.text();
      if (accept(response.status, body)) return;
      last = `${response.status} ${body.slice(0, 200)}`;
    } catch (error) {
      last = String(error?.cause?.code ?? error);
    }
    await sleep(150);
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms (last: ${last})`);
}

/** Stops services in reverse order of start; never throws. */
export async function stopAll(services) {
  for (const service of [...services].reverse()) {
    try {
      await service.stop();
    } catch {
      // best effort: the process is gone or was never started
    }
  }
}
