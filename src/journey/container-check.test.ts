/** `runtime.container` and the project's `engine:` / `intended:` as users mistype them: one line each, with file:line:col. */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadJourneyText } from './load.js';
import { parseProjectText } from './project.js';

const journey = (container: string[]) =>
  ['name: c', 'runtime:', '  container:', ...container.map((l) => `    ${l}`), 'entry:', '  - request: GET http://127.0.0.1:9/', ''].join('\n');

function problems(text: string): string[] {
  const loaded = loadJourneyText(text, 'j.yaml', { env: {} });
  return loaded.ok ? [] : loaded.diagnostics.map(formatDiagnostic);
}

describe('runtime.container in a journey', () => {
  it('a full check loads, durations and all', () => {
    const loaded = loadJourneyText(
      journey([
        'service: api',
        'project: shop',
        'expect:',
        '  image: registry.example:5000/shop-api:2.0.3',
        '  health: healthy',
        '  createdAfter: deploy',
        '  files: [/app/dist/modules/workflow]',
        '  mounts: { /data: shop_data_v2 }',
        '  env: { APP_ENV: production }',
        '  labels: { org.opencontainers.image.version: "2.0.3" }',
      ]),
      'j.yaml',
      { env: {} },
    );
    expect(loaded.ok && loaded.journey.journey.runtime?.container).toMatchObject({ service: 'api', expect: { health: 'healthy', mounts: { '/data': 'shop_data_v2' } } });
  });

  it.each([
    [['servic: api'], 'j.yaml:4:5  runtime.container  unknown key "servic": did you mean "service"?'],
    [['service: api', 'name: shop-api'], 'j.yaml:4:5  runtime.container  select the container with exactly one of service, name, label'],
    [['expect: { image: shop-api:2.0.3 }'], 'j.yaml:4:5  runtime.container  select the container with exactly one of service, name, label'],
    [['name: a', 'project: shop'], 'j.yaml:4:5  runtime.container  project goes with service'],
    [['name: a', 'expect:', '  helth: healthy'], 'j.yaml:6:7  runtime.container.expect  unknown key "helth": did you mean "health"?'],
    [['name: a', 'expect: { health: up }'], 'j.yaml:5:23  runtime.container.expect.health'],
    [['name: a', 'expect: { createdAfter: yesterday }'], 'j.yaml:5:29  runtime.container.expect.createdAfter  expected deploy or an ISO 8601 time such as 2026-11-22T09:15:00Z'],
    [['name: a', 'expect: { files: [app/dist] }'], 'j.yaml:5:23  runtime.container.expect.files[0]  a path inside the container is absolute, e.g. /app/dist'],
    [['name: a', 'expect: { image: "shop api" }'], 'j.yaml:5:22  runtime.container.expect.image  expected an image reference such as shop-api:2.0.3'],
    [['label: app'], 'j.yaml:4:12  runtime.container.label'],
  ])('%j → one line', (lines, line) => {
    const found = problems(journey(lines));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(line);
  });
});

describe('engine: and intended: in pathproof.yaml', () => {
  it('loads', () => {
    const parsed = parseProjectText('engine: tcp://socket-proxy:2375\nintended: { compose: docker-compose.yml, project: shop }\n', 'pathproof.yaml');
    expect(parsed.ok && parsed.config).toMatchObject({ engine: 'tcp://socket-proxy:2375', intended: { compose: 'docker-compose.yml', project: 'shop' } });
  });

  it('a typo inside intended: is one line', () => {
    const parsed = parseProjectText('intended: { compose: c.yml, projct: shop }\n', 'pathproof.yaml');
    expect(!parsed.ok && parsed.diagnostics.map(formatDiagnostic)).toEqual(['pathproof.yaml:1:29  intended  unknown key "projct": did you mean "project"?']);
  });
});
