/**
 * The Dockerfile, checked statically: Docker cannot pull base images here or in CI, so
 * what can be known without building is checked instead. The base image is a Node LTS line
 * still supported, on Debian bookworm-slim; the build stage installs exactly from the
 * lockfile, compiles and prunes; the runtime stage runs as a numeric non-root user, holds
 * the files the CLI reads, and its ENTRYPOINT names a file the build produces; every
 * `apt-get install` package exists in Debian bookworm (apt-cache on this bookworm machine).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers.js';

interface Instruction {
  readonly op: string;
  readonly args: string;
  readonly line: number;
}

/** Instructions with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (!pending && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (pending && line.trimStart().startsWith('#')) return;
    const current = pending ?? { text: '', line: index + 1 };
    current.text += ` ${line.replace(/\\$/, '')}`;
    if (line.endsWith('\\')) pending = current;
    else {
      pending = undefined;
      const [op = '', ...rest] = current.text.trim().split(/\s+/);
      out.push({ op: op.toUpperCase(), args: rest.join(' '), line: current.line });
    }
  });
  return out;
}

const instructions = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const froms = instructions.map((i, k) => [i, k] as const).filter(([i]) => i.op === 'FROM');
const finalFrom = froms.at(-1)!;
const finalStage = instructions.slice(finalFrom[1]);
const buildStage = instructions.slice(froms[0]![1], finalFrom[1]);
const args = Object.fromEntries(
  instructions.filter((i) => i.op === 'ARG' && i.args.includes('=')).map((i) => i.args.split('=', 2) as [string, string]),
);
const expand = (value: string): string => value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a?: string, b?: string) => args[(a ?? b)!] ?? '');

/** Node release lines and the end of their support (https://github.com/nodejs/Release). */
const NODE_LTS_END: Record<string, string> = { '22': '2027-04-30', '24': '2028-04-30' };

