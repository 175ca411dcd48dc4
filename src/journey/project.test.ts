import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadProject, parseProjectText, resolveEnvironment } from './project.js';
import type { ProjectConfig } from './schema.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(path.join(tmpdir(), 'pathproof-project-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const PROJECT = `defaults:
  timeout: 45s
  retries: 1
environments:
  staging:
    target: https://staging.shop.example
    expectVersion: 2.0.3
    vars: { REGION: eu }
  production:
    target: https://shop.example
`;

describe('loadProject', () => {
  it('without a project file, every default', async () => {
    expect(await loadProject(cwd, {})).toEqual({ ok: true, config: {} });
  });

  it('reads pathproof.yaml from cwd', async () => {
    await writeFile(path.join(cwd, 'pathproof.yaml'), PROJECT);
    const result = await loadProject(cwd, {});
    expect(result.ok && result.file).toBe('pathproof.yaml');
    expect(result.ok && result.config.defaults).toEqual({ timeout: 45_000, retries: 1 });
    expect(result.ok && Object.keys(result.config.environments ?? {})).toEqual(['staging', 'production']);
  });

  it('reads a named file, and reports one that does not exist', async () => {
    await writeFile(path.join(cwd, 'ci.yml'), 'reportDir: out\n');
    expect(await loadProject(cwd, { file: 'ci.yml' })).toEqual({ ok: true, config: { reportDir: 'out' }, file: 'ci.yml' });
    const missing = await loadProject(cwd, { file: 'nope.yaml' });
    expect(!missing.ok && missing.diagnostics.map(formatDiagnostic)).toEqual(['nope.yaml  project file not found']);
  });

  it('reports every problem with position and path', async () => {
    await writeFile(path.join(cwd, 'pathproof.yaml'), 'defaults:\n  retries: 9\n  concurency: 2\nenvironments:\n  staging: { targt: x }\n');
    const result = await loadProject(cwd, {});
    expect(!result.ok && result.diagnostics.map(formatDiagnostic)).toEqual([
      'pathproof.yaml:2:12  defaults.retries  expected at most 5, got 9',
      'pathproof.yaml:3:3  defaults  unknown key "concurency": did you mean "concurrency"?',
      'pathproof.yaml:5:14  environments.staging  unknown key "targt": did you mean "target"?',
    ]);
  });

  it('interpolates ${VAR} only when given an env', () => {
    const text = 'pushgateway: ${PUSHGATEWAY:-http://localhost:9091}\n';
    expect(parseProjectText(text, 'p.yaml')).toEqual({ ok: true, config: { pushgateway: '${PUSHGATEWAY:-http://localhost:9091}' }, file: 'p.yaml' });
    expect(parseProjectText(text, 'p.yaml', {})).toEqual({ ok: true, config: { pushgateway: 'http://localhost:9091' }, file: 'p.yaml' });
  });
});

describe('resolveEnvironment', () => {
  const config: ProjectConfig = {
    environments: {
      staging: { target: 'https://staging.shop.example', expectVersion: '2.0.3', vars: { REGION: 'eu', BASE_URL: 'ignored' } },
      production: { vars: { REGION: 'us' } },
    },
  };
  const processEnv = { REGION: 'local', HOME: '/root' };

  it('without a name, the process env as is', () => {
    expect(resolveEnvironment(config, undefined, processEnv)).toEqual({ ok: true, env: processEnv });
  });

  it('merges vars over the process env and makes target BASE_URL', () => {
    expect(resolveEnvironment(config, 'staging', processEnv)).toEqual({
      ok: true,
      env: { REGION: 'eu', HOME: '/root', BASE_URL: 'https://staging.shop.example' },
      target: 'https://staging.shop.example',
      expectVersion: '2.0.3',
    });
    expect(resolveEnvironment(config, 'production', processEnv)).toEqual({ ok: true, env: { REGION: 'us', HOME: '/root' } });
  });

  it.each([
    ['stagin', config, 'unknown environment "stagin": did you mean "staging"? known environments: production, staging'],
    ['qa', config, 'unknown environment "qa": known environments: production, staging'],
    ['toString', config, 'unknown environment "toString": known environments: production, staging'],
    ['qa', {}, 'unknown environment "qa": the project file defines no environments'],
  ])('%s → a clear message', (name, cfg, message) => {
    expect(resolveEnvironment(cfg, name, processEnv)).toEqual({ ok: false, message });
  });
});
