import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { computeTimings, ExchangeTrace, peerCertificate } from './timings.js';

function trace(fields: Partial<ExchangeTrace>): ExchangeTrace {
  return Object.assign(new ExchangeTrace(), fields);
}

describe('computeTimings', () => {
  it.each([
    [
      'fresh https with DNS',
      trace({
        connection: { startedAt: 100, lookupAt: 110, connectedAt: 130, secureAt: 160, claimed: true },
        sentAt: 161,
        headersAt: 200,
        lastByteAt: 250,
      }),
      { dnsMs: 10, connectMs: 20, tlsMs: 30, ttfbMs: 39, transferMs: 50, totalMs: 150 },
    ],
    [
      'fresh http to an IP literal',
      trace({ connection: { startedAt: 100, connectedAt: 105, claimed: true }, sentAt: 105, headersAt: 120, lastByteAt: 121 }),
      { connectMs: 5, ttfbMs: 15, transferMs: 1, totalMs: 150 },
    ],
    ['reused socket', trace({ sentAt: 100, headersAt: 130 }), { ttfbMs: 30, transferMs: 20, totalMs: 150 }],
    ['untracked dispatcher', trace({}), { totalMs: 150 }],
    [
      'connect never finished',
      trace({ connection: { startedAt: 100, lookupAt: 104, claimed: true } }),
      { dnsMs: 4, totalMs: 150 },
    ],
  ])('%s', (_name, input, expected) => {
    // startedAt 100, endedAt 150, total 150 (the total may span redirects).
    expect(computeTimings(input, 100, 150, 150)).toEqual(expected);
  });

  it('measures ttfb from the start when the send time is unknown, and never goes negative', () => {
    expect(computeTimings(trace({ headersAt: 140, lastByteAt: 130 }), 100, 150, 50)).toEqual({
      ttfbMs: 40,
      transferMs: 0,
      totalMs: 50,
    });
  });
});

describe('peerCertificate', () => {
  const socket = (value: unknown): Pick<TLSSocket, 'getPeerCertificate'> =>
    ({
      getPeerCertificate: () => {
        if (value instanceof Error) throw value;
        return value;
      },
    }) as unknown as Pick<TLSSocket, 'getPeerCertificate'>;
  it.each<[string, unknown, unknown]>([
    [
      "OpenSSL's date format, names by CN",
      { valid_to: 'Dec  2 00:52:00 2026 GMT', subject: { CN: 'shop.example' }, issuer: { C: 'US', O: "Let's Encrypt", CN: 'R3' } },
      { notAfter: '2026-12-02T00:52:00.000Z', subject: 'shop.example', issuer: 'R3' },
    ],
    ['a repeated field is an array: the first', { valid_to: 'Jan  1 00:00:00 2027 GMT', subject: { CN: ['a.example', 'b.example'] }, issuer: { O: 'Corp CA' } }, { notAfter: '2027-01-01T00:00:00.000Z', subject: 'a.example', issuer: 'Corp CA' }],
    ['no certificate (an empty object)', {}, undefined],
    ['an unreadable date', { valid_to: 'sometime', subject: { CN: 'x' } }, undefined],
    ['a socket torn down mid-handshake throws', new Error('socket destroyed'), undefined],
  ])('%s', (_name, raw, expected) => {
    expect(peerCertificate(socket(raw))).toEqual(expected);
  });
});
