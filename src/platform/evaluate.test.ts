import { describe, expect, it } from 'vitest';
import type { ContainerExpect } from '../journey/schema.js';
import type { ContainerTruth } from '../result/types.js';
import { describeState, evaluateContainer, mountMatches, resolveDeployTime, shortId } from './evaluate.js';
import { NEW_ID, OLD_ID, containerObservation, containerTruth } from './container.fixtures.js';

const failedOf = (expect: ContainerExpect | undefined, truth: ContainerTruth) =>
  evaluateContainer(expect, truth)
    .filter((a) => !a.passed)
    .map((a) => a.expression);

describe('evaluateContainer', () => {
  it('everything as intended: every condition recorded, all passed', () => {
    const truth = containerTruth({
      files: [{ path: '/app/dist/modules/workflow', exists: true, type: 'directory' }],
      deploy: { at: '2026-11-22T09:05:00Z', source: '--deployed-at' },
    });
    const assertions = evaluateContainer(
      {
        image: 'shop-api:2.0.3',
        health: 'running',
        createdAfter: 'deploy',
        files: ['/app/dist/modules/workflow'],
        mounts: { '/data': 'shop_data_v2' },
        env: { APP_ENV: 'production' },
        labels: { 'org.opencontainers.image.version': '2.0.3' },
      },
      truth,
    );
    expect(assertions.map((a) => [a.kind, a.passed])).toEqual([
      ['container.found', true],
      ['container.state', true],
      ['container.file', true],
      ['container.image', true],
      ['container.created', true],
      ['container.mount', true],
      ['container.env', true],
      ['container.label', true],
    ]);
    expect(assertions.find((a) => a.kind === 'container.image')?.expression).toBe(
      'image (sha256:9f8e7d6c5b4a from shop-api:2.0.3) == shop-api:2.0.3 @ sha256:9f8e7d6c5b4a',
    );
  });

  it.each<[string, ContainerExpect | undefined, ContainerTruth, string[]]>([
    ['no container', undefined, containerTruth({}, null), ['container (none) matches service api (project shop)']],
    [
      'the tag moved: same reference, another image ID',
      { image: 'shop-api:2.0.3' },
      containerTruth({}, { image: { id: OLD_ID } }),
      ['image (sha256:1a2b3c4d5e6f from shop-api:2.0.3) == shop-api:2.0.3 @ sha256:9f8e7d6c5b4a'],
    ],
    [
      'the intended image is not in the engine',
      { image: 'shop-api:2.0.4' },
      containerTruth({ intendedImage: { reference: 'shop-api:2.0.4', present: false } }),
      ['image (sha256:9f8e7d6c5b4a from shop-api:2.0.3) == shop-api:2.0.4 (not in the engine)'],
    ],
    [
      'exited, OOM-killed',
      undefined,
      containerTruth({}, { state: { status: 'exited', running: false, exitCode: 137, oomKilled: true } }),
      ['state (exited, exit code 137, OOM-killed) == running'],
    ],
    [
      'restarting',
      undefined,
      containerTruth({}, { state: { status: 'restarting', restarting: true, restartCount: 4, exitCode: 1 } }),
      ['state (restarting, restart count 4, exit code 1) == running'],
    ],
    [
      'the artifact is missing',
      { files: ['/app/dist/modules/workflow'] },
      containerTruth({ files: [{ path: '/app/dist/modules/workflow', exists: false }] }),
      ['file /app/dist/modules/workflow (missing) exists'],
    ],
    [
      'not recreated after the deploy',
      { createdAfter: 'deploy' },
      containerTruth({ deploy: { at: '2026-11-22T09:15:00Z', source: '--deployed-at' } }),
      ['created (2026-11-22T09:10:00.123456789Z) after deploy (2026-11-22T09:15:00Z, --deployed-at)'],
    ],
    [
      'the wrong volume',
      { mounts: { '/data': 'shop_data_v2' } },
      containerTruth({}, { mounts: [{ type: 'volume', name: 'shop_shop_data_v1', destination: '/data', readOnly: false }] }),
      ['mount /data (volume shop_shop_data_v1) == shop_data_v2'],
    ],
    ['nothing mounted', { mounts: { '/data': 'shop_data_v2' } }, containerTruth({}, { mounts: [] }), ['mount /data (nothing mounted) == shop_data_v2']],
    [
      'an env value and an unset name',
      { env: { APP_ENV: 'production', FEATURE_X: 'on' } },
      containerTruth({}, { env: { values: { APP_ENV: 'staging' } } }),
      ['env APP_ENV ("staging") == "production"', 'env FEATURE_X (unset) == "on"'],
    ],
    [
      'a label',
      { labels: { 'org.opencontainers.image.version': '2.0.3', 'org.opencontainers.image.revision': 'abc' } },
      containerTruth({}, { labels: { 'org.opencontainers.image.version': '2.0.2' } }),
      ['label org.opencontainers.image.version ("2.0.2") == "2.0.3"', 'label org.opencontainers.image.revision (absent) == "abc"'],
    ],
    ['unhealthy, with health: running', undefined, containerTruth({}, { health: { status: 'unhealthy' } }), ['health (unhealthy) != unhealthy']],
    ['starting, with health: healthy', { health: 'healthy' }, containerTruth({}, { health: { status: 'starting' } }), ['health (starting) == healthy']],
    ['no health check, with health: healthy', { health: 'healthy' }, containerTruth(), ['health (no health check) == healthy']],
  ])('%s', (_what, expect_, truth, failed) => {
    expect(failedOf(expect_, truth)).toEqual(failed);
  });

  it('never reads an env value that was not listed (the observation has none)', () => {
    const assertions = evaluateContainer({ env: { APP_ENV: 'production' } }, containerTruth());
    expect(JSON.stringify(assertions)).not.toContain('DB_PASSWORD');
  });
});

