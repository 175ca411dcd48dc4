import { describe, expect, it } from 'vitest';
import { keepHeader, pickHeaders } from './recorder.js';

describe('response headers kept as evidence', () => {
  it.each([
    ['server', true],
    ['Via', true],
    ['content-type', true],
    ['x-request-id', true],
    ['X-Served-By', true],
    ['set-cookie', false],
    ['authorization', false],
    // A challenge names the scheme and realm (evidence for auth), never a credential.
    ['www-authenticate', true],
    ['cookie', false],
  ])('%s → %s', (name, kept) => {
    expect(keepHeader(name)).toBe(kept);
  });

  it('lower-cases names and drops the rest', () => {
    expect(pickHeaders({ Server: 'nginx', 'set-cookie': 'sid=1', 'X-Cache': 'MISS' })).toEqual({ server: 'nginx', 'x-cache': 'MISS' });
  });
});
