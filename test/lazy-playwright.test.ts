import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';

const DETECTOR = join(ROOT, 'test/fixtures/loader/detect-playwright.mjs');
let server: TestServer;

beforeAll(async () => {
  server = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>ok</title><h1>Hello</h1>');
  });
});
afterAll(() => server.close());

function loads(log: string): string[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

describe('Playwright is loaded only when a browser step exists', () => {
  const run = (args: string[], log: string) =>
    runCli(args, { env: { NODE_OPTIONS: `--import=${DETECTOR}`, PP_LOAD_LOG: log, TARGET: server.url } });

  it('validate and an HTTP-only run never import playwright', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'http.yaml'), 'name: http-only\ntarget: ${TARGET}\nentry:\n  - request: GET /\n');
    const log = join(dir, 'load.log');
    expect((await run(['validate', dir], log)).code).toBe(0);
    expect((await run(['run', dir, '--out', join(dir, 'out')], log)).code).toBe(0);
    expect(loads(log)).toEqual([]);
  });

  it('a browser journey does import it (the detector works)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'page.yaml'), 'name: page\ntarget: ${TARGET}\nentry:\n  - goto: /\n  - see: Hello\n');
    const log = join(dir, 'load.log');
    const result = await run(['run', dir, '--out', join(dir, 'out')], log);
    expect(result.code).toBe(0);
    expect(loads(log)).toContain('playwright-core');
  });
});
