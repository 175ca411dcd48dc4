import { describe, expect, it } from 'vitest';
import { isLoopback, parseListen } from './listen.js';

describe('parseListen', () => {
  it.each<[string | undefined, string, number]>([
    [undefined, '127.0.0.1', 9464],
    ['0.0.0.0:9000', '0.0.0.0', 9000],
    [':9000', '0.0.0.0', 9000],
    ['9000', '127.0.0.1', 9000],
    ['[::1]:9464', '::1', 9464],
    ['localhost:0', 'localhost', 0],
  ])('%s → %s:%d', (value, host, port) => {
    expect(parseListen(value)).toEqual({ ok: true, host, port });
  });

  it.each(['', 'host', 'host:', 'host:99999', '::1:9464', 'a:b'])('rejects %j', (value) => {
    const result = parseListen(value);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/--listen expects host:port/);
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['10.0.0.5', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});
