import { describe, expect, it } from 'vitest';
import { bearerToken, tokenMatches } from './auth.js';

describe('bearer token', () => {
  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each<[string | undefined, boolean]>([
    ['s3cret', true],
    ['s3cre', false],
    ['s3cret2', false],
    [undefined, false],
  ])('matches %j: %s', (presented, expected) => {
    expect(tokenMatches('s3cret', presented)).toBe(expected);
  });
});
