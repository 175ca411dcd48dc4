/**
 * What people bring from other tools: reports at the paths CI looks for (Playwright's
 * `--reporter name=path`), JUnit attachments that resolve from the workspace, `-e KEY=VALUE`,
 * `--tag a,b`, `--pass-with-no-journeys`, FORCE_COLOR. The built CLI against a real server.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/result/types.js';
import { findAll, parseXml } from '../src/report/xml-reader.fixtures.js';
import { runCli, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';

const ESC = String.fromCharCode(27);
let server: TestServer;
let cwd: string;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>shop</title><h1>Welcome</h1>');
      return;
    }
    if (req.url === '/ok') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"no such route"}');
  });
  cwd = tempDir('pathproof-ci-');
  mkdirSync(join(cwd, 'journeys', 'shop'), { recursive: true });
  writeFileSync(
    join(cwd, 'journeys', 'shop', 'ok.yaml'),
    'name: ok\ntags: [smoke]\ntarget: ${BASE_URL}\nentry:\n  - request: GET /ok\n    expect: { status: 200 }\n',
  );
  writeFileSync(
    join(cwd, 'journeys', 'shop', 'broken.yaml'),
    // A browser journey: its failure leaves a screenshot, the evidence JUnit attaches.
    'name: broken\ntags: [deep]\ntarget: ${BASE_URL}\nentry:\n  - goto: /page\n  - see: Request refund\n    timeout: 2s\n',
  );
});
afterAll(() => server.close());

describe('reports where CI looks for them', () => {
  it('--reporter console,junit=…,html=…,json=… writes copies at those paths, attachments resolve from the cwd', { timeout: 120_000 }, async () => {
    const result = await runCli(
      ['run', 'journeys', '-e', `BASE_URL=${server.url}`, '--reporter', 'console,junit=out/junit.xml,html=out/report', '--reporter', 'json=out/run.json'],
      { cwd, timeoutMs: 90_000 },
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain('broken');
    const run = JSON.parse(readFileSync(join(cwd, 'out', 'run.json'), 'utf8')) as RunResult;
    expect(run.journeys.find((j) => j.name === 'broken')).toMatchObject({ outcome: 'failed' });
    expect(run.journeys.find((j) => j.name === 'ok')).toMatchObject({ outcome: 'passed' });

    const xml = readFileSync(join(cwd, 'out', 'junit.xml'), 'utf8');
    const cases = findAll(parseXml(xml), 'testcase');
    expect(cases.map((c) => c.attributes.classname).sort()).toEqual(['pathproof.journeys.shop.broken', 'pathproof.journeys.shop.ok']);
    const attachments = [...xml.matchAll(/\[\[ATTACHMENT\|([^\]]+)\]\]/g)].map((m) => m[1]!);
    expect(attachments.length).toBeGreaterThan(0);
    for (const path of attachments) {
      expect(path).toMatch(/^reports\/[^/]+\/evidence\//);
      expect(existsSync(join(cwd, path)), path).toBe(true);
    }
    // The copy is the run directory's junit.xml, byte for byte.
    const runDir = /report: (.+)\/run\.json/.exec(result.stdout)![1]!;
    expect(readFileSync(join(runDir, 'junit.xml'), 'utf8')).toBe(xml);

    // html=DIR: the page with what it links to, publishable on its own.
    const html = readFileSync(join(cwd, 'out', 'report', 'index.html'), 'utf8');
    expect(html).toContain('broken');
    expect(existsSync(join(cwd, 'out', 'report', 'run.json'))).toBe(true);
    const evidence = attachments[0]!.replace(/^reports\/[^/]+\//, '');
    expect(existsSync(join(cwd, 'out', 'report', evidence)), evidence).toBe(true);
  });

  it('refuses an unknown reporter before running anything', async () => {
    const result = await runCli(['run', 'journeys', '--reporter', 'dot'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown reporter "dot"');
  });
});

describe('conventions from other tools', () => {
  it('--tag a,b selects journeys with any of the tags; -e sets ${BASE_URL}', async () => {
    const result = await runCli(['run', 'journeys', '--tag', 'smoke,nope', '-e', `BASE_URL=${server.url}`, '--reporter', 'json'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout) as RunResult;
    expect(run.journeys.map((j) => j.name)).toEqual(['ok']);
  });

  it('--env KEY=VALUE says what happened and what to type, exit 2', async () => {
    const result = await runCli(['run', 'journeys', '--env', `BASE_URL=${server.url}`], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`type -e BASE_URL=${server.url} (or --var BASE_URL=${server.url})`);
  });

  it('no selected journey is exit 2, or 0 with --pass-with-no-journeys', async () => {
    const strict = await runCli(['run', 'journeys', '--tag', 'nobody'], { cwd, env: { BASE_URL: server.url } });
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('no journeys with tag nobody');
    const lenient = await runCli(['run', 'journeys', '--tag', 'nobody', '--pass-with-no-journeys'], { cwd, env: { BASE_URL: server.url } });
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stdout).toContain('nothing to run (--pass-with-no-journeys)');
  });

  it('FORCE_COLOR colours the console when stdout is a pipe, even with NO_COLOR', async () => {
    const plain = await runCli(['run', 'journeys', '--tag', 'smoke'], { cwd, env: { BASE_URL: server.url } });
    expect(plain.stdout).not.toContain(`${ESC}[`);
    const forced = await runCli(['run', 'journeys', '--tag', 'smoke'], { cwd, env: { BASE_URL: server.url, FORCE_COLOR: '1' } });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(new RegExp(`${ESC}\\[\\d+m`));
  });
});

describe('validate --json (what the GitHub Action asks before a run)', () => {
  it('lists the journeys run would select, with whether each needs a browser', async () => {
    const result = await runCli(['validate', 'journeys', '--json', '-e', `BASE_URL=${server.url}`], { cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      journeys: [
        { name: 'broken', file: 'journeys/shop/broken.yaml', tags: ['deep'], needsBrowser: true },
        { name: 'ok', file: 'journeys/shop/ok.yaml', tags: ['smoke'], needsBrowser: false },
      ],
      needsBrowser: true,
      diagnostics: [],
    });
    const tagged = JSON.parse((await runCli(['validate', 'journeys', '--json', '--tag', 'smoke', '-e', `BASE_URL=${server.url}`], { cwd })).stdout) as { needsBrowser: boolean };
    expect(tagged.needsBrowser).toBe(false);
  });

  it('is still JSON when a journey is invalid, with the problems, exit 2', async () => {
    const result = await runCli(['validate', 'journeys', '--json'], { cwd });
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { valid: boolean; diagnostics: { path: string; message: string }[] };
    expect(report.valid).toBe(false);
    expect(report.diagnostics.map((d) => d.message)).toContain('environment variable BASE_URL is not set (use ${BASE_URL:-default} for a default)');
  });
});
