import { describe, expect, it } from 'vitest';
import type { ContainerObservation, PostureRow } from '../result/types.js';
import type { IntendedCompose, IntendedService } from './compose.js';
import { NEW_ID, OLD_ID, containerObservation } from './container.fixtures.js';
import { comparePosture, postureSummary, renderPosture } from './posture.js';
import type { PostureReading } from './posture.js';

const service = (name: string, patch: Partial<IntendedService> = {}): IntendedService => ({
  name,
  image: `shop-${name}:2`,
  build: false,
  environment: {},
  volumes: [],
  replicas: 1,
  profiles: [],
  ...patch,
});

const running = (name: string, service_: string, patch: Parameters<typeof containerObservation>[0] = {}): ContainerObservation =>
  containerObservation({ name, compose: { project: 'shop', service: service_, number: 1 }, image: { reference: `shop-${service_}:2`, id: NEW_ID }, mounts: [], ...patch });

function reading(services: IntendedService[], containers: Record<string, ContainerObservation[]>, extra: Partial<PostureReading> = {}): PostureReading {
  const compose: IntendedCompose = { file: 'docker-compose.yml', project: 'shop', projectSource: 'the directory name', services };
  const images = Object.fromEntries(services.filter((s) => s.image).map((s) => [s.image as string, { reference: s.image as string, present: true, id: NEW_ID, createdAt: '2026-11-22T09:00:00Z' }]));
  return { compose, engine: 'docker engine at unix:///var/run/docker.sock (API 1.41)', containers, images, activeProfiles: [], ...extra };
}

