import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from './types.js';
import { mapEndpoint, targetText } from './endpoint.js';

const container = (name: string, extra: Partial<ContainerSummary> = {}): ContainerSummary => ({
  id: `id-${name}`,
  name,
  state: 'running',
  labels: {},
  image: `${name}:1`,
  ...extra,
});

const published = (hostPort: number, containerPort: number, hostIp = '0.0.0.0') => ({ hostIp, hostPort, containerPort, protocol: 'tcp' });
const local = { addresses: ['127.0.0.1'], onEngineHost: true };
const target = { host: '127.0.0.1', port: 8080 };

describe('mapEndpoint', () => {
  it('the container that publishes the port on the engine’s host, with its compose service', () => {
    const web = container('shop-web-1', {
      ports: [published(8080, 80)],
      labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
    });
    expect(mapEndpoint([container('shop-db-1', { ports: [published(5432, 5432)] }), web], target, local)).toEqual({
      kind: 'mapped',
      target: '127.0.0.1:8080',
      container: { id: 'id-shop-web-1', name: 'shop-web-1', port: '80/tcp', image: 'shop-web-1:1', compose: { project: 'shop', service: 'web' } },
      selected: false,
    });
  });

  it('a container’s own address on a container network (pathproof inside the compose network)', () => {
    const api = container('shop-api-1', { addresses: ['172.18.0.5'] });
    const mapping = mapEndpoint([container('shop-web-1', { addresses: ['172.18.0.4'] }), api], { host: 'api', port: 3000 }, { addresses: ['172.18.0.5'], onEngineHost: false });
    expect(mapping).toMatchObject({ kind: 'mapped', target: 'api:3000', container: { name: 'shop-api-1', port: '3000/tcp' } });
  });

  it('an exact address binding wins over a wildcard one', () => {
    const mapping = mapEndpoint([container('any', { ports: [published(8080, 80)] }), container('loopback', { ports: [published(8080, 8000, '127.0.0.1')] })], target, local);
    expect(mapping).toMatchObject({ kind: 'mapped', container: { name: 'loopback', port: '8000/tcp' } });
  });

  it.each<[string, ContainerSummary[], { addresses: string[]; onEngineHost: boolean; elsewhere?: string }, string]>([
    [
      'the host network: the engine cannot tell',
      [container('api-ok', { networkMode: 'host' }), container('api-twin', { networkMode: 'host' })],
      local,
      'no container publishes port 8080; 2 containers run (api-ok, api-twin) on the host network, where the engine cannot tell which one listens on it',
    ],
    [
      'one container on the host network',
      [container('api-ok', { networkMode: 'host' })],
      local,
      'no container publishes port 8080; api-ok runs on the host network, where the engine cannot tell which one listens on it',
    ],
    ['nothing published there', [container('db', { ports: [published(5432, 5432)] })], local, 'no container publishes port 8080: something outside the engine listens there (a proxy or a process on the host), or nothing does'],
    [
      'a stopped container publishes nothing',
      [container('old', { state: 'exited', ports: [published(8080, 80)] })],
      local,
      'no container publishes port 8080: something outside the engine listens there (a proxy or a process on the host), or nothing does',
    ],
    ['several publish it', [container('a', { ports: [published(8080, 80)] }), container('b', { ports: [published(8080, 80, '::')] })], local, 'several containers publish port 8080: a, b'],
    [
      'another machine than the engine’s',
      [container('web', { ports: [published(8080, 80)] })],
      { addresses: ['203.0.113.7'], onEngineHost: false, elsewhere: '203.0.113.7 is neither a container’s address nor this machine’s' },
      '203.0.113.7 is neither a container’s address nor this machine’s',
    ],
    ['a port bound to another address', [container('web', { ports: [published(8080, 80, '10.0.0.9')] })], local, 'no container publishes port 8080: something outside the engine listens there (a proxy or a process on the host), or nothing does'],
  ])('%s → unmapped, saying why', (_name, containers, context, why) => {
    expect(mapEndpoint(containers, target, context)).toEqual({ kind: 'unmapped', target: '127.0.0.1:8080', why });
  });

  it('writes IPv6 targets with brackets', () => {
    expect(targetText({ host: '::1', port: 8080 })).toBe('[::1]:8080');
  });
});
