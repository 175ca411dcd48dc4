/**
 * The npm package as a user outside this repository gets it: `npm pack` from what a fresh
 * clone holds (its `prepack` builds dist/), installed into an empty project, then
 * `npx pathproof demo` (real Chromium) and `npx pathproof validate`.
 *
 * Offline-capable: the empty project gets a lockfile derived from this repository's (the
 * runtime dependencies at the versions tested here), and `npm ci --offline` installs from
 * the npm cache that `npm ci` filled, so CI needs no downloads beyond its own `npm ci`.
 *
 * The pack runs in a copy of the tracked files with node_modules linked, never in the
 * working tree: its prepack deletes and rebuilds dist/, which other test files are using.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.js';

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, bounded; the child is killed (by pid) past the deadline. */
function run(command: string, args: string[], cwd: string, timeoutMs: number, env: Record<string, string | undefined> = {}): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface LockEntry {
  version?: string;
  dev?: boolean;
  [key: string]: unknown;
}

let tarball: string;
let files: string[];
let project: string;

/** A directory to ask npm for its configuration in (the user's, not this repository's). */
const project0 = (): string => tempDir('pathproof-npmrc-');

beforeAll(async () => {
  // What a fresh clone holds: tracked files and new ones not ignored (CI runs on a clone).
  const clone = tempDir('pathproof-clone-');
  const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(ROOT, f)));
  for (const file of tracked) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(ROOT, file), join(clone, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  expect(existsSync(join(clone, 'dist'))).toBe(false);

  const out = tempDir('pathproof-pack-');
  const packed = await run('npm', ['pack', '--json', '--pack-destination', out], clone, 120_000);
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [{ filename: string; files: { path: string }[] }];
  tarball = join(out, info.filename);
  files = info.files.map((f) => f.path).sort();

  // An empty project that depends on the tarball, locked to the runtime dependencies tested here.
  project = tempDir('pathproof-consumer-');
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  // With `resolved` and `integrity`, npm takes each tarball from its cache without asking the
  // registry for metadata (a lockfile written with omit-lockfile-registry-resolved has none).
  const registry = (await run('npm', ['config', 'get', 'registry'], project0(), 30_000)).stdout.trim().replace(/\/?$/, '/');
  const runtime = Object.fromEntries(
    Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev)
      .map(([path, entry]) => {
        const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
        const base = name.split('/').pop()!;
        return [path, { resolved: `${registry}${name}/-/${base}-${entry.version}.tgz`, ...entry }];
      }),
  );
  const spec = `file:${tarball}`;
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: { pathproof: spec } }, null, 2)}\n`);
  writeFileSync(
    join(project, 'package-lock.json'),
    `${JSON.stringify(
      {
        name: 'consumer',
        version: '1.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: 'consumer', version: '1.0.0', dependencies: { pathproof: spec } },
          'node_modules/pathproof': {
            version: pkg.version,
            resolved: spec,
            integrity,
            license: pkg.license,
            dependencies: pkg.dependencies,
            bin: pkg.bin,
            engines: pkg.engines,
          },
          ...runtime,
        },
      },
      null,
      2,
    )}\n`,
  );
  const installed = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], project, 120_000);
  expect(installed.code, `${installed.stdout}\n${installed.stderr}`).toBe(0);
}, 240_000);

describe('the npm package', () => {
  it('holds what the CLI needs and nothing it does not', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/cli/main.js', 'dist/demo/app.js', 'journeys/refund-request.yaml']));
    const unwanted = files.filter((f) => !/^(dist\/.+\.js|journeys\/[^/]+\.yaml|LICENSE|README\.md|package\.json)$/.test(f));
    expect(unwanted).toEqual([]);
    expect(files.filter((f) => /\.test\.js$|fixtures|\.map$/.test(f))).toEqual([]);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
  });

  it('installs into an empty project: `npx pathproof --version`, `demo` and `validate` work', { timeout: 120_000 }, async () => {
    const version = await run('npx', ['--offline', 'pathproof', '--version'], project, 30_000);
    expect(version.stdout.trim()).toBe(`pathproof ${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}`);

    // The bundled demo: its own app, its own journeys (browser ones included), exit 0.
    const demo = await run('npx', ['--offline', 'pathproof', 'demo'], project, 100_000);
    expect(demo.code, `${demo.stdout}\n${demo.stderr}`).toBe(0);
    expect(demo.stdout).toMatch(/5 passed, 0 flaky, 0 failed, 0 error/);
    expect(demo.stdout).toContain('refund-request');
    expect(existsSync(join(project, 'reports', 'history.json'))).toBe(true);

    mkdirSync(join(project, 'journeys'));
    writeFileSync(join(project, 'journeys', 'health.yaml'), 'name: health\ntarget: https://shop.example.com\nentry:\n  - request: GET /healthz\n');
    const valid = await run('npx', ['--offline', 'pathproof', 'validate'], project, 30_000);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('1 journey valid');
    writeFileSync(join(project, 'journeys', 'typo.yaml'), 'name: typo\ntarget: https://shop.example.com\nentry:\n  - requets: GET /healthz\n');
    const invalid = await run('npx', ['--offline', 'pathproof', 'validate'], project, 30_000);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('did you mean "request"');
  });
});
