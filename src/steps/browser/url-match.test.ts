import { describe, expect, it } from 'vitest';
import { checkUrl, displayUrl, resolveUrl, urlExpectation } from './url-match.js';

const target = 'http://shop.test:8080';

describe('checkUrl', () => {
  it.each([
    [{ contains: '/orders/1001' }, 'http://shop.test:8080/orders/1001', true, 'url ("/orders/1001") contains "/orders/1001"'],
    [{ contains: '/orders/1001' }, 'http://shop.test:8080/orders', false, 'url ("/orders") contains "/orders/1001"'],
    [{ equals: '/orders?page=2' }, 'http://shop.test:8080/orders?page=2', true, 'url ("/orders?page=2") equals "/orders?page=2"'],
    [{ equals: 'http://shop.test:8080/orders' }, 'http://shop.test:8080/orders', true, 'url ("/orders") equals "http://shop.test:8080/orders"'],
    [{ equals: '/orders' }, 'http://shop.test:8080/orders/1', false, 'url ("/orders/1") equals "/orders"'],
    [{ regex: '/orders/\\d+$' }, 'http://shop.test:8080/orders/7', true, 'url ("/orders/7") matches //orders/\\d+$/'],
    [{ contains: '/x' }, 'http://other.test/x', true, 'url ("http://other.test/x") contains "/x"'],
  ])('%j on %s → %s', (expectation, href, passed, expression) => {
    const [result] = checkUrl(href, expectation, target);
    expect(result).toMatchObject({ kind: 'url', passed, expression, actual: href });
  });

  it('checks every condition given', () => {
    expect(checkUrl(`${target}/a/b`, { contains: '/a', regex: 'c$' }, target).map((r) => r.passed)).toEqual([true, false]);
  });

  it('reads a string as "contains"', () => {
    expect(urlExpectation('/orders')).toEqual({ contains: '/orders' });
  });
});

describe('resolveUrl / displayUrl', () => {
  it.each([
    ['/login', target, 'http://shop.test:8080/login'],
    ['https://elsewhere.test/a', target, 'https://elsewhere.test/a'],
    ['/login', undefined, undefined],
  ])('resolveUrl(%j, %j) = %j', (url, base, expected) => {
    expect(resolveUrl(url, base)).toBe(expected);
  });

  it('shows same-origin URLs as paths and others in full', () => {
    expect(displayUrl(`${target}/a?b=1#c`, target)).toBe('/a?b=1#c');
    expect(displayUrl('http://other.test/a', target)).toBe('http://other.test/a');
  });
});
