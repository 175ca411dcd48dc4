import { describe, expect, it } from 'vitest';
import { parseEngineAddress } from './address.js';

describe('parseEngineAddress', () => {
  it.each([
    [undefined, { kind: 'unix', socketPath: '/var/run/docker.sock', display: 'unix:///var/run/docker.sock' }],
    ['', { kind: 'unix', socketPath: '/var/run/docker.sock' }],
    ['unix:///tmp/x/docker.sock', { kind: 'unix', socketPath: '/tmp/x/docker.sock' }],
    ['/run/user/1000/docker.sock', { kind: 'unix', socketPath: '/run/user/1000/docker.sock', display: 'unix:///run/user/1000/docker.sock' }],
    ['tcp://socket-proxy:2375', { kind: 'tcp', host: 'socket-proxy', port: 2375, display: 'tcp://socket-proxy:2375' }],
    ['tcp://10.0.0.5', { kind: 'tcp', host: '10.0.0.5', port: 2375, display: 'tcp://10.0.0.5:2375' }],
    ['http://127.0.0.1:2376', { kind: 'tcp', host: '127.0.0.1', port: 2376 }],
    ['tcp://[::1]:2375', { kind: 'tcp', host: '::1', port: 2375 }],
  ])('%j', (text, expected) => {
    const parsed = parseEngineAddress(text);
    expect(parsed.ok && parsed.address).toMatchObject(expected);
  });

  it.each([
    ['ssh://me@host', 'not supported'],
    ['npipe:////./pipe/docker_engine', 'not supported'],
    ['https://host:2376', 'TLS access to the engine is not supported'],
    ['unix://relative.sock', 'absolute path'],
    ['tcp://user:pw@host:2375', 'credentials'],
    ['tcp://host:2375/v1.41', 'without a path'],
    ['docker.sock', 'expected unix:///path/to/docker.sock or tcp://host:port'],
  ])('%j is refused with a message that says what to use', (text, message) => {
    const parsed = parseEngineAddress(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(message);
  });

  it('never echoes credentials', () => {
    const parsed = parseEngineAddress('tcp://user:s3cret@host:2375');
    expect(!parsed.ok && parsed.message).not.toContain('s3cret');
  });
});
