import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, SESSION_MAX_AGE_S, bearerToken, cookieValue, issueSession, sessionCookie, sessionValid, tokenMatches } from './auth.js';

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

describe('browser sessions', () => {
  const now = Date.parse('2026-11-22T09:00:00Z');

  it('a session proves the token without being it, and expires', () => {
    const value = issueSession('s3cret', now);
    expect(value).toMatch(/^v1\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(value).not.toContain('s3cret');
    expect(sessionValid('s3cret', value, now)).toBe(true);
    expect(sessionValid('s3cret', value, now + (SESSION_MAX_AGE_S - 1) * 1000)).toBe(true);
    expect(sessionValid('s3cret', value, now + SESSION_MAX_AGE_S * 1000)).toBe(false);
  });

  it.each<[string, string | undefined]>([
    ['another token', issueSession('other', Date.parse('2026-11-22T09:00:00Z'))],
    ['a tampered expiry', issueSession('s3cret', Date.parse('2026-11-22T09:00:00Z')).replace(/^v1\.(\d+)/, (_m, e: string) => `v1.${Number(e) + 1000}`)],
    ['the token itself', 's3cret'],
    ['nothing', undefined],
    ['garbage', 'v1.x.y'],
  ])('refuses %s', (_what, value) => {
    expect(sessionValid('s3cret', value, now)).toBe(false);
  });

  it('reads one cookie among many and writes HttpOnly, SameSite=Strict cookies', () => {
    expect(cookieValue('a=1; pathproof_session=v1.2.x; b=3', SESSION_COOKIE)).toBe('v1.2.x');
    expect(cookieValue('pathproof_sessionx=1', SESSION_COOKIE)).toBeUndefined();
    expect(sessionCookie('v', { secure: false })).toBe(`pathproof_session=v; Max-Age=${SESSION_MAX_AGE_S}; Path=/; HttpOnly; SameSite=Strict`);
    expect(sessionCookie(undefined, { secure: true })).toBe('pathproof_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict; Secure');
  });
});