describe('resolveDeployTime', () => {
  const image = { reference: 'shop-api:2.0.3', present: true, id: NEW_ID, createdAt: '2026-11-22T09:00:00Z' };
  it.each([
    ['2026-11-22T08:00:00Z', {}, { ok: true, at: '2026-11-22T08:00:00Z', source: 'the time in the journey' }],
    ['deploy', { deployedAt: '2026-11-22T09:15:00.000Z', intendedImage: image }, { ok: true, at: '2026-11-22T09:15:00.000Z', source: '--deployed-at' }],
    ['deploy', { intendedImage: image }, { ok: true, at: '2026-11-22T09:00:00Z', source: 'creation of image shop-api:2.0.3' }],
    ['deploy', { intendedImage: { reference: 'x:1', present: false } }, { ok: false, why: 'x:1 is not in the engine, so its creation time is unknown' }],
    ['deploy', {}, { ok: false, why: 'createdAfter: deploy needs --deployed-at (or PATHPROOF_DEPLOYED_AT) or expect.image to know when the deploy was' }],
  ])('%s with %j', (createdAfter, context, expected) => {
    expect(resolveDeployTime(createdAfter, context)).toEqual(expected);
  });
});

describe('helpers', () => {
  it.each([
    [NEW_ID, 'sha256:9f8e7d6c5b4a'],
    ['0f2b974045d6727605749b53450c0abeb4c7da8dacc3df1d0a61c05b8baffc72', '0f2b974045d6'],
    ['weird', 'weird'],
    [undefined, 'unknown'],
  ])('shortId(%j) = %j', (id, short) => {
    expect(shortId(id)).toBe(short);
  });

  it.each([
    ['shop_data_v2', true],
    ['shop_shop_data_v2', true],
    ['other_shop_data_v2', false],
  ])('mount %s matches volume shop_shop_data_v2 of project shop: %s', (expected, matches) => {
    expect(mountMatches(containerObservation(), '/data', expected)).toBe(matches);
  });

  it('a dead container says its exit code', () => {
    expect(describeState(containerObservation({ state: { status: 'dead', running: false, exitCode: 2 } }))).toBe('dead, exit code 2');
  });
});
