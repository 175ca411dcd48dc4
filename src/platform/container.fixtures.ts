/** Builders for container observations in pure tests: a healthy running container, changed where a test says. */
import type { ContainerObservation, ContainerTruth } from '../result/types.js';

export const OLD_ID = 'sha256:1a2b3c4d5e6f00000000000000000000000000000000000000000000000000aa';
export const NEW_ID = 'sha256:9f8e7d6c5b4a00000000000000000000000000000000000000000000000000bb';

type Patch = Partial<Omit<ContainerObservation, 'state' | 'health' | 'image' | 'env'>> & {
  state?: Partial<ContainerObservation['state']>;
  health?: Partial<ContainerObservation['health']>;
  image?: Partial<ContainerObservation['image']>;
  env?: Partial<ContainerObservation['env']>;
};

export function containerObservation(patch: Patch = {}): ContainerObservation {
  const base: ContainerObservation = {
    id: '0f2b974045d6727605749b53450c0abeb4c7da8dacc3df1d0a61c05b8baffc72',
    name: 'shop-api-1',
    image: { reference: 'shop-api:2.0.3', id: NEW_ID },
    createdAt: '2026-11-22T09:10:00.123456789Z',
    state: { status: 'running', running: true, restarting: false, exitCode: 0, oomKilled: false, restartCount: 0 },
    health: { status: 'none' },
    mounts: [{ type: 'volume', name: 'shop_shop_data_v2', destination: '/data', readOnly: false }],
    env: { names: ['APP_ENV', 'DB_PASSWORD'], values: { APP_ENV: 'production' } },
    labels: { 'org.opencontainers.image.version': '2.0.3' },
    ports: [],
    compose: { project: 'shop', service: 'api', number: 1 },
  };
  return {
    ...base,
    ...patch,
    state: { ...base.state, ...patch.state },
    health: { ...base.health, ...patch.health },
    image: { ...base.image, ...patch.image },
    env: { ...base.env, ...patch.env },
  };
}

export function containerTruth(patch: Partial<ContainerTruth> = {}, container: Patch | null = {}): ContainerTruth {
  return {
    selector: 'service api (project shop)',
    engine: 'docker engine at unix:///var/run/docker.sock (API 1.41)',
    ...(container === null ? {} : { container: containerObservation(container) }),
    intendedImage: { reference: 'shop-api:2.0.3', present: true, id: NEW_ID, createdAt: '2026-11-22T09:00:00Z' },
    ...patch,
  };
}
