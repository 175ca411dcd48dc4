import { describe, expect, it } from 'vitest';
import { LAYERS } from '../result/types.js';
import { nextChecks, pathPrefix, requestLabel } from './hints.js';
import { formatDuration, oneLine } from '../util/format.js';
import { displayUrl, hostPortOf, pathOf, stripQueries } from '../util/url.js';

describe('pathOf', () => {
  it.each([
    ['https://shop.example.com/api/refunds?token=s3cret#frag', '/api/refunds'],
    ['https://user:pass@shop.example.com/x', '/x'],
    ['https://shop.example.com', '/'],
    ['/api/refunds?token=s3cret', '/api/refunds'],
    ['/a#access_token=s3cret', '/a'],
    ['user:pass@host/x?y=1', 'host/x'],
    ['', '/'],
  ])('%s → %s', (url, path) => {
    expect(pathOf(url)).toBe(path);
  });
});

describe('hostPortOf', () => {
  it.each([
    ['http://127.0.0.1/x', '127.0.0.1:80'],
    ['https://shop.example.com/x', 'shop.example.com:443'],
    ['http://localhost:8080/x?y=1', 'localhost:8080'],
    ['https://u:p@h.example:8443/', 'h.example:8443'],
    ['/relative', undefined],
  ])('%s → %s', (url, hostPort) => {
    expect(hostPortOf(url)).toBe(hostPort);
  });
});

describe('displayUrl', () => {
  it.each([
    ['/login?next=/x', 'https://shop.example.com/account', '/login'],
    ['https://shop.example.com/login?x=1', 'https://shop.example.com/account', '/login'],
    ['https://login.example.com/authorize?state=s3cret', 'https://shop.example.com/account', 'login.example.com/authorize'],
    ['https://login.example.com/authorize?state=s3cret', undefined, 'login.example.com/authorize'],
  ] as const)('%s from %s → %s', (url, base, shown) => {
    expect(displayUrl(url, base)).toBe(shown);
  });
});

describe('pathPrefix and requestLabel', () => {
  it.each([
    ['https://h/api/refunds/1?x=1', '/api/'],
    ['https://h/health', '/health'],
    ['https://h/', '/'],
  ])('%s → %s', (url, prefix) => {
    expect(pathPrefix(url)).toBe(prefix);
  });

  it('labels a request with its method and path only', () => {
    expect(requestLabel('post', 'https://h/api/refunds?token=s3cret')).toBe('POST /api/refunds');
  });
});

describe('stripQueries', () => {
  it.each([
    ['goto /search?q=shoes&token=s3cret', 'goto /search'],
    ['at https://h/app.js?sig=s3cret:1:2', 'at https://h/app.js'],
    ['redirect to /cb#access_token=s3cret', 'redirect to /cb'],
    ['goto https://admin:hunter2@h/x', 'goto https://h/x'],
    ['see "Are you sure?"', 'see "Are you sure?"'],
  ])('%s → %s', (text, stripped) => {
    expect(stripQueries(text)).toBe(stripped);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [850.4, '850ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [10_000, '10s'],
    [59_990, '1m'],
    [120_000, '2m'],
    [125_000, '2m5s'],
    [3_600_000, '1h'],
    [3_720_000, '1h2m'],
  ])('%d → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('oneLine', () => {
  it('collapses whitespace and caps the length', () => {
    expect(oneLine('a\n  b\tc')).toBe('a b c');
    expect(oneLine('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('nextChecks', () => {
  it.each(LAYERS.map((layer) => [layer]))('%s has an ordered list of checks', (layer) => {
    const checks = nextChecks(layer);
    expect(checks.length).toBeGreaterThanOrEqual(3);
    for (const check of checks) expect(check).not.toContain('\n');
  });

  it('starts the endpoint checks with DNS and the proxy checks with the proxy log', () => {
    expect(nextChecks('endpoint')[0]).toContain('resolve the host name');
    expect(nextChecks('proxy')[0]).toContain('proxy or load balancer log');
  });
});