describe('Dockerfile', () => {
  it('is multi-stage, every stage on a supported Node LTS line on Debian bookworm-slim', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const [from] of froms) {
      const image = expand(from.args.split(/\s+/)[0]!);
      const match = /^node:(\d+)(?:\.\d+){0,2}-bookworm-slim$/.exec(image);
      expect(match, `line ${from.line}: ${image}`).not.toBeNull();
      const end = NODE_LTS_END[match![1]!];
      expect(end, `Node ${match![1]} is not an LTS line (use 22 or 24)`).toBeDefined();
      expect(new Date(end!).getTime(), `Node ${match![1]} reached end of life on ${end}: move to a newer LTS`).toBeGreaterThan(Date.now());
    }
  });

  it('builds from the lockfile, compiles, then drops the dev dependencies', () => {
    const runs = buildStage.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).not.toMatch(/npm install\b/);
    expect(runs).toMatch(/npm run build/);
    expect(runs).toMatch(/npm prune --omit=dev/);
    const copied = buildStage.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copied[0]).toMatch(/^package\.json package-lock\.json /); // the npm ci layer caches on the lockfile alone
    // Everything `npm run build` reads is copied in.
    expect(copied.join(' ')).toContain('tsconfig.build.json');
    expect(copied.join(' ')).toMatch(/\bsrc\b/);
  });

  it('runs as a numeric non-root user', () => {
    const users = finalStage.filter((i) => i.op === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const [user = '', group] = users.at(-1)!.args.split(':');
    expect(user).toMatch(/^\d+$/);
    expect(Number(user)).toBeGreaterThan(0);
    if (group !== undefined) expect(Number(group)).toBeGreaterThan(0);
    const creates = finalStage.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
    expect(creates).toContain(`--uid ${user}`);
  });

  it('copies what the CLI reads into /app, and its ENTRYPOINT names a file the build produces', () => {
    const copies = finalStage.filter((i) => i.op === 'COPY').map((i) => i.args);
    const workdir = finalStage.find((i) => i.op === 'WORKDIR')!.args;
    expect(workdir).toBe('/app');
    // dist/cli/main.js reads ../../package.json (its version) and ../../journeys (the demo).
    for (const needed of [/--from=build \/app\/package\.json\b/, /--from=build \/app\/node_modules \.\/node_modules$/, /--from=build \/app\/dist \.\/dist$/, /^journeys\/\*\.yaml \.\/journeys\/$/]) {
      expect(copies.some((c) => needed.test(c)), String(needed)).toBe(true);
    }
    const entrypoint = JSON.parse(finalStage.filter((i) => i.op === 'ENTRYPOINT').at(-1)!.args) as string[];
    expect(entrypoint.slice(0, 2)).toEqual(['/usr/bin/tini', '--']);
    const command = entrypoint[2]!;
    const link = new RegExp(`ln -s (\\S+) /usr/local/bin/${command}\\b`).exec(finalStage.map((i) => i.args).join('\n'));
    expect(link, `a symlink /usr/local/bin/${command}`).not.toBeNull();
    const target = link![1]!;
    const bin = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin[command];
    expect(target).toBe(`/app/${bin}`);
    // The build produces it (`npm test` builds first), as an executable script.
    expect(existsSync(join(ROOT, bin!))).toBe(true);
    expect(readFileSync(join(ROOT, bin!), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    // tini is installed where the ENTRYPOINT runs it from.
    expect(aptPackages()).toContain('tini');
  });

  it('the layout its COPY lines build runs through the /usr/local/bin symlink: version, bundled journeys', { timeout: 60_000 }, () => {
    // /app as the runtime stage assembles it, from this checkout (built by `npm test`);
    // node_modules is linked, not copied (its content is npm's business, not the Dockerfile's).
    const root = tempDir('pathproof-image-');
    const app = join(root, 'app');
    mkdirSync(app);
    for (const copy of finalStage.filter((i) => i.op === 'COPY').map((i) => i.args)) {
      const fromBuild = /^--from=build (.+) (\S+)$/.exec(copy);
      const sources = fromBuild ? fromBuild[1]!.split(' ').map((p) => p.replace(/^\/app\//, '')) : copy.split(' ').slice(0, -1);
      const destination = fromBuild ? fromBuild[2]! : copy.split(' ').at(-1)!;
      const dest = join(app, destination.replace(/^\.\/?/, ''));
      for (const source of sources.flatMap(expandGlob)) {
        // Into a directory when the destination ends in `/` (Docker's rule), else onto the path.
        const target = destination.endsWith('/') ? join(dest, source.split('/').pop()!) : dest;
        mkdirSync(join(target, '..'), { recursive: true });
        if (source === 'node_modules') symlinkSync(join(ROOT, 'node_modules'), target, 'dir');
        else cpSync(join(ROOT, source), target, { recursive: true });
      }
    }
    const runLines = finalStage.map((i) => i.args).join('\n');
    // What the RUN line does to the layout: chmod +x, then the symlink on PATH.
    for (const [, file] of runLines.matchAll(/chmod \+x \/app\/(\S+)/g)) chmodSync(join(app, file!), 0o755);
    const link = /ln -s \/app\/(\S+) \/usr\/local\/bin\/(\S+)/.exec(runLines)!;
    mkdirSync(join(root, 'bin'));
    symlinkSync(join(app, link[1]!), join(root, 'bin', link[2]!));
    const work = tempDir('pathproof-image-work-');
    const run = (...args: string[]) =>
      spawnSync(join(root, 'bin', link[2]!), args, { cwd: work, encoding: 'utf8', timeout: 50_000, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' } });
    const version = run('--version');
    expect(version.stdout.trim()).toBe(`pathproof ${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}`);
    // The demo finds its journeys beside dist/ (HTTP-only ones: no browser needed for this check).
    const demo = run('demo', '--tag', 'api');
    expect(demo.status, `${demo.stdout}\n${demo.stderr}`).toBe(0);
    expect(demo.stdout).toMatch(/3 passed, 0 flaky, 0 failed/);
  });

  it('does not send node_modules, dist or reports into the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'reports', '.git']));
    for (const needed of ['src', 'journeys', 'package.json', 'package-lock.json', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json']) {
      expect(ignored, needed).not.toContain(needed);
    }
  });

  it('installs Chromium, fonts for emoji and CJK, certificates; lean and cleaned up', () => {
    const packages = aptPackages();
    expect(packages).toEqual(expect.arrayContaining(['chromium', 'fonts-noto-color-emoji', 'ca-certificates']));
    expect(packages.some((p) => p === 'fonts-noto-cjk' || p === 'fonts-wqy-zenhei')).toBe(true);
    const install = finalStage.find((i) => i.op === 'RUN' && i.args.includes('apt-get install'))!.args;
    expect(install).toContain('apt-get update');
    expect(install).toContain('--no-install-recommends');
    expect(install).toMatch(/rm -rf \/var\/lib\/apt\/lists\/\*/);
    const env = finalStage.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    expect(env).toContain('PATHPROOF_CHROMIUM=/usr/bin/chromium');
  });

  it('every apt-get install package exists in Debian bookworm (apt-cache show on this bookworm machine)', { timeout: 120_000 }, () => {
    const release = readFileSync('/etc/os-release', 'utf8');
    expect(/^VERSION_CODENAME=(\w+)/m.exec(release)?.[1], 'this check needs a bookworm machine, like the image').toBe('bookworm');
    const names = aptPackages();
    // One call: apt-cache reads its package lists once (slow on a busy machine), and fails naming any unknown package.
    const shown = spawnSync('apt-cache', ['show', '--no-all-versions', ...names], { encoding: 'utf8', timeout: 110_000 });
    expect(shown.error).toBeUndefined();
    expect(shown.stderr).toBe('');
    expect(shown.status).toBe(0);
    const found = [...shown.stdout.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]);
    expect(found.sort()).toEqual([...names].sort());
  });
});

/** `dir/*.ext` against this checkout (the one form the Dockerfile uses); other paths as they are. */
function expandGlob(path: string): string[] {
  if (!path.includes('*')) return [path];
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash);
  const pattern = new RegExp(`^${path.slice(slash + 1).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  return readdirSync(join(ROOT, dir)).filter((name) => pattern.test(name)).map((name) => `${dir}/${name}`);
}

/** The packages of every `apt-get install` in the runtime stage. */
function aptPackages(): string[] {
  return finalStage
    .filter((i) => i.op === 'RUN')
    .flatMap((i) => [...i.args.matchAll(/apt-get install ([^&|;]+)/g)].map((m) => m[1]!))
    .flatMap((list) => list.split(/\s+/))
    .filter((word) => word !== '' && !word.startsWith('-'));
}
