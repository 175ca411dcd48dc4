import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { discoverJourneyFiles, loadJourneys } from './discover.js';

let cwd: string;

beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'pathproof-discover-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(cwd, file)), { recursive: true });
  await writeFile(path.join(cwd, file), text);
}

const journey = (name: string): string => `name: ${name}\nresult:\n  - request: GET /healthz\n`;

describe('discoverJourneyFiles', () => {
  it('finds *.yaml and *.yml recursively, sorted, relative to cwd, skipping non-journeys', async () => {
    await write('journeys/b.yaml', journey('b'));
    await write('journeys/a.yml', journey('a'));
    await write('journeys/sub/c.YAML', journey('c'));
    await write('journeys/schema.json', '{}');
    await write('journeys/notes.md', '#');
    await write('journeys/pathproof.yaml', 'defaults: {}\n');
    await write('journeys/.hidden/d.yaml', journey('d'));
    await write('journeys/node_modules/e.yaml', journey('e'));
    await write('other/explicit.txt', journey('f'));
    await symlink(path.join(cwd, 'journeys'), path.join(cwd, 'journeys', 'sub', 'loop'));

    const { files, diagnostics } = await discoverJourneyFiles(['journeys', 'other/explicit.txt', 'journeys/a.yml'], cwd);
    expect(files).toEqual(['journeys/a.yml', 'journeys/b.yaml', 'journeys/sub/c.YAML', 'other/explicit.txt']);
    expect(diagnostics).toEqual([]);
  });

  it('reports a path that does not exist, and an empty directory', async () => {
    await mkdir(path.join(cwd, 'empty'));
    const { files, diagnostics } = await discoverJourneyFiles(['nope', 'empty'], cwd);
    expect(files).toEqual([]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'nope  no such file or directory',
      'empty  warning: no journey files (*.yaml, *.yml) in this directory',
    ]);
  });
});

describe('loadJourneys', () => {
  it('loads every good file even when others are bad, with all problems', async () => {
    await write('journeys/a.yaml', journey('a'));
    await write('journeys/b.yaml', 'name: b\ntgas: []\nresult:\n  - request: GET /\n');
    await write('journeys/c.yaml', journey('c'));
    await write('journeys/d.yaml', '');
    const { journeys, diagnostics } = await loadJourneys(['journeys', 'missing.yaml'], { cwd, env: {} });
    expect(journeys.map((j) => [j.journey.name, j.file])).toEqual([
      ['a', 'journeys/a.yaml'],
      ['c', 'journeys/c.yaml'],
    ]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'journeys/b.yaml:2:1  unknown key "tgas": did you mean "tags"?',
      'journeys/d.yaml:1:1  the file is empty: expected a journey (a mapping with name and steps in entry, open, action or result)',
      'missing.yaml  no such file or directory',
    ]);
  });

  it('reports a duplicate name on the second file, naming the first', async () => {
    await write('journeys/a.yaml', journey('checkout'));
    await write('journeys/b.yaml', '# the same journey, copied\ndescription: copy\nname:   checkout\nresult:\n  - request: GET /\n');
    const { journeys, diagnostics } = await loadJourneys(['journeys'], { cwd, env: {} });
    expect(journeys.map((j) => j.file)).toEqual(['journeys/a.yaml']);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'journeys/b.yaml:3:9  name  journey name "checkout" is already used by journeys/a.yaml: names must be unique (they key metrics and reports)',
    ]);
  });

  it('interpolates with the env it is given', async () => {
    await write('j.yaml', 'name: j\ntarget: ${BASE_URL}\nresult:\n  - request: GET /\n    expect: { body: "${secret:TOKEN}" }\n');
    const { journeys, diagnostics } = await loadJourneys(['j.yaml'], { cwd, env: { BASE_URL: 'http://127.0.0.1:1', TOKEN: 't0k' } });
    expect(diagnostics).toEqual([]);
    expect(journeys[0]?.journey.target).toBe('http://127.0.0.1:1');
    expect(journeys[0]?.secrets).toEqual(['t0k']);
  });

  it('loads 500 files', async () => {
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        write(`journeys/j${String(i).padStart(3, '0')}.yaml`, `name: j-${i}\ntags: [canary]\nentry:\n  - goto: /\n  - see: { role: link, name: Go }\nresult:\n  - request: GET /api/${i}\n    expect: { status: 2xx, json: { $.ok: true } }\n`),
      ),
    );
    const { journeys, diagnostics } = await loadJourneys(['journeys'], { cwd, env: {} });
    expect(diagnostics).toEqual([]);
    expect(journeys).toHaveLength(500);
    expect(journeys[499]?.journey.name).toBe('j-499');
  });
});
