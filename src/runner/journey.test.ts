import { describe, expect, it } from 'vitest';
import { maskCookieValues } from './journey.js';

describe('maskCookieValues', () => {
  it.each([
    ['sid=abc123; Path=/; HttpOnly', 'sid=***; Path=/; HttpOnly'],
    ['a=1, b=2; Secure', 'a=***, b=***; Secure'],
    ['sid=x; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/', 'sid=***; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/'],
  ])('%s', (input, expected) => {
    expect(maskCookieValues(input)).toBe(expected);
  });
});