describe('comparePosture', () => {
  it('everything as intended → consistent', () => {
    const posture = comparePosture(reading([service('api'), service('web')], { api: [running('shop_api_1', 'api')], web: [running('shop-web-1', 'web')] }));
    expect(posture.consistent).toBe(true);
    expect(posture.rows.map((r) => [r.service, r.status])).toEqual([
      ['api', 'ok'],
      ['web', 'ok'],
    ]);
  });

  it.each<[string, IntendedService, ContainerObservation[], string, string]>([
    ['no container', service('api'), [], 'missing', 'no container'],
    ['one replica of two', service('api', { replicas: 2 }), [running('shop-api-1', 'api')], 'missing', '1 of 2 containers'],
    ['exited, OOM-killed', service('api'), [running('shop-api-1', 'api', { state: { status: 'exited', running: false, exitCode: 137, oomKilled: true } })], 'exited', 'exited, exit code 137, OOM-killed'],
    ['an old image (a tag that moved)', service('api'), [running('shop-api-1', 'api', { image: { id: OLD_ID } })], 'stale', 'old image: runs sha256:1a2b3c4d5e6f, shop-api:2 is sha256:9f8e7d6c5b4a'],
    ['created before its image', service('api'), [running('shop-api-1', 'api', { createdAt: '2026-11-22T08:00:00Z' })], 'stale', 'not recreated: created 2026-11-22T08:00:00Z, before its image'],
    [
      'the wrong volume',
      service('api', { volumes: [{ target: '/data', kind: 'volume', source: 'shop_data_v2' }] }),
      [running('shop-api-1', 'api', { mounts: [{ type: 'volume', name: 'shop_data_v1', destination: '/data', readOnly: false }] })],
      'wrong-volume',
      '/data has volume shop_data_v1, intended shop_data_v2',
    ],
    [
      'a bind mount from elsewhere',
      service('api', { volumes: [{ target: '/conf', kind: 'bind', source: '/srv/shop/conf' }] }),
      [running('shop-api-1', 'api', { mounts: [{ type: 'bind', source: '/srv/old/conf', destination: '/conf', readOnly: true }] })],
      'wrong-volume',
      '/conf has bind /srv/old/conf, intended /srv/shop/conf',
    ],
    [
      'env differs: names only, never values',
      service('api', { environment: { APP_ENV: 'production', TOKEN: 's3cret-intended', PASS: null } }),
      [running('shop-api-1', 'api', { env: { names: ['APP_ENV', 'TOKEN'], values: { APP_ENV: 'production', TOKEN: 's3cret-running' } } })],
      'env',
      'env TOKEN differs; env PASS not set',
    ],
    ['unhealthy', service('api'), [running('shop-api-1', 'api', { health: { status: 'unhealthy', failingStreak: 3 } })], 'unhealthy', 'unhealthy (failing streak 3)'],
    ['restarting', service('api'), [running('shop-api-1', 'api', { state: { status: 'restarting', restarting: true, restartCount: 5, exitCode: 1 } })], 'restarting', 'restarting (restart count 5, exit code 1)'],
  ])('%s', (_what, intended, containers, status, problems) => {
    const posture = comparePosture(reading([intended], { api: containers }));
    expect(posture.consistent).toBe(false);
    const [row] = posture.rows;
    expect(row?.status).toBe(status);
    expect(row?.problems.map((p) => p.text).join('; ')).toBe(problems);
    expect(JSON.stringify(posture)).not.toContain('s3cret');
  });

  it('a stale service among fresh ones: the row and the summary say exactly which', () => {
    const posture = comparePosture(
      reading([service('api'), service('web'), service('worker')], {
        api: [running('shop-api-1', 'api', { image: { id: OLD_ID } })],
        web: [running('shop-web-1', 'web')],
      }),
    );
    const text = renderPosture(posture);
    expect(text).toContain('partial deployment: missing: worker · stale: api — as intended: web');
    const lines = text.split('\n');
    expect(lines[2]).toMatch(/^SERVICE\s+STATUS\s+CONTAINER\s+IMAGE\s+PROBLEMS$/);
    expect(lines.find((l) => l.startsWith('api '))).toMatch(/^api\s+stale\s+shop-api-1\s+shop-api:2 @ sha256:1a2b3c4d5e6f\s+old image/);
    expect(lines.find((l) => l.startsWith('worker '))).toMatch(/^worker\s+missing\s+—\s+shop-worker:2\s+no container$/);
  });

  it('a container of the project that the file does not name is extra', () => {
    const posture = comparePosture(reading([service('api')], { api: [running('shop-api-1', 'api')], old: [running('shop-old-1', 'old')] }));
    expect(posture.consistent).toBe(false);
    expect(posture.rows.at(-1)).toMatchObject({ service: 'old', status: 'extra', containers: ['shop-old-1'] });
  });

  it('a service under an inactive profile is neither missing nor drift', () => {
    const posture = comparePosture(reading([service('api'), service('debug', { profiles: ['debug'] })], { api: [running('shop-api-1', 'api')] }));
    expect(posture.consistent).toBe(true);
    expect(posture.rows[1]).toMatchObject({ service: 'debug', status: 'inactive' });
    expect(renderPosture(posture)).toContain('consistent: 1 of 2 services run as intended');
  });

  it('the intended image not in the engine is stale', () => {
    const r = reading([service('api')], { api: [running('shop-api-1', 'api')] });
    const posture = comparePosture({ ...r, images: { 'shop-api:2': { reference: 'shop-api:2', present: false } } });
    expect(posture.rows[0]?.problems[0]?.text).toBe('intended image shop-api:2 is not in the engine');
  });

  it('created before --deployed-at is stale', () => {
    const posture = comparePosture(reading([service('api')], { api: [running('shop-api-1', 'api')] }, { deployedAt: '2026-11-22T09:30:00.000Z' }));
    expect(posture.rows[0]?.status).toBe('stale');
    expect(posture.rows[0]?.problems[0]?.text).toContain('before the deploy at 2026-11-22T09:30:00.000Z');
  });
});

describe('postureSummary', () => {
  const row = (service: string, status: PostureRow['status']): PostureRow => ({ service, status, containers: [], image: { running: [] }, problems: [] });

  it.each<[string, PostureRow[], string]>([
    ['all as intended', [row('api', 'ok'), row('web', 'ok')], 'consistent: 2 of 2 services run as intended'],
    ['an inactive profile is not counted as running', [row('api', 'ok'), row('debug', 'inactive')], 'consistent: 1 of 2 services run as intended'],
    ['nothing as intended', [row('api', 'stale'), row('web', 'wrong-volume')], 'drift: stale: api · wrong-volume: web'],
    ['some updated, some not: a partial deployment, naming both sides', [row('api', 'ok'), row('worker', 'stale'), row('web', 'ok'), row('db', 'missing')], 'partial deployment: missing: db · stale: worker — as intended: api, web'],
    ['a leftover container alone is drift, not a partial deployment', [row('api', 'ok'), row('old', 'extra')], 'drift: extra: old — as intended: api'],
  ])('%s', (_name, rows, expected) => {
    expect(postureSummary({ rows })).toBe(expected);
  });
});
