/**
 * Target faults, end to end through the built CLI against real servers on 127.0.0.1: every
 * hostile or broken target ends in the right outcome and layer within its deadline, and
 * `insecure: true` is loud in the console, run.json and the HTML report.
 *
 * One run holds every journey (concurrency high, 1 s step timeouts), so the whole file costs
 * one CLI start. No timing assertions: the runCli kill timer is the hang detector.
 */
import { execFileSync } from 'node:child_process';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpObservation } from '../src/result/types.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { CliResult, LooseJourney, LooseRun, TestServer } from './helpers.js';

const MiB = 1024 * 1024;
const AUTH = 'Bearer cross-origin-credential-7f3a';

// ---------------------------------------------------------------------------
// Certificates, made here with openssl (no fixtures to expire in the repository)

interface Certs {
  readonly selfSigned: { key: string; cert: string };
  readonly expired: { key: string; cert: string };
  /** The CA that signed `expired`: trusted through NODE_EXTRA_CA_CERTS, so the only problem is the date. */
  readonly caFile: string;
}

function makeCerts(dir: string): Certs {
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'self.key', '-out', 'self.pem');
  // OpenSSL 3.0 has no -not_before/-not_after on req/x509; `openssl ca` takes explicit dates.
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=pathproof test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
  openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'expired.key', '-out', 'expired.csr');
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db/index.txt'), '');
  writeFileSync(join(dir, 'db/serial'), '01\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ ca ]',
      'default_ca = test',
      '[ test ]',
      'database = ./db/index.txt',
      'new_certs_dir = ./db',
      'serial = ./db/serial',
      'default_md = sha256',
      'policy = anything',
      'x509_extensions = leaf',
      'unique_subject = no',
      '[ anything ]',
      'commonName = supplied',
      '[ leaf ]',
      'subjectAltName = IP:127.0.0.1',
      'basicConstraints = CA:FALSE',
      '',
    ].join('\n'),
  );
  openssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'expired.csr', '-out', 'expired.pem', '-notext', '-startdate', '20200101000000Z', '-enddate', '20200102000000Z');
  return {
    selfSigned: { key: read('self.key'), cert: read('self.pem') },
    expired: { key: read('expired.key'), cert: read('expired.pem') },
    caFile: join(dir, 'ca.pem'),
  };
}

async function startHttps(options: { key: string; cert: string }): Promise<{ url: string; close(): Promise<void> }> {
  const server: HttpsServer = createHttpsServer(options, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('secure hello');
  });
  // A rejected handshake logs nothing and must not crash the test process.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------
// The fault server: one route per fault

/** Bytes the 50 MiB route actually pushed before the client hung up. */
let hugeBytesWritten = 0;
let hugeClosed: Promise<void> = Promise.resolve();
/** Headers the second origin received (credentials must not be among them). */
const otherOriginSaw: Record<string, string | string[] | undefined>[] = [];

let faults: TestServer;
let otherOrigin: TestServer;
const https: { close(): Promise<void> }[] = [];

let run: LooseRun;
let cli: CliResult;
let out: string;

function journey(name: string): LooseJourney {
  const found = run.journeys.find((j) => j.name === name);
  if (!found) throw new Error(`journey ${name} not in run.json (have ${run.journeys.map((j) => j.name).join(', ')})`);
  return found;
}

function lastObservation(name: string): HttpObservation | undefined {
  const step = journey(name).attempts.at(-1)?.steps.find((s) => s.observation?.kind === 'http');
  return step?.observation?.kind === 'http' ? step.observation : undefined;
}

