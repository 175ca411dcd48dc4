/**
 * Secrets audit, end to end: one journey uses `${secret:AUDIT_SECRET}` in a header, a query
 * string, a JSON body, a form field, a password field of a page, and through captures of a
 * response that echoes it. It runs passing and failing (at an HTTP step and at a browser
 * step) with every reporter, `--trace on-failure` and `--investigate`, and once under
 * `pathproof serve`. Then every byte pathproof wrote or printed is searched for the secret
 * in each encoded form: zero hits.
 *
 * The target is hostile on purpose: it echoes the secret back in headers, cookies, bodies
 * (raw, URL-encoded, base64), in the page text, and places it across the points where
 * pathproof cuts excerpts, so a redaction done after truncation shows up as a prefix leak.
 * One step puts the secret in the request URL's path and query (WHATWG-encoded by the
 * probe), and the target echoes it back in every encoding a real app would: lower-case
 * percent-encoding, PHP's JSON (`\/`, `\u0026`), HTML references (`&#39;`, `&#039;`, `&#x27;`,
 * `&amp;`), base64 — in headers and bodies, sent in small chunks.
 *
 * The search looks for each encoded form (test/fixtures/secret-forms.ts), and also decodes
 * every text (percent, JSON escapes, HTML references, base64 runs) and looks for the secret
 * in the decoded views: an encoding nobody listed still shows up.
 */
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/result/types.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { CliResult, TestServer } from './helpers.js';
import { eventually, startServe } from './fixtures/serve/process.js';
import { unzip } from './fixtures/zip.js';
import { htmlEscape, phpJson, secretForms } from './fixtures/secret-forms.js';

/** Spaces, slash, plus, ampersand, equals, bang: every encoding differs from the raw value. */
const SECRET = 'pp7Kq9Zx aud1t/s+cr&t=!v4lue';
/** A distinctive prefix: finds a secret cut in half by an excerpt (which no full form matches). */
const PREFIX = 'pp7K';
const b64 = Buffer.from(SECRET).toString('base64');
const FORMS: Record<string, string> = secretForms(SECRET, PREFIX.length);

type Mode = 'pass' | 'fail-http' | 'fail-browser';
let mode: Mode = 'pass';
let target: TestServer;

/** Text that puts the secret across a cut at `offset` (assertion values: 120 chars; passing bodies: 2 KiB). */
const straddle = (offset: number): string => `${'.'.repeat(offset - 4)}${SECRET}`;

function echoAll(): string {
  return `${SECRET} | ${encodeURIComponent(SECRET)} | ${new URLSearchParams({ v: SECRET })} | ${b64}`;
}

const LOGIN_PAGE = `<!doctype html><html><head><title>Sign in</title></head><body>
<h1>Sign in</h1>
<form method="post" action="/login">
  <label>Password <input type="password" name="password"></label>
  <button type="submit">Sign in</button>
</form></body></html>`;

