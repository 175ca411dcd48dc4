import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePathStat, toContainerObservation, toContainerSummary, toImageObservation } from './inspect.js';

/** Inspect JSON recorded from a real engine (docker.io 20.10, API 1.41). */
const recorded = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('toContainerObservation on recorded inspect JSON', () => {
  it('an OOM-killed container: exited, exit code 137, the flag kept', () => {
    const observed = toContainerObservation(recorded('oom-killed.inspect.json'), []);
    expect(observed.name).toBe('oom');
    expect(observed.state).toMatchObject({ status: 'exited', running: false, restarting: false, exitCode: 137, oomKilled: true, restartCount: 0 });
    expect(observed.state.finishedAt).toBe('2026-11-30T22:51:02.313233227Z');
    expect(observed.image).toEqual({ reference: 'shop-api:1', id: 'sha256:ab6171820088f5dad76f2b4ff9bb14cd7a34886182b0fc3801924c192d34756b' });
    expect(observed.health).toEqual({ status: 'none' });
  });

  it('an unhealthy container: health status, streak and the last check kept', () => {
    const observed = toContainerObservation(recorded('unhealthy.inspect.json'), []);
    expect(observed.state.running).toBe(true);
    expect(observed.health).toMatchObject({ status: 'unhealthy', failingStreak: 38, lastExitCode: 1 });
  });

  it('keeps every env name but only the values asked for: the secret never leaves', () => {
    const observed = toContainerObservation(recorded('unhealthy.inspect.json'), ['APP_ENV']);
    expect(observed.env).toEqual({ names: ['APP_ENV', 'SECRET'], values: { APP_ENV: 'production' } });
    expect(JSON.stringify(observed)).not.toContain('hunter2');
  });
});

describe('toContainerObservation on odd input', () => {
  it.each([
    ['null', null],
    ['a list', []],
    ['fields of the wrong type', { Id: 7, State: 'up', Config: { Env: 'A=1', Labels: [] }, Mounts: {}, NetworkSettings: { Ports: 3 } }],
  ])('%s degrades to unknowns, never throws', (_what, input) => {
    const observed = toContainerObservation(input, ['A']);
    expect(observed.state.status).toBe('unknown');
    expect(observed.env.values).toEqual({});
    expect(observed.mounts).toEqual([]);
  });

  it('reads mounts, ports and compose labels', () => {
    const observed = toContainerObservation(
      {
        Id: 'abc',
        Name: '/shop_api_1',
        Created: '2026-11-22T09:00:00Z',
        Image: 'sha256:1',
        State: { Status: 'running', Running: true },
        Config: {
          Image: 'shop-api:2',
          Env: ['FLAG', 'A=b=c'],
          Labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'api', 'com.docker.compose.container-number': '1' },
        },
        Mounts: [
          { Type: 'volume', Name: 'shop_data', Source: '/var/lib/docker/volumes/shop_data/_data', Destination: '/data', RW: true },
          { Type: 'bind', Source: '/srv/conf', Destination: '/conf', RW: false },
        ],
        NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '443/tcp': null } },
      },
      ['A', 'FLAG'],
    );
    expect(observed.name).toBe('shop_api_1');
    expect(observed.env).toEqual({ names: ['FLAG', 'A'], values: { FLAG: '', A: 'b=c' } });
    expect(observed.mounts).toEqual([
      { type: 'volume', name: 'shop_data', source: '/var/lib/docker/volumes/shop_data/_data', destination: '/data', readOnly: false },
      { type: 'bind', source: '/srv/conf', destination: '/conf', readOnly: true },
    ]);
    expect(observed.ports).toEqual([{ containerPort: '80/tcp', hostIp: '0.0.0.0', hostPort: '8080' }, { containerPort: '443/tcp' }]);
    expect(observed.compose).toEqual({ project: 'shop', service: 'api', number: 1 });
  });
});

describe('summaries and images', () => {
  it('a list entry without an Id is dropped', () => {
    expect(toContainerSummary({ Names: ['/x'] })).toBeUndefined();
    expect(toContainerSummary({ Id: 'a', Names: ['/x'], State: 'exited', Labels: { a: 'b' } })).toEqual({ id: 'a', name: 'x', state: 'exited', labels: { a: 'b' } });
    // An entry of a real engine's list (20.10, API 1.41): published ports, the network and its address.
    expect(
      toContainerSummary({
        Id: 'c8a3e4386d60',
        Names: ['/pub'],
        Image: 'bb:1',
        Ports: [
          { IP: '127.0.0.1', PrivatePort: 80, PublicPort: 18777, Type: 'tcp' },
          { PrivatePort: 443, Type: 'tcp' },
        ],
        Labels: {},
        State: 'running',
        HostConfig: { NetworkMode: 'ppnet' },
        NetworkSettings: { Networks: { ppnet: { IPAddress: '172.18.0.2', GlobalIPv6Address: '' } } },
      }),
    ).toEqual({
      id: 'c8a3e4386d60',
      name: 'pub',
      state: 'running',
      labels: {},
      image: 'bb:1',
      ports: [{ hostIp: '127.0.0.1', hostPort: 18777, containerPort: 80, protocol: 'tcp' }],
      networkMode: 'ppnet',
      addresses: ['172.18.0.2'],
    });
  });

  it('an image: its ID and creation time', () => {
    expect(toImageObservation('shop-api:2', { Id: 'sha256:9', Created: '2026-11-22T09:00:00Z' })).toEqual({
      reference: 'shop-api:2',
      present: true,
      id: 'sha256:9',
      createdAt: '2026-11-22T09:00:00Z',
    });
  });
});

describe('parsePathStat (X-Docker-Container-Path-Stat)', () => {
  const header = (stat: object): string => Buffer.from(JSON.stringify(stat)).toString('base64');
  it.each([
    ['a file', { name: 'index.html', size: 3, mode: 0o644, mtime: '2026-11-30T22:50:52Z', linkTarget: '' }, 'file'],
    ['a directory', { name: 'workflow', size: 4096, mode: 2 ** 31 + 0o755, mtime: '2026-11-30T22:50:52Z' }, 'directory'],
    ['a symlink', { name: 'current', size: 7, mode: 2 ** 27 + 0o777, linkTarget: '/app/v2' }, 'symlink'],
    ['a socket', { name: 's', size: 0, mode: 2 ** 24 + 0o755 }, 'other'],
  ])('%s', (_what, stat, type) => {
    expect(parsePathStat('/p', header(stat))).toMatchObject({ path: '/p', exists: true, type });
  });

  it.each([undefined, '', 'not base64 json', Buffer.from('[1]').toString('base64')])('unreadable header %j → undefined', (value) => {
    expect(parsePathStat('/p', value)).toBeUndefined();
  });
});
