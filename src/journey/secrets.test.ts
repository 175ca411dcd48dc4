import { describe, expect, it } from 'vitest';
import { createRedactor } from './secrets.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

describe('createRedactor', () => {
  const secret = 'p@ss w/rd+é!';
  const redactor = createRedactor([secret, 'tok3n-abc']);

  it.each([
    ['as written', `password=${secret}`, 'password=***'],
    ['inside a longer string', `xx${'tok3n-abc'}yy`, 'xx***yy'],
    ['twice', 'tok3n-abc tok3n-abc', '*** ***'],
    ['URL-encoded', `https://h/x?p=${encodeURIComponent(secret)}&q=1`, 'https://h/x?p=***&q=1'],
    ['form-urlencoded (URLSearchParams)', new URLSearchParams({ p: secret, q: '1' }).toString(), 'p=***&q=1'],
    ['form-urlencoded (+ for spaces)', `p=${encodeURIComponent(secret).replace(/%20/g, '+')}`, 'p=***'],
    ['JSON-escaped', JSON.stringify({ p: 'a"b\\c' }), '{"p":"***"}'],
    ['base64', `token ${b64(secret)}`, 'token ***'],
    ['base64url', `token ${b64url(secret)}`, 'token ***'],
    ['no secret', 'nothing to hide', 'nothing to hide'],
  ])('%s', (_label, text, expected) => {
    const withQuote = createRedactor([secret, 'tok3n-abc', 'a"b\\c']);
    expect(withQuote.redact(text)).toBe(expected);
  });

  it('replaces the longest of overlapping secrets whole', () => {
    const overlapping = createRedactor(['abc', 'abcdef', 'cde']);
    expect(overlapping.redact('xabcdefx')).toBe('x***x');
    expect(overlapping.redact('xabcx cdex')).toBe('x***x ***x');
  });

  it('escapes regular-expression characters in secrets', () => {
    const special = createRedactor(['a.b*c(d)[e]$^|\\/?']);
    expect(special.redact('<a.b*c(d)[e]$^|\\/?>')).toBe('<***>');
    expect(special.redact('aXbbbc')).toBe('aXbbbc');
  });

  it('ignores empty strings (would otherwise match everywhere)', () => {
    const empty = createRedactor(['', '']);
    expect(empty.redact('text')).toBe('text');
    expect(empty.holdsSecret('text')).toBe(false);
  });

  it('tells whether a text holds a secret, every call (no sticky regex state)', () => {
    expect(redactor.holdsSecret('a tok3n-abc b')).toBe(true);
    expect(redactor.holdsSecret('a tok3n-abc b')).toBe(true);
    expect(redactor.holdsSecret(b64(secret))).toBe(true);
    expect(redactor.holdsSecret('tok3n')).toBe(false);
  });

  it('cannot see a secret base64-encoded together with other text (documented limit)', () => {
    const basic = b64(`user:${'tok3n-abc'}`);
    expect(redactor.redact(`Basic ${basic}`)).toBe(`Basic ${basic}`);
  });

  it('redactDeep copies JSON-like values, keys included, without touching the input', () => {
    const input = {
      headers: { authorization: 'Bearer tok3n-abc', 'x-tok3n-abc': '1' },
      list: ['tok3n-abc', 3, true, null, { nested: `q=${encodeURIComponent(secret)}` }],
    };
    const output = redactor.redactDeep(input);
    expect(output).toEqual({
      headers: { authorization: 'Bearer ***', 'x-***': '1' },
      list: ['***', 3, true, null, { nested: 'q=***' }],
    });
    expect(input.headers.authorization).toBe('Bearer tok3n-abc');
  });

  it('is linear-time friendly on large strings', () => {
    // Not a timing assertion: a 5 MB string with many hits is redacted correctly.
    const big = 'lorem ipsum tok3n-abc '.repeat(250_000);
    const redacted = redactor.redact(big);
    expect(redacted.includes('tok3n-abc')).toBe(false);
    expect(redacted.length).toBe(big.length - 250_000 * ('tok3n-abc'.length - 3));
  });

  it('redacts nothing and, with nothing to hide, does not copy', () => {
    const none = createRedactor([]);
    const value = { a: ['x'] };
    expect(none.redact('tok3n-abc')).toBe('tok3n-abc');
    // Identity on purpose: a secret-free run of hundreds of journeys should not deep-copy results.
    expect(none.redactDeep(value)).toBe(value);
  });
});
