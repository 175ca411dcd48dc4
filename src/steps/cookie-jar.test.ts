import { describe, expect, it } from 'vitest';
import { createCookieJar, parseSetCookie, splitSetCookie } from './cookie-jar.js';

const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);

describe('splitSetCookie', () => {
  it.each([
    ['a=1', ['a=1']],
    ['a=1, b=2; Path=/', ['a=1', 'b=2; Path=/']],
    ['sid=x; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/, t=2', ['sid=x; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/', 't=2']],
  ])('%s', (joined, parts) => {
    expect(splitSetCookie(joined)).toEqual(parts);
  });
});

describe('parseSetCookie', () => {
  const url = new URL('https://shop.example.com/api/login');
  it('defaults to a host-only cookie on the directory of the request path', () => {
    expect(parseSetCookie('sid=abc; HttpOnly', url, NOW / 1000)).toMatchObject({ name: 'sid', value: 'abc', domain: 'shop.example.com', hostOnly: true, path: '/api', httpOnly: true });
  });
  it('refuses a Domain the server does not belong to', () => {
    expect(parseSetCookie('sid=abc; Domain=evil.example', url, NOW / 1000)).toBeUndefined();
  });
  it('accepts a parent Domain and marks a past expiry as a deletion', () => {
    expect(parseSetCookie('sid=abc; Domain=.example.com; Path=/', url, NOW / 1000)).toMatchObject({ domain: 'example.com', hostOnly: false, path: '/' });
    expect(parseSetCookie('sid=; Max-Age=0', url, NOW / 1000)).toHaveProperty('delete');
  });
});

describe('createCookieJar', () => {
  it.each([
    ['https://shop.example.com/', 'sid=abc; all=1'],
    ['https://shop.example.com/orders/1', 'sid=abc; all=1'],
    ['http://shop.example.com/', 'all=1'], // Secure cookies only over https
    ['https://api.example.com/', 'all=1'], // host-only sid stays on shop.example.com
    ['https://other.test/', undefined],
  ])('sends the right cookies to %s', (url, expected) => {
    const jar = createCookieJar(() => NOW);
    jar.store('https://shop.example.com/login', ['sid=abc; Path=/; Secure; HttpOnly', 'all=1; Domain=example.com; Path=/']);
    expect(jar.header(url)).toBe(expected);
  });

  it('forgets a cookie the server deletes and tracks changes by version', () => {
    const jar = createCookieJar(() => NOW);
    jar.store('https://shop.example.com/login', ['sid=abc; Path=/']);
    const version = jar.version;
    jar.store('https://shop.example.com/logout', ['sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    expect(jar.header('https://shop.example.com/')).toBeUndefined();
    expect(jar.version).toBeGreaterThan(version);
  });

  it('round-trips through the browser shape', () => {
    const jar = createCookieJar(() => NOW);
    jar.store('http://127.0.0.1:8080/api/login', ['sid=abc; Path=/; HttpOnly']);
    const again = createCookieJar(() => NOW);
    again.fromBrowser(jar.toBrowser());
    expect(again.header('http://127.0.0.1:8080/orders')).toBe('sid=abc');
  });
});

describe('public suffixes and other refused cookies (tough-cookie, public suffix list)', () => {
  it.each([
    ['https://shop.example.com/', 'sid=abc; Domain=com'],
    ['https://shop.example.com/', 'sid=abc; Domain=.com'],
    ['https://shop.example.co.uk/', 'sid=abc; Domain=co.uk'],
    ['https://shop.example.co.uk/', 'sid=abc; Domain=.co.uk'],
    // Private suffixes of the list count too: one github.io site must not set cookies for all.
    ['https://someone.github.io/', 'sid=abc; Domain=github.io'],
    ['https://shop.example.com/', 'sid=abc; Domain=other.example'],
    ['http://shop.example.com/', 'sid=abc; Secure'],
    ['https://shop.example.com/', '__Host-sid=abc; Secure; Path=/; Domain=example.com'],
    ['https://shop.example.com/', 'no-equals-sign'],
  ])('refuses %s Set-Cookie: %s', (url, header) => {
    expect(parseSetCookie(header, new URL(url), NOW / 1000)).toBeUndefined();
    const jar = createCookieJar(() => NOW);
    jar.store(url, [header]);
    expect(jar.version).toBe(0);
    expect(jar.header(url)).toBeUndefined();
    expect(jar.header('https://another.example.com/')).toBeUndefined();
    expect(jar.toBrowser()).toEqual([]);
  });

  it.each([
    ['https://shop.example.co.uk/', 'sid=abc; Domain=example.co.uk', 'https://www.example.co.uk/'],
    ['https://shop.example.com/', 'sid=abc; Domain=example.com', 'https://api.example.com/'],
    ['https://someone.github.io/', 'sid=abc; Domain=someone.github.io', 'https://someone.github.io/x'],
  ])('accepts a registrable parent domain: %s %s', (url, header, other) => {
    const jar = createCookieJar(() => NOW);
    jar.store(url, [header]);
    expect(jar.header(other)).toBe('sid=abc');
  });

  it('sends a Secure cookie over http only to loopback, as Chromium does', () => {
    const jar = createCookieJar(() => NOW);
    jar.store('http://127.0.0.1:8080/login', ['sid=abc; Secure; Path=/']);
    expect(jar.header('http://127.0.0.1:8080/')).toBe('sid=abc');
    jar.store('http://localhost:8080/login', ['lid=1; Secure; Path=/']);
    expect(jar.header('http://localhost:8080/')).toBe('lid=1');
  });

  it('expires cookies by the injected clock, not the wall clock', () => {
    let now = NOW;
    const jar = createCookieJar(() => now);
    jar.store('https://shop.example.com/', ['sid=abc; Max-Age=60; Path=/']);
    expect(jar.header('https://shop.example.com/')).toBe('sid=abc');
    expect(jar.toBrowser()[0]).toMatchObject({ name: 'sid', expires: NOW / 1000 + 60 });
    now += 61_000;
    expect(jar.header('https://shop.example.com/')).toBeUndefined();
    expect(jar.toBrowser()).toEqual([]);
  });

  it('keeps host-only and domain cookies apart through the browser shape', () => {
    const jar = createCookieJar(() => NOW);
    jar.store('https://shop.example.com/', ['host=1; Path=/', 'wide=2; Domain=example.com; Path=/; SameSite=Strict']);
    const again = createCookieJar(() => NOW);
    again.fromBrowser(jar.toBrowser());
    expect(again.toBrowser()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'host', domain: 'shop.example.com' }),
        expect.objectContaining({ name: 'wide', domain: '.example.com', sameSite: 'Strict' }),
      ]),
    );
    expect(again.header('https://api.example.com/')).toBe('wide=2');
    expect(again.header('https://shop.example.com/')).toBe('host=1; wide=2');
  });
});

describe('a jar behind the browser', () => {
  it('reads back once, when next synced, and not before', async () => {
    const jar = createCookieJar();
    let reads = 0;
    jar.behindBrowser(async () => {
      reads += 1;
      jar.fromBrowser([{ name: 'sid', value: 'from-page', domain: 'shop.example', path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }]);
    });
    expect(reads).toBe(0);
    expect(jar.header('http://shop.example/')).toBeUndefined();
    await jar.sync();
    expect(reads).toBe(1);
    expect(jar.header('http://shop.example/')).toBe('sid=from-page');
    await jar.sync();
    expect(reads).toBe(1);
  });
});