beforeAll(async () => {
  const dir = tempDir('pathproof-faults-');
  const certs = makeCerts(dir);

  otherOrigin = await startServer((req, res) => {
    otherOriginSaw.push({ ...req.headers });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"landed":true}');
  });

  faults = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/never-answers':
        return; // accepted, read, and never a byte back
      case '/stall-body':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000' });
        res.write('the first bytes, then silence');
        return;
      case '/reset-at-once':
        return void req.socket.resetAndDestroy();
      case '/reset-mid-body':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000' });
        res.write('x'.repeat(1000), () => {
          setTimeout(() => req.socket.resetAndDestroy(), 50);
        });
        return;
      case '/huge': {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(50 * MiB) });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        let done!: () => void;
        hugeClosed = new Promise<void>((resolve) => (done = resolve));
        let closed = false;
        res.on('close', () => {
          closed = true;
          done();
        });
        // Honour backpressure: bytes written are bytes the client (or the kernel) took.
        const pump = (): void => {
          while (!closed && hugeBytesWritten < 50 * MiB) {
            hugeBytesWritten += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!closed) res.end();
        };
        pump();
        return;
      }
      case '/bad-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"amount": 120, "items": [1, 2');
        return;
      case '/loop-a':
        res.writeHead(302, { location: '/loop-b' });
        return res.end();
      case '/loop-b':
        res.writeHead(302, { location: '/loop-a' });
        return res.end();
      case '/to-other-origin':
        res.writeHead(302, { location: `${otherOrigin.url}/landing` });
        return res.end();
      default:
        res.writeHead(404);
        res.end();
    }
  });

  const selfSigned = await startHttps(certs.selfSigned);
  const expired = await startHttps(certs.expired);
  https.push(selfSigned, expired);

  const journeys = join(dir, 'journeys');
  mkdirSync(journeys);
  const write = (name: string, body: string): void => writeFileSync(join(journeys, `${name}.yaml`), `name: ${name}\ntimeout: 10s\n${body}`);
  write('never-answers', `target: ${faults.url}\nentry:\n  - request: GET /never-answers\n    timeout: 1s\n`);
  write('stall-body', `target: ${faults.url}\nentry:\n  - request: GET /stall-body\n    timeout: 1s\n`);
  write('reset-at-once', `target: ${faults.url}\nentry:\n  - request: GET /reset-at-once\n    timeout: 1s\n`);
  write('reset-mid-body', `target: ${faults.url}\nentry:\n  - request: GET /reset-mid-body\n    timeout: 1s\n`);
  write('huge-body', `target: ${faults.url}\nentry:\n  - request: GET /huge\n    timeout: 5s\n    expect: { status: 200, body: aaaa }\n`);
  write('bad-json', `target: ${faults.url}\nentry:\n  - request: GET /bad-json\n    timeout: 1s\n    expect:\n      status: 200\n      json: { $.amount: 120 }\n`);
  write('redirect-loop', `target: ${faults.url}\nentry:\n  - request: GET /loop-a\n    timeout: 1s\n`);
  write(
    'cross-origin',
    `target: ${faults.url}\nentry:\n  - request:\n      url: /to-other-origin\n      headers: { authorization: "${AUTH}", cookie: "session=cross-origin-cookie" }\n    timeout: 1s\n    expect: { status: 200, json: { $.landed: true } }\n`,
  );
  write('tls-self-signed', `target: ${selfSigned.url}\nentry:\n  - request: GET /\n    timeout: 1s\n`);
  write('tls-expired', `target: ${expired.url}\nentry:\n  - request: GET /\n    timeout: 1s\n`);
  write('tls-self-signed-insecure', `target: ${selfSigned.url}\ninsecure: true\nentry:\n  - request: GET /\n    timeout: 1s\n    expect: { body: secure hello }\n`);
  write('tls-expired-insecure', `target: ${expired.url}\ninsecure: true\nentry:\n  - request: GET /\n    timeout: 1s\n    expect: { body: secure hello }\n`);

  out = join(dir, 'out');
  cli = await runCli(['run', journeys, '--out', out, '--concurrency', '12'], {
    // The expired leaf is signed by a CA trusted here, so the date is its only problem.
    env: { NODE_EXTRA_CA_CERTS: certs.caFile },
    timeoutMs: 90_000,
  });
  run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as LooseRun;
}, 120_000);

afterAll(async () => {
  await Promise.all([faults?.close(), otherOrigin?.close(), ...https.map((s) => s.close())]);
});

