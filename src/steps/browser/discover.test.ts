import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunnerFault } from '../types.js';
import { discoverBrowser } from './discover.js';

const dir = mkdtempSync(join(tmpdir(), 'pathproof-discover-'));
const binA = join(dir, 'bin-a');
const emptyBin = join(dir, 'bin-empty');
mkdirSync(binA);
mkdirSync(emptyBin);
const chromiumOnPath = join(binA, 'chromium-browser');
const explicit = join(dir, 'my-chrome');
for (const path of [chromiumOnPath, explicit]) {
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
}
const notExecutable = join(dir, 'plain');
writeFileSync(notExecutable, '');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fault(run: () => unknown): RunnerFault {
  try {
    run();
  } catch (error) {
    if (error instanceof RunnerFault) return error;
    throw error;
  }
  throw new Error('expected a RunnerFault');
}

describe('discoverBrowser', () => {
  it('prefers a remote browser server', () => {
    expect(discoverBrowser({ env: { PATHPROOF_BROWSER_WS: 'ws://grid:3000/pw', PATHPROOF_CHROMIUM: explicit } })).toEqual({
      kind: 'remote',
      wsEndpoint: 'ws://grid:3000/pw',
    });
  });

  it('uses PATHPROOF_CHROMIUM before anything found on disk', () => {
    expect(discoverBrowser({ env: { PATHPROOF_CHROMIUM: explicit, PATH: binA }, playwrightExecutable: () => explicit })).toEqual({
      kind: 'executable',
      path: explicit,
      origin: 'PATHPROOF_CHROMIUM',
    });
  });

  it.each([['/nonexistent'], [notExecutable]])('PATHPROOF_CHROMIUM=%s is an error naming the variable, not a fallback', (path) => {
    const error = fault(() => discoverBrowser({ env: { PATHPROOF_CHROMIUM: path, PATH: binA } }));
    expect(error.code).toBe('BROWSER_NOT_FOUND');
    expect(error.message).toContain(`PATHPROOF_CHROMIUM=${path} is not an executable file`);
    expect(error.message).toContain('apt-get install -y chromium');
  });

  it("uses Playwright's downloaded Chromium when it is on disk, and skips it when not", () => {
    expect(discoverBrowser({ env: { PATH: binA }, playwrightExecutable: () => explicit })).toMatchObject({ origin: 'playwright', path: explicit });
    expect(discoverBrowser({ env: { PATH: binA }, playwrightExecutable: () => join(dir, 'missing') })).toMatchObject({
      origin: 'PATH',
      path: chromiumOnPath,
    });
    expect(
      discoverBrowser({
        env: { PATH: binA },
        playwrightExecutable: () => {
          throw new Error('no registry entry');
        },
      }),
    ).toMatchObject({ origin: 'PATH' });
  });

  it('says exactly how to get a browser when there is none', () => {
    const error = fault(() => discoverBrowser({ env: { PATH: emptyBin } }));
    expect(error.code).toBe('BROWSER_NOT_FOUND');
    expect(error.message).toMatchInlineSnapshot(
      `"no Chromium found (looked at Playwright's browser cache and for chromium / chromium-browser on PATH): install one with \`apt-get install -y chromium\` (Debian/Ubuntu), or set PATHPROOF_CHROMIUM=/path/to/chrome, or set PATHPROOF_BROWSER_WS=ws://host:port/… to use a remote Playwright browser server."`,
    );
  });
});