beforeAll(async () => {
  target = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      const json = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      // Echo headers and cookies that carry the secret in every response: the probe records them.
      const echoHeaders = { 'x-echo-token': SECRET, 'set-cookie': `token=${encodeURIComponent(SECRET)}; Path=/; HttpOnly`, 'x-echo-b64': b64 };
      if (req.method === 'GET' && url.pathname.startsWith('/api/path/')) {
        // Echo what arrived (the WHATWG-encoded path and query) and the secret in every way an
        // app re-encodes it, in small chunks (a redactor working per chunk would miss it).
        const lowerPct = (t: string): string => t.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
        const echoes = [
          req.url ?? '',
          lowerPct(req.url ?? ''),
          phpJson(SECRET),
          phpJson(SECRET).replace(/&/g, '\\u0026'),
          htmlEscape(SECRET),
          htmlEscape(SECRET, '&#039;'),
          htmlEscape(SECRET, '&#x27;'),
          b64,
          `Basic ${Buffer.from(`user:${SECRET}`).toString('base64')}`,
        ];
        const ok = url.searchParams.get('q') === SECRET;
        res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json', 'x-echo-url': req.url ?? '', 'x-echo-html': htmlEscape(SECRET), 'x-echo-php': phpJson(SECRET) });
        const body = `{"received":"${phpJson(req.url ?? '')}","echo":[${echoes.map((e) => `"${phpJson(e)}"`).join(',')}],"html":"${htmlEscape(echoes.join(' '))}"}`;
        for (let i = 0; i < body.length; i += 7) res.write(body.slice(i, i + 7));
        return res.end();
      }
      switch (`${req.method} ${url.pathname}`) {
        case 'GET /api/echo': {
          const token = url.searchParams.get('token');
          const ok = req.headers.authorization === `Bearer ${SECRET}` && token === SECRET;
          // The last field puts the secret across the 2 KiB excerpt kept for a passing step.
          const head = `${JSON.stringify({ token, note: `your token is ${token ?? ''}`, echo: echoAll() }).slice(0, -1)},"pad":"`;
          res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json', ...echoHeaders });
          return res.end(`${head}${straddle(2048 - head.length)}"}`);
        }
        case 'POST /api/json':
          return json(200, { received: body, echo: echoAll() }, echoHeaders);
        case 'POST /api/form':
          return json(200, { received: body, parsed: Object.fromEntries(new URLSearchParams(body)), echo: echoAll() }, echoHeaders);
        case 'GET /login':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end(LOGIN_PAGE);
        case 'POST /login': {
          const password = new URLSearchParams(body).get('password') ?? '';
          res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': `sid=${encodeURIComponent(password)}; Path=/` });
          // A careless app echoes what was typed: into text a `see:` failure lists as candidates.
          return res.end(
            mode === 'fail-browser' || password !== SECRET
              ? `<!doctype html><html><body><h1>Sign-in refused</h1><p>Unknown password ${password}</p><p>${encodeURIComponent(password)}</p></body></html>`
              : `<!doctype html><html><body><h1>Welcome</h1></body></html>`,
          );
        }
        case 'GET /api/final': {
          const fine = req.headers['x-token'] === SECRET && url.searchParams.get('note') === `your token is ${SECRET}`;
          if (mode === 'fail-http' || !fine) {
            // The secret sits across the 120-char cut of an assertion's `actual`, and in the
            // headers a failure keeps as evidence.
            res.writeHead(500, { 'content-type': 'text/plain', ...echoHeaders, 'www-authenticate': `Bearer realm="${SECRET}"` });
            return res.end(`${straddle(120)} ${echoAll()} ${req.headers['x-token'] ?? ''} ${url.search}`);
          }
          return json(200, { ok: true, echo: echoAll() }, echoHeaders);
        }
        default:
          res.writeHead(404);
          res.end();
      }
    });
  });
}, 30_000);

afterAll(() => target?.close());

const JOURNEY = (schedule: boolean): string => `name: secrets-audit
target: \${AUDIT_URL}
timeout: 40s
${schedule ? 'schedule: "*/2 * * * * *"\n' : ''}entry:
  - name: header and query
    request:
      url: /api/echo
      headers: { authorization: "Bearer \${secret:AUDIT_SECRET}" }
      query: { token: "\${secret:AUDIT_SECRET}" }
    expect: { status: 200 }
    capture:
      echoed: $.token
      note: $.note
  - name: secret in the URL path and query
    request:
      url: "/api/path/\${secret:AUDIT_SECRET}"
      query: { q: "\${secret:AUDIT_SECRET}" }
    expect: { status: 200, body: { contains: received } }
  - name: json body
    request: { method: POST, url: /api/json, json: { password: "\${secret:AUDIT_SECRET}" } }
    expect: { status: 200, json: { $.received: { contains: password } } }
  - name: form body
    request: { method: POST, url: /api/form, form: { password: "\${secret:AUDIT_SECRET}" } }
    expect: { status: 200 }
open:
  - goto: /login
  - fill: { label: Password, value: "\${secret:AUDIT_SECRET}" }
  - click: { role: button, name: Sign in }
  - see: { text: Welcome }
    timeout: 3s
result:
  - name: use the captured values
    request:
      url: /api/final
      headers: { x-token: "{{ echoed }}" }
      query: { note: "{{ note }}" }
    expect:
      status: 200
      json: { $.ok: true }
      body: { contains: '"ok":true' }
`;