describe('target faults through the CLI: right outcome and layer within the deadline', () => {
  it('the run finished on its own (not killed) with exit code 1 and every journey recorded', () => {
    expect(cli.signal, cli.stderr).toBeNull();
    expect(cli.code).toBe(1);
    expect(run.status).toBe('complete');
    expect(run.journeys).toHaveLength(12);
  });

  it('a server that accepts and never answers: failed, app layer, named as a timeout waiting for headers', () => {
    const j = journey('never-answers');
    expect(j).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'app' });
    expect(`${j.message} ${j.hint}`).toMatch(/header|answer|respond|timed? ?out/i);
  });

  it('headers, then a stalled body: failed, app layer, the body phase named', () => {
    const j = journey('stall-body');
    expect(j).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'app' });
    expect(`${j.message} ${j.hint} ${j.attempts[0]?.failure?.reason ?? ''}`).toMatch(/body/i);
  });

  it('a reset before any answer: failed, endpoint layer', () => {
    const j = journey('reset-at-once');
    expect(j).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'endpoint' });
    expect(j.attempts[0]?.failure?.code).toBe('ECONNRESET');
  });

  it('a reset mid-body: failed, app layer (the endpoint answered headers, then the app died mid-response)', () => {
    const j = journey('reset-mid-body');
    expect(j).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'app' });
    expect(j.attempts[0]?.failure).toMatchObject({ code: 'ECONNRESET', reason: expect.stringContaining('phase body') as unknown });
    expect(j.hint).toMatch(/reset while reading the body/);
  });

  it('50 MiB: passes with the body capped, and the client stopped reading (nothing like 50 MiB pulled)', async () => {
    const j = journey('huge-body');
    expect(j.outcome, j.message).toBe('passed');
    const seen = lastObservation('huge-body');
    expect(seen?.bodyTruncated).toBe(true);
    // bodyBytes is the declared size when the body was cut; what was kept is the excerpt.
    expect(seen?.bodyBytes).toBe(50 * MiB);
    expect(seen?.body.length).toBeLessThanOrEqual(1 * MiB);
    await hugeClosed;
    // Kernel socket buffers take some megabytes; a client that read it all would have taken 50.
    expect(hugeBytesWritten).toBeLessThan(40 * MiB);
  });

  it('invalid JSON with content-type application/json and a json expectation: failed, not an error', () => {
    const j = journey('bad-json');
    // Everything answered (200, the declared type): the data is wrong, so layer result.
    expect(j).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'result' });
    const failed = j.attempts[0]?.steps[0]?.assertions?.filter((a) => !a.passed) ?? [];
    expect(failed).toEqual([expect.objectContaining({ kind: 'json', expression: 'body is JSON', actual: expect.stringMatching(/^invalid JSON: /) as unknown })]);
  });

  it('a redirect loop: failed, route layer, the chain named', () => {
    const j = journey('redirect-loop');
    expect(j).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'route' });
    expect(`${j.message} ${j.hint}`).toMatch(/redirect loop/i);
    expect(`${j.message}`).toMatch(/loop-a.*loop-b/);
  });

  it('a redirect to another origin: followed, but Authorization and Cookie never reach the other origin', () => {
    expect(journey('cross-origin').outcome, journey('cross-origin').message).toBe('passed');
    expect(otherOriginSaw.length).toBeGreaterThan(0);
    for (const headers of otherOriginSaw) {
      expect(headers.authorization).toBeUndefined();
      expect(headers.cookie).toBeUndefined();
      expect(JSON.stringify(headers)).not.toContain('cross-origin-credential');
    }
    expect(lastObservation('cross-origin')?.redirects).toHaveLength(1);
  });

  it('a self-signed certificate: failed, endpoint layer, the hint names the certificate problem', () => {
    const j = journey('tls-self-signed');
    expect(j).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'endpoint' });
    expect(j.hint).toMatch(/self-signed/);
    expect(j.hint).toContain('insecure: true');
    expect(j.insecure).toBeUndefined();
  });

  it('an expired certificate: failed, endpoint layer, the hint says it expired', () => {
    const j = journey('tls-expired');
    expect(j).toMatchObject({ outcome: 'failed', stage: 'entry', layer: 'endpoint' });
    expect(j.hint).toMatch(/expired/);
    expect(j.attempts[0]?.failure?.code).toBe('CERT_HAS_EXPIRED');
  });

  it('insecure: true passes both, and run.json marks those journeys (and only those)', () => {
    expect(journey('tls-self-signed-insecure')).toMatchObject({ outcome: 'passed', insecure: true });
    expect(journey('tls-expired-insecure')).toMatchObject({ outcome: 'passed', insecure: true });
    const marked = run.journeys.filter((j) => j.insecure).map((j) => j.name).sort();
    expect(marked).toEqual(['tls-expired-insecure', 'tls-self-signed-insecure']);
  });

  it('insecure: true is loud on the console: a warning line under the journey', () => {
    const console = cli.stdout + cli.stderr;
    for (const name of ['tls-self-signed-insecure', 'tls-expired-insecure']) {
      expect(console).toMatch(new RegExp(`✓ ${name}\\s+passed[^\\n]*\\n\\s+⚠ insecure: TLS certificates not verified for ${name}\\n`));
    }
    expect(console.match(/⚠ insecure/g)).toHaveLength(2);
  });

  it('insecure: true is visible in the HTML report: a badge on those journeys only', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const badges = html.match(/data-testid="insecure"/g) ?? [];
    expect(badges).toHaveLength(2);
    const section = html.slice(html.indexOf('id="journey-tls-expired-insecure"'));
    expect(section.slice(0, section.indexOf('</section>'))).toContain('insecure: TLS not verified');
  });
});
