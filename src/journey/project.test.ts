import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadProject, parseProjectText, resolveEnvironment, resolveTraceUrl } from './project.js';
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

  it('wait: is a duration up to 1h, in milliseconds', async () => {
    await writeFile(path.join(cwd, 'pathproof.yaml'), 'wait: 1m30s\n');
    expect(await loadProject(cwd, {})).toMatchObject({ ok: true, config: { wait: 90_000 } });
    await writeFile(path.join(cwd, 'pathproof.yaml'), 'wait: 2h\n');
    const result = await loadProject(cwd, {});
    expect(!result.ok && result.diagnostics.map(formatDiagnostic)).toEqual(['pathproof.yaml:1:7  wait  at most 1h']);
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

describe('alerts, maintenance, traceUrl, tlsWarnWithin', () => {
  const ALERTS = `alerts:
  confirm: 3
  recover: 2
  flapping: { changes: 4, window: 30m }
  layerChanges: true
  externalUrl: https://pathproof.example
  webhooks:
    - url: https://hooks.example.com/pathproof
      secret: \${secret:HOOK_KEY}
  alertmanager:
    - http://alertmanager:9093
    - { url: "\${AM_URL}" }
  slack:
    - url: \${secret:SLACK_WEBHOOK}
maintenance:
  - { cron: "0 2 * * SUN", duration: 1h, timezone: Europe/Berlin, name: weekly patching }
traceUrl: https://tempo.example/trace/{traceId}
tlsWarnWithin: 14d
traceparent: false
`;

  it('accepts the documented shape; references stay as written until serve resolves them', () => {
    const result = parseProjectText(ALERTS, 'pathproof.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.alerts).toMatchObject({
      confirm: 3,
      recover: 2,
      flapping: { changes: 4, window: 1_800_000 },
      webhooks: [{ url: 'https://hooks.example.com/pathproof', secret: '${secret:HOOK_KEY}' }],
      alertmanager: ['http://alertmanager:9093', { url: '${AM_URL}' }],
      slack: [{ url: '${secret:SLACK_WEBHOOK}' }],
    });
    expect(result.config.maintenance).toEqual([{ cron: '0 2 * * SUN', duration: 3_600_000, timezone: 'Europe/Berlin', name: 'weekly patching' }]);
    expect(result.config.tlsWarnWithin).toBe(14 * 86_400_000);
    expect(result.config.traceUrl).toBe('https://tempo.example/trace/{traceId}');
    expect(result.config.traceparent).toBe(false);
  });

  it.each([
    ['alerts:\n  confrim: 2\n', 'pathproof.yaml:2:3  alerts  unknown key "confrim": did you mean "confirm"?'],
    ['alerts:\n  confirm: 0\n', 'pathproof.yaml:2:12  alerts.confirm  expected at least 1, got 0'],
    ['alerts:\n  webhooks:\n    - url: hooks.example.com\n', 'pathproof.yaml:3:12  alerts.webhooks[0].url  expected an absolute http(s) URL, or a ${VAR} / ${secret:NAME} reference'],
    ['alerts:\n  slack:\n    - { url: "https://x", channel: ops }\n', 'pathproof.yaml:3:27  alerts.slack[0]  unknown key "channel"'],
    ['alerts:\n  pagerduty: []\n', 'pathproof.yaml:2:3  alerts  unknown key "pagerduty"'],
    ['maintenance:\n  - { cron: "every sunday", duration: 1h }\n', 'pathproof.yaml:2:13  maintenance[0].cron  expected a cron expression such as "0 2 * * SUN" (5 or 6 fields)'],
    ['maintenance:\n  - { cron: "0 2 * * SUN", duration: 1h, timezone: Mars/Olympus }\n', 'pathproof.yaml:2:52  maintenance[0].timezone  expected an IANA time zone such as UTC or Europe/Berlin'],
    ['traceUrl: https://tempo.example/trace/\n', 'pathproof.yaml:1:11  traceUrl  a traceUrl needs the {traceId} placeholder, e.g. https://tempo.example/trace/{traceId}'],
    ['tlsWarnWithin: two weeks\n', 'pathproof.yaml:1:16  tlsWarnWithin  expected a duration such as 500ms, 30s, 1m30s, 2m or 1h'],
  ])('%j → %s', (text, message) => {
    const result = parseProjectText(text, 'pathproof.yaml');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.diagnostics.map(formatDiagnostic)).toContain(message);
  });
});

describe('resolveTraceUrl', () => {
  it.each<[string, Record<string, string>, { ok: true; url: string } | { ok: false; message: string }]>([
    ['https://tempo.example/trace/{traceId}', {}, { ok: true, url: 'https://tempo.example/trace/{traceId}' }],
    ['${TEMPO}/trace/{traceId}', { TEMPO: 'https://tempo.internal:3200' }, { ok: true, url: 'https://tempo.internal:3200/trace/{traceId}' }],
    ['${TEMPO}/trace/{traceId}', {}, { ok: false, message: 'pathproof.yaml: traceUrl: environment variable TEMPO is not set (use ${TEMPO:-default} for a default)' }],
    ['${TEMPO}/trace/{traceId}', { TEMPO: 'tempo.internal' }, { ok: false, message: 'pathproof.yaml: traceUrl: not an absolute http(s) URL once its references are resolved' }],
    [
      'https://tempo.example/trace/{traceId}?key=${secret:TEMPO_KEY}',
      { TEMPO_KEY: 'k3y' },
      { ok: false, message: 'pathproof.yaml: traceUrl: a link shown in every report and alert cannot hold a ${secret:…}' },
    ],
  ])('%s', (template, env, expected) => {
    expect(resolveTraceUrl(template, env)).toEqual(expected);
  });
});
