import { describe, expect, it } from 'vitest';
import type { ContainerExpect } from '../journey/schema.js';
import type { ContainerTruth, Layer } from '../result/types.js';
import { evaluateContainer } from '../platform/evaluate.js';
import { OLD_ID, containerTruth } from '../platform/container.fixtures.js';
import { classifyContainer } from './container.js';

const classify = (expect: ContainerExpect | undefined, truth: ContainerTruth) => classifyContainer({ truth, assertions: evaluateContainer(expect, truth) });

describe('classifyContainer', () => {
  it('everything holds → no failure', () => {
    expect(classify({ image: 'shop-api:2.0.3', health: 'running' }, containerTruth())).toBeUndefined();
  });

  it.each<[string, ContainerExpect | undefined, ContainerTruth, Layer, string]>([
    [
      'no container',
      undefined,
      containerTruth({}, null),
      'endpoint',
      'no container matches service api (project shop): nothing runs to serve this journey — check `docker ps -a`',
    ],
    [
      'exited with an OOM kill',
      undefined,
      containerTruth({}, { state: { status: 'exited', running: false, exitCode: 137, oomKilled: true, finishedAt: '2026-11-22T09:12:00Z' } }),
      'endpoint',
      'container shop-api-1 exited (exit code 137, OOM-killed) at 2026-11-22T09:12:00Z: it ran out of memory — check its memory limit',
    ],
    ['exited cleanly', undefined, containerTruth({}, { state: { status: 'exited', running: false, exitCode: 0 } }), 'endpoint', 'container shop-api-1 exited (exit code 0): nothing serves this path'],
    ['created, never started', undefined, containerTruth({}, { state: { status: 'created', running: false } }), 'endpoint', 'container shop-api-1 was created but never started'],
    [
      'crash-looping',
      undefined,
      containerTruth({}, { state: { status: 'restarting', running: true, restarting: true, restartCount: 7, exitCode: 1 } }),
      'app',
      'container shop-api-1 is restarting (restart count 7, last exit code 1): it crash-loops',
    ],
    [
      'the tag moved under a running container',
      { image: 'shop-api:2.0.3' },
      containerTruth({}, { image: { id: OLD_ID } }),
      'drift',
      'container shop-api-1 runs sha256:1a2b3c4d5e6f but shop-api:2.0.3 is now sha256:9f8e7d6c5b4a: the tag moved to a new build and the container was not recreated',
    ],
    [
      'another reference entirely',
      { image: 'shop-api:2.0.3' },
      containerTruth({}, { image: { id: OLD_ID, reference: 'shop-api:2.0.2' } }),
      'drift',
      'container shop-api-1 runs sha256:1a2b3c4d5e6f (shop-api:2.0.2), not shop-api:2.0.3 (sha256:9f8e7d6c5b4a): the deploy did not replace this container',
    ],
    [
      'the intended image was never pulled',
      { image: 'shop-api:2.0.4' },
      containerTruth({ intendedImage: { reference: 'shop-api:2.0.4', present: false } }),
      'drift',
      "shop-api:2.0.4 is not in the engine's images: the intended build was never built or pulled here",
    ],
    [
      'the artifact is missing',
      { files: ['/app/dist/modules/workflow'] },
      containerTruth({ files: [{ path: '/app/dist/modules/workflow', exists: false }] }),
      'drift',
      '/app/dist/modules/workflow is missing in container shop-api-1 (image sha256:9f8e7d6c5b4a from shop-api:2.0.3): the running build lacks the artifact',
    ],
    [
      'not recreated after the deploy (which time was used is said)',
      { createdAfter: 'deploy' },
      containerTruth({ deploy: { at: '2026-11-22T09:15:00Z', source: '--deployed-at' } }),
      'drift',
      'container shop-api-1 was created 2026-11-22T09:10:00.123456789Z, before the deploy at 2026-11-22T09:15:00Z (--deployed-at): it was not recreated',
    ],
    [
      'the wrong volume',
      { mounts: { '/data': 'shop_data_v2' } },
      containerTruth({}, { mounts: [{ type: 'volume', name: 'shop_shop_data_v1', destination: '/data', readOnly: false }] }),
      'drift',
      '/data in container shop-api-1 has volume shop_shop_data_v1, expected shop_data_v2: the wrong volume is attached',
    ],
    ['an env value', { env: { APP_ENV: 'production' } }, containerTruth({}, { env: { values: { APP_ENV: 'staging' } } }), 'drift', 'env APP_ENV is "staging" in container shop-api-1, expected "production"'],
    [
      'a label',
      { labels: { 'org.opencontainers.image.version': '2.0.3' } },
      containerTruth({}, { labels: {} }),
      'drift',
      'label org.opencontainers.image.version is absent on container shop-api-1, expected "2.0.3"',
    ],
    [
      'unhealthy',
      undefined,
      containerTruth({}, { health: { status: 'unhealthy', failingStreak: 3, lastExitCode: 1, lastOutput: 'connection refused' } }),
      'app',
      'container shop-api-1 is unhealthy (failing streak 3, last check exit 1: connection refused): it runs but its own health check fails',
    ],
    ['still starting', { health: 'healthy' }, containerTruth({}, { health: { status: 'starting' } }), 'app', 'container shop-api-1 is still starting (health check not passed yet): the rollout has not finished'],
    ['healthy asked of a container without a health check', { health: 'healthy' }, containerTruth(), 'drift', 'container shop-api-1 has no health check, so "healthy" cannot hold'],
  ])('%s → %s', (_what, expect_, truth, layer, hint) => {
    const failure = classify(expect_, truth);
    expect(failure?.layer).toBe(layer);
    expect(failure?.hint).toContain(hint);
    expect(failure?.hint).not.toContain('\n');
  });

  it.each<[string, ContainerExpect, ContainerTruth, Layer, string]>([
    [
      'exited beats the wrong image (endpoint before drift)',
      { image: 'shop-api:2.0.3' },
      containerTruth({}, { image: { id: OLD_ID }, state: { status: 'exited', running: false, exitCode: 1 } }),
      'endpoint',
      'state (exited, exit code 1) == running',
    ],
    [
      'the wrong image beats unhealthy (drift before app)',
      { image: 'shop-api:2.0.3' },
      containerTruth({}, { image: { id: OLD_ID }, health: { status: 'unhealthy' } }),
      'drift',
      'image (sha256:1a2b3c4d5e6f from shop-api:2.0.3) == shop-api:2.0.3 @ sha256:9f8e7d6c5b4a',
    ],
    [
      'the artifact before the image (artifact → container)',
      { image: 'shop-api:2.0.3', files: ['/app/x'] },
      containerTruth({ files: [{ path: '/app/x', exists: false }] }, { image: { id: OLD_ID } }),
      'drift',
      'file /app/x (missing) exists',
    ],
    [
      'the wrong image beats a crash loop',
      { image: 'shop-api:2.0.3' },
      containerTruth({}, { image: { id: OLD_ID }, state: { status: 'restarting', restarting: true, restartCount: 2 } }),
      'drift',
      'image (sha256:1a2b3c4d5e6f from shop-api:2.0.3) == shop-api:2.0.3 @ sha256:9f8e7d6c5b4a',
    ],
  ])('the operator order: %s', (_what, expect_, truth, layer, message) => {
    const failure = classify(expect_, truth);
    expect(failure?.layer).toBe(layer);
    expect(failure?.message).toBe(message);
  });

  it('a missing artifact in a container that runs an older image says why it is missing', () => {
    const failure = classify(
      { image: 'shop-api:2.0.3', files: ['/app/x'] },
      containerTruth({ files: [{ path: '/app/x', exists: false }] }, { image: { id: OLD_ID } }),
    );
    expect(failure?.hint).toBe(
      '/app/x is missing in container shop-api-1 (image sha256:1a2b3c4d5e6f from shop-api:2.0.3), and shop-api:2.0.3 is now sha256:9f8e7d6c5b4a: the container runs an older build than intended — recreate it (docker compose up -d), then check the artifact again before the route or the code',
    );
  });

  it('the reason names the container, the selector, the engine and what else fails', () => {
    const failure = classify({ image: 'shop-api:2.0.3', env: { APP_ENV: 'production' } }, containerTruth({}, { image: { id: OLD_ID }, env: { values: {} } }));
    expect(failure?.reason).toBe(
      'container shop-api-1 (0f2b974045d6) selected by service api (project shop) via docker engine at unix:///var/run/docker.sock (API 1.41); also failing: env APP_ENV (unset) == "production"',
    );
  });

  it('no container matches, but another container serves the target: the hint says the check names the wrong one', () => {
    const endpoint = {
      kind: 'mapped',
      target: '127.0.0.1:8080',
      container: { id: 'c0ffee', name: 'shop-web-1', port: '80/tcp', compose: { project: 'shop', service: 'web' } },
      selected: false,
    } as const;
    const failure = classify(undefined, containerTruth({ endpoint }, null));
    expect(failure?.layer).toBe('endpoint');
    expect(failure?.hint).toBe(
      'no container matches service api (project shop), but the target 127.0.0.1:8080 is served by container shop-web-1 (service web): the check names another container than the one that answers — fix the selector or the target before the proxy or the code',
    );
    expect(failure?.reason).toContain('nothing matched service api (project shop) via docker engine at unix:///var/run/docker.sock (API 1.41); the target 127.0.0.1:8080 is served by container shop-web-1');
  });

  it('the target served by the selected container adds nothing; by another one, the reason says so', () => {
    const mapping = (selected: boolean) => ({ kind: 'mapped', target: '127.0.0.1:8080', container: { id: 'x', name: selected ? 'shop-api-1' : 'shop-old-1', port: '80/tcp' }, selected }) as const;
    const failing = { image: 'shop-api:2.0.3' };
    expect(classify(failing, containerTruth({ endpoint: mapping(true) }, { image: { id: OLD_ID } }))?.reason).not.toContain('served by');
    expect(classify(failing, containerTruth({ endpoint: mapping(false) }, { image: { id: OLD_ID } }))?.reason).toContain('; the target 127.0.0.1:8080 is served by container shop-old-1');
  });
});
