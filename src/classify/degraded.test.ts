import { describe, expect, it } from 'vitest';
import type { HttpObservation, HttpTimings } from '../result/types.js';
import { certificateExpiry, expiryText, slowJourney, slowStep } from './degraded.js';

function http(timings: HttpTimings): HttpObservation {
  return { kind: 'http', method: 'GET', url: 'https://shop.test/api/orders', status: 200, headers: {}, body: '', bodyBytes: 0, bodyTruncated: false, timings, redirects: [] };
}

const step = { phase: 'action' as const, index: 2, label: 'GET /api/orders' };

describe('slowStep', () => {
  it.each<[string, number, HttpTimings | undefined, number, string | undefined]>([
    ['an HTTP step is measured like maxMs: the whole exchange', 10, { totalMs: 812, ttfbMs: 790 }, 500, 'GET /api/orders took 812ms (expect.warnMs 500ms)'],
    ['equal to the budget is not slower than it', 10, { totalMs: 500 }, 500, undefined],
    ['the step duration does not count for an HTTP step', 5_000, { totalMs: 120 }, 500, undefined],
    ['a browser step is measured by its duration', 2_400, undefined, 2_000, 'GET /api/orders took 2.4s (warnAfter 2s)'],
  ])('%s', (_name, durationMs, timings, budgetMs, message) => {
    const observation = timings === undefined ? undefined : http(timings);
    const slow = slowStep({ ...step, durationMs, ...(observation ? { observation } : {}), budget: timings ? 'warnMs' : 'warnAfter', budgetMs });
    expect(slow?.message).toBe(message);
  });

  it.each<[string, HttpTimings, string]>([
    ['the server', { totalMs: 900, connectMs: 2, ttfbMs: 850, transferMs: 1 }, 'most of it waiting for the server to answer (ttfb 850ms)'],
    ['the network', { totalMs: 900, dnsMs: 700, connectMs: 2, ttfbMs: 100 }, 'most of it resolving the host name (dns 700ms)'],
    ['the handshake', { totalMs: 900, connectMs: 2, tlsMs: 600, ttfbMs: 100 }, 'most of it in the TLS handshake (tls 600ms)'],
  ])('the hint names where the time went: %s', (_name, timings, phrase) => {
    const slow = slowStep({ ...step, durationMs: 900, observation: http(timings), budget: 'warnMs', budgetMs: 500 });
    expect(slow?.hint).toContain(phrase);
    expect(slow).toMatchObject({ kind: 'slow-step', phase: 'action', index: 2, step: 'GET /api/orders', tookMs: 900, budget: 'warnMs', budgetMs: 500 });
  });

  it('names no phase when none took most of the time (queueing, redirects)', () => {
    const slow = slowStep({ ...step, durationMs: 900, observation: http({ totalMs: 900, ttfbMs: 300, transferMs: 200 }), budget: 'warnMs', budgetMs: 500 });
    expect(slow?.hint).not.toContain('most of it');
  });
});

describe('slowJourney', () => {
  const steps = [
    { phase: 'runtime' as const, name: 'runtime.version', durationMs: 5_000 },
    { phase: 'entry' as const, name: 'goto /', durationMs: 1_200 },
    { phase: 'action' as const, name: 'click Pay', durationMs: 2_100 },
  ];

  it('counts stage steps only, and names the slowest', () => {
    const slow = slowJourney({ steps, budgetMs: 3_000 });
    expect(slow).toMatchObject({ kind: 'slow-journey', tookMs: 3_300, budgetMs: 3_000, message: "the journey's steps took 3.3s (warnAfter 3s)" });
    expect(slow?.hint).toContain('the slowest step was action "click Pay" (2.1s)');
  });

  it('runtime checks never make a journey slow', () => {
    expect(slowJourney({ steps, budgetMs: 3_300 })).toBeUndefined();
  });
});

describe('certificateExpiry', () => {
  const now = Date.parse('2026-12-01T00:00:00.000Z');
  const certificate = (notAfter: string) => ({ origin: 'https://shop.test', notAfter, subject: 'shop.test', issuer: "Let's Encrypt R3" });
  const DAY = 86_400_000;

  it.each<[string, string, number, string | undefined]>([
    ['plenty of time left', '2027-03-01T00:00:00.000Z', 14 * DAY, undefined],
    ['within the window', '2026-12-10T00:00:00.000Z', 14 * DAY, 'the TLS certificate of https://shop.test expires in 9 days (2026-12-10T00:00:00Z, tlsWarnWithin 14d)'],
    ['hours left', '2026-12-01T20:00:00.000Z', 14 * DAY, 'the TLS certificate of https://shop.test expires in 20 hours (2026-12-01T20:00:00Z, tlsWarnWithin 14d)'],
    ['already expired (insecure: true only gets here)', '2026-11-28T00:00:00.000Z', 14 * DAY, 'the TLS certificate of https://shop.test expired 3 days ago (2026-11-28T00:00:00Z)'],
    ['an unreadable date says nothing', 'garbage', 14 * DAY, undefined],
  ])('%s', (_name, notAfter, within, message) => {
    expect(certificateExpiry(certificate(notAfter), now, within)?.message).toBe(message);
  });

  it('the hint says what to renew, whose certificate it is and by when', () => {
    const expiring = certificateExpiry(certificate('2026-12-10T00:00:00.000Z'), now, 14 * DAY);
    expect(expiring).toMatchObject({ kind: 'tls-expiry', origin: 'https://shop.test', expiresInMs: 9 * DAY, warnWithinMs: 14 * DAY });
    expect(expiring?.hint).toBe(
      "renew the certificate of https://shop.test (CN shop.test, issued by Let's Encrypt R3) before 2026-12-10T00:00:00Z: after that users get a certificate error (check the renewal job: certbot, cert-manager, the load balancer's)",
    );
  });

  it.each([
    [3 * 86_400_000, '3 days'],
    [47 * 3_600_000, '47 hours'],
    [90_000, '1 minute'],
    [30 * 60_000, '30 minutes'],
    [-3 * 86_400_000, '3 days'],
  ])('expiryText(%i) → %s', (ms, text) => {
    expect(expiryText(ms)).toBe(text);
  });
});