// ---------------------------------------------------------------------------
// Searching: every file (zip members too), binary-safe

interface Hit {
  readonly where: string;
  readonly form: string;
  readonly context: string;
}

/** Undoes percent-encoding (tolerating stray %), leaving everything else as it is. */
function percentDecoded(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function jsonDecoded(text: string): string {
  return text
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\([/"\\])/g, '$1');
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", sol: '/', plus: '+', equals: '=', excl: '!', nbsp: ' ' };
function htmlDecoded(text: string): string {
  return text.replace(/&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([a-zA-Z]+));/g, (all, dec?: string, hex?: string, name?: string) =>
    dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : (NAMED[name ?? ''] ?? all),
  );
}

/** Every run of base64 / base64url characters long enough to hide the secret, decoded. */
function base64Decoded(text: string): string {
  const runs = text.match(/[A-Za-z0-9+/_-]{12,}={0,2}/g) ?? [];
  return runs.map((run) => Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1')).join('\n');
}

/** The text as written, and decoded every way a secret could have been encoded (and twice, for mixes). */
function decodedViews(text: string): Record<string, string> {
  const once = { percent: percentDecoded(text), json: jsonDecoded(text), html: htmlDecoded(text) };
  return {
    ...once,
    'json, then percent': percentDecoded(once.json),
    'html, then percent': percentDecoded(once.html),
    'json, then html': htmlDecoded(once.json),
    base64: base64Decoded(text),
    'json, then base64': base64Decoded(once.json),
  };
}

function searchText(where: string, text: string): Hit[] {
  const hits: Hit[] = [];
  const at = (haystack: string, i: number, length: number): string => JSON.stringify(haystack.slice(Math.max(0, i - 80), i + length + 40));
  for (const [form, needle] of Object.entries(FORMS)) {
    const i = text.indexOf(needle);
    if (i >= 0) hits.push({ where, form, context: at(text, i, needle.length) });
  }
  if (hits.length > 0) return hits;
  for (const [view, decoded] of Object.entries(decodedViews(text))) {
    const i = decoded.indexOf(SECRET);
    if (i >= 0) hits.push({ where, form: `decoded (${view})`, context: at(decoded, i, SECRET.length) });
  }
  return hits;
}

function searchBuffer(where: string, data: Buffer): Hit[] {
  // latin1 maps every byte to one char: an ASCII secret is found whatever else the file holds.
  const hits = searchText(where, data.toString('latin1'));
  if (data.length > 22 && data.readUInt32LE(0) === 0x04034b50) {
    for (const member of unzip(data)) hits.push(...searchBuffer(`${where}!${member.name}`, member.data));
  }
  return hits;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

function searchTree(root: string): { hits: Hit[]; files: string[] } {
  const files = filesUnder(root);
  return { hits: files.flatMap((f) => searchBuffer(relative(root, f), readFileSync(f))), files: files.map((f) => relative(root, f)) };
}

const describeHits = (hits: readonly Hit[]): string => hits.map((h) => `${h.where}: ${h.form} in ${h.context}`).join('\n');

// ---------------------------------------------------------------------------

describe('secrets audit: the secret never surfaces, in any encoding, anywhere pathproof writes', () => {
  const root = tempDir('pathproof-secrets-');
  const journeys = join(root, 'journeys');
  const reports = join(root, 'reports');
  const runs: Partial<Record<Mode, { cli: CliResult; run: RunResult; dir: string }>> = {};

  beforeAll(() => {
    mkdirSync(journeys);
    writeFileSync(join(journeys, 'secrets-audit.yaml'), JOURNEY(false));
  });

  it('self-check: the search finds every form when it is there (the audit can fail)', () => {
    const planted = Object.values(FORMS).join(' ');
    expect(new Set(searchText('planted', planted).map((h) => h.form))).toEqual(new Set(Object.keys(FORMS)));
    expect(searchText('clean', 'nothing *** here')).toEqual([]);
    // Encodings nobody listed are found by decoding: every character a hex reference, the
    // secret inside a longer base64 text, a percent-encoded URL inside JSON.
    const allHex = [...SECRET].map((c) => `&#x${(c.codePointAt(0) as number).toString(16)};`).join('');
    expect(searchText('hex refs', `<p>${allHex}</p>`).map((h) => h.form)).toContain('decoded (html)');
    expect(searchText('basic', `Basic ${Buffer.from(`user:${SECRET}`).toString('base64')}`).map((h) => h.form)).toContain('decoded (base64)');
    expect(searchText('mixed', phpJson(`https://h/?t=${encodeURIComponent(SECRET)}`))).not.toEqual([]);
  });

  it.each<[Mode, number]>([
    ['pass', 0],
    ['fail-http', 1],
    ['fail-browser', 1],
  ])('runs %s with every reporter, --trace on-failure and --investigate (exit %i)', async (which, exitCode) => {
    mode = which;
    const dir = join(reports, which);
    const cli = await runCli(
      ['run', journeys, '--report-dir', reports, '--out', dir, '--reporter', 'json', '--reporter', 'console', '--trace', 'on-failure', '--investigate'],
      { env: { AUDIT_URL: target.url, AUDIT_SECRET: SECRET }, timeoutMs: 90_000 },
    );
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunResult;
    runs[which] = { cli, run, dir };
    expect(cli.code, cli.stderr).toBe(exitCode);
    const journey = run.journeys[0]!;
    if (which === 'pass') expect(journey.outcome).toBe('passed');
    if (which === 'fail-http') expect(journey).toMatchObject({ outcome: 'failed', stage: 'result', layer: 'app' });
    if (which === 'fail-browser') expect(journey).toMatchObject({ outcome: 'failed', stage: 'open' });
    // The secret really flowed: the echo endpoint accepted it, and captures were taken (and redacted).
    const captured = journey.attempts[0]?.steps[0]?.captured;
    expect(captured).toEqual({ echoed: '***', note: 'your token is ***' });
    // json on stdout, console on stderr: both are searched below.
    expect(JSON.parse(cli.stdout)).toMatchObject({ runId: run.runId });
    expect(cli.stderr).toContain('secrets-audit');
  }, 120_000);

  it('console output (stdout + stderr) of every run holds no form of the secret', () => {
    const hits = Object.entries(runs).flatMap(([which, r]) => [...searchText(`${which} stdout`, r.cli.stdout), ...searchText(`${which} stderr`, r.cli.stderr)]);
    expect(Object.keys(runs)).toHaveLength(3);
    expect(hits, describeHits(hits)).toEqual([]);
  });

  it('every file under the report root (run.json, html, junit, ctrf, summary, investigation, history, evidence) holds none', () => {
    const { hits, files } = searchTree(reports);
    // The audit covered what it claims to cover.
    for (const which of ['pass', 'fail-http', 'fail-browser']) {
      for (const file of ['run.json', 'index.html', 'junit.xml', 'ctrf.json', 'summary.md']) expect(files).toContain(join(which, file));
    }
    expect(files.some((f) => f.startsWith('fail-http/') && /investigation/.test(f))).toBe(true);
    expect(files.some((f) => f.startsWith('fail-browser/') && f.endsWith('.png'))).toBe(true);
    expect(hits, describeHits(hits)).toEqual([]);
  });

  it('no trace is kept of an attempt that typed the secret (traces cannot be scrubbed)', () => {
    const { files } = searchTree(reports);
    expect(files.filter((f) => f.endsWith('.zip'))).toEqual([]);
    const browserFail = runs['fail-browser']?.run.journeys[0];
    expect(browserFail?.attempts.flatMap((a) => a.evidence ?? []).filter((e) => e.kind === 'trace')).toEqual([]);
  });

  it('the zip reader reads a real Playwright trace (so a kept trace would be searched)', async () => {
    // A browser journey with no secret typed fails: its trace is kept, unzipped and searched.
    const dir = join(root, 'traced');
    mkdirSync(join(dir, 'journeys'), { recursive: true });
    writeFileSync(join(dir, 'journeys', 'traced.yaml'), `name: traced\ntarget: ${target.url}\nentry:\n  - goto: /login\n  - see: { text: Nowhere to be seen }\n    timeout: 1s\n`);
    const cli = await runCli(['run', join(dir, 'journeys'), '--out', join(dir, 'out'), '--trace', 'on-failure'], { timeoutMs: 90_000 });
    expect(cli.code, cli.stderr).toBe(1);
    const zips = filesUnder(join(dir, 'out')).filter((f) => f.endsWith('.zip'));
    expect(zips).toHaveLength(1);
    const members = unzip(readFileSync(zips[0]!));
    expect(members.some((m) => m.name.endsWith('.trace') && m.data.toString('utf8').includes('/login'))).toBe(true);
    expect(searchBuffer('trace', readFileSync(zips[0]!))).toEqual([]);
  }, 120_000);

  it('pathproof serve: /metrics, the API, the status page, alert payloads, its log and its report directory hold none', async () => {
    mode = 'fail-http';
    const dir = join(root, 'serve');
    mkdirSync(join(dir, 'journeys'), { recursive: true });
    writeFileSync(join(dir, 'journeys', 'secrets-audit.yaml'), JOURNEY(true));
    // Alerts go to a webhook and to Slack; everything they are sent is searched too.
    const alertBodies: string[] = [];
    const receiver = await startServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        alertBodies.push(`${JSON.stringify(req.headers)}\n${body}`);
        res.writeHead(204).end();
      });
    });
    writeFileSync(join(dir, 'pathproof.yaml'), `alerts:\n  confirm: 1\n  webhooks:\n    - url: ${receiver.url}/hook\n  slack:\n    - url: ${receiver.url}/slack\n`);
    const serve = await startServe([join(dir, 'journeys'), '--report-dir', join(dir, 'reports'), '--config', join(dir, 'pathproof.yaml')], {
      AUDIT_URL: target.url,
      AUDIT_SECRET: SECRET,
    });
    try {
      const metrics = await eventually(async () => {
        const text = await (await fetch(`${serve.url}/metrics`)).text();
        return /pathproof_journey_up\{journey="secrets-audit"[^}]*\} 0/.test(text) ? text : undefined;
      }, 'a failed scheduled run in /metrics', 60_000);
      await eventually(async () => (alertBodies.length >= 2 ? true : undefined), 'the alerts to be delivered');
      const api = await (await fetch(`${serve.url}/api/journeys`)).text();
      const status = await (await fetch(`${serve.url}/api/status`)).text();
      const page = await (await fetch(`${serve.url}/`)).text();
      expect(status).toMatch(/"state": "down"/);
      // Stopped before its files are read: a run still writing would rename files under the search.
      serve.kill();
      await serve.exited;
      const hits = [
        ...searchText('/metrics', metrics),
        ...searchText('/api/journeys', api),
        ...searchText('/api/status', status),
        ...searchText('the status page', page),
        ...alertBodies.flatMap((body, i) => searchText(`alert delivery ${i + 1}`, body)),
        ...searchText('serve stdout', serve.stdout()),
        ...searchText('serve stderr', serve.stderr()),
        ...searchTree(join(dir, 'reports')).hits.map((h) => ({ ...h, where: `serve reports/${h.where}` })),
      ];
      expect(metrics).toMatch(/pathproof_journey_failures_total\{journey="secrets-audit"/);
      expect(hits, describeHits(hits)).toEqual([]);
    } finally {
      serve.kill();
      await serve.exited;
      await receiver.close();
    }
  }, 120_000);
});
