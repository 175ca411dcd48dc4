import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../journey/diagnostics.js';
import { interpolateCompose, intendedProject, normaliseProjectName, parseCompose, parseEnvText, readCompose } from './compose.js';

const base = { cwd: '/srv/My_Shop.v2', dir: '/srv/My_Shop.v2', env: {}, dotEnv: {} };

describe('normaliseProjectName (as compose names projects)', () => {
  it.each([
    ['shop', 'shop'],
    ['My_Shop.v2', 'my_shopv2'],
    ['-_Shop Front', 'shopfront'],
    ['..', ''],
  ])('%j → %j', (raw, name) => {
    expect(normaliseProjectName(raw)).toBe(name);
  });
});

describe('interpolateCompose', () => {
  const vars = { TAG: '2.0.3', EMPTY: '' };
  it.each([
    ['shop-api:${TAG}', 'shop-api:2.0.3'],
    ['shop-api:$TAG', 'shop-api:2.0.3'],
    ['${MISSING}', ''],
    ['${MISSING:-1.0}', '1.0'],
    ['${EMPTY:-1.0}', '1.0'],
    ['${EMPTY-1.0}', ''],
    ['${TAG:+set}', 'set'],
    ['${EMPTY:+set}', ''],
    ['${EMPTY+set}', 'set'],
    ['$$HOME stays', '$HOME stays'],
  ])('%j → %j', (text, value) => {
    expect(interpolateCompose(text, vars)).toEqual({ ok: true, value });
  });

  it.each([
    ['${MISSING:?set MISSING}', 'required variable MISSING is missing: set MISSING'],
    ['${EMPTY:?}', 'required variable EMPTY is missing'],
    ['${not valid}', 'invalid interpolation "${not valid}"'],
  ])('%j → %j', (text, message) => {
    expect(interpolateCompose(text, vars)).toEqual({ ok: false, message });
  });
});

describe('parseCompose', () => {
  const file = `
services:
  api:
    image: shop-api:\${TAG:-2.0.3}
    environment:
      APP_ENV: production
      WORKERS: 4
      PASSTHROUGH:
    volumes:
      - shop_data_v2:/data
      - ./conf:/conf:ro
      - /cache
      - type: volume
        source: ext
        target: /ext
  web:
    build: ./web
    environment: [A=1, B]
    deploy: { replicas: 2 }
  debug:
    image: busybox
    profiles: [debug]
volumes:
  shop_data_v2: {}
  ext: { external: true }
`;

  it('reads images, env, volumes, replicas and profiles with compose naming', async () => {
    const parsed = await parseCompose(file, 'docker-compose.yml', base);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const { compose } = parsed;
    expect(compose).toMatchObject({ project: 'my_shopv2', projectSource: 'the directory name' });
    const [api, web, debug] = compose.services;
    expect(api).toMatchObject({ name: 'api', image: 'shop-api:2.0.3', build: false, replicas: 1 });
    expect(api?.environment).toEqual({ APP_ENV: 'production', WORKERS: '4', PASSTHROUGH: null });
    expect(api?.volumes).toEqual([
      { target: '/data', kind: 'volume', source: 'my_shopv2_shop_data_v2', written: 'shop_data_v2' },
      { target: '/conf', kind: 'bind', source: '/srv/My_Shop.v2/conf', written: './conf' },
      { target: '/cache', kind: 'anonymous' },
      { target: '/ext', kind: 'volume', source: 'ext', written: 'ext' },
    ]);
    expect(web).toMatchObject({ name: 'web', build: true, replicas: 2, environment: { A: '1', B: null } });
    expect(web?.image).toBeUndefined();
    expect(debug?.profiles).toEqual(['debug']);
  });

  it.each([
    [{ project: { name: 'Shop', source: '--project' } }, {}, 'shop', '--project'],
    [{}, { COMPOSE_PROJECT_NAME: 'fromenv' }, 'fromenv', 'COMPOSE_PROJECT_NAME'],
  ])('the project name: %j %j → %s', async (options, env, project, source) => {
    const parsed = await parseCompose('name: infile\nservices: {}\n', 'c.yml', { ...base, ...options, env });
    expect(parsed.ok && parsed.compose).toMatchObject({ project, projectSource: source });
  });

  it('name: in the file beats the directory', async () => {
    const parsed = await parseCompose('name: Shop\nservices: {}\n', 'c.yml', base);
    expect(parsed.ok && parsed.compose).toMatchObject({ project: 'shop', projectSource: 'name: in the file' });
  });

  it('the shell env beats .env', async () => {
    const parsed = await parseCompose('services:\n  a:\n    image: x:${TAG}\n', 'c.yml', { ...base, env: { TAG: 'shell' }, dotEnv: { TAG: 'dotenv' } });
    expect(parsed.ok && parsed.compose.services[0]?.image).toBe('x:shell');
  });

  it.each([
    ['services:\n  api:\n    image: [a\n', 'c.yml:4:1  YAML:'],
    ['services:\n  api:\n    image: 3\n', 'c.yml:3:12  services.api.image  expected a string, got number'],
    ['services:\n  api:\n    image: x:${TAG:?set TAG}\n', 'c.yml:3:12  services.api.image  required variable TAG is missing: set TAG'],
    ['- a\n- b\n', 'c.yml:1:1  expected a compose file (a mapping with services), got list'],
    ['version: "3"\n', 'c.yml:1:1  services'],
  ])('bad input is one line with file:line:col: %j', async (text, line) => {
    const parsed = await parseCompose(text, 'c.yml', base);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.diagnostics).toHaveLength(1);
    expect(formatDiagnostic(parsed.diagnostics[0]!)).toContain(line);
  });

  it('reads env_file and .env beside the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pathproof-compose-'));
    writeFileSync(join(dir, '.env'), 'TAG=2.1.0\n');
    writeFileSync(join(dir, 'app.env'), '# comment\nexport FROM_FILE="yes"\nOVERRIDDEN=file\n');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  api:\n    image: shop-api:${TAG}\n    env_file: app.env\n    environment: { OVERRIDDEN: inline }\n');
    const parsed = await readCompose('compose.yaml', { cwd: dir, env: {} });
    expect(parsed.ok && parsed.compose.services[0]).toMatchObject({ image: 'shop-api:2.1.0', environment: { FROM_FILE: 'yes', OVERRIDDEN: 'inline' } });
  });

  it('a missing file is one line without a position', async () => {
    const parsed = await readCompose('nope.yml', { cwd: tmpdir(), env: {} });
    expect(!parsed.ok && parsed.diagnostics.map(formatDiagnostic)).toEqual(['nope.yml  compose file not found']);
  });
});

describe('parseEnvText', () => {
  it('reads KEY=VALUE lines, quotes and export, skips comments', () => {
    expect(parseEnvText('A=1\n# x\n\nexport B="two words"\nC=\'q\'\nD=v # trailing\nnot a line\n')).toEqual({ A: '1', B: 'two words', C: 'q', D: 'v' });
  });
});

describe('intendedProject (the default project of service: selectors)', () => {
  it.each([
    [undefined, {}, undefined],
    [{ compose: 'deploy/docker-compose.yml', project: 'Shop' }, {}, 'shop'],
    [{ compose: 'deploy/docker-compose.yml' }, {}, 'deploy'],
    [{ compose: 'deploy/docker-compose.yml' }, { COMPOSE_PROJECT_NAME: 'x' }, 'x'],
  ])('%j %j → %j', (intended, env, project) => {
    expect(intendedProject(intended, { cwd: '/srv', env })).toBe(project);
  });
});
