import { describe, expect, it } from 'vitest';
import { captureAll, extractRegex } from './capture.js';

describe('extractRegex', () => {
  it.each([
    ['Order #1001 — 120 EUR', '#(\\d+)', undefined, '1001'],
    ['Order #1001 — 120 EUR', '\\d+ EUR', undefined, '120 EUR'],
    ['Order #1001 — 120 EUR', '#(\\d+) — (\\d+)', 2, '120'],
    ['Order #1001 — 120 EUR', 'refund (\\d+)', undefined, undefined],
  ])('%j with /%s/ group %j → %j', (text, pattern, group, expected) => {
    expect(extractRegex(text, pattern, group)).toBe(expected);
  });
});

describe('captureAll', () => {
  const source = {
    text: async () => 'Token abc-SECRET-1 for order 1001',
    value: async () => '42',
    attribute: async (name: string) => (name === 'href' ? '/orders/1001' : null),
    url: () => 'http://shop.test/orders/1001',
  };

  // Raw values: the runner redacts results at its one boundary (runner/journey.test.ts).
  it('stores raw values in vars and the result, and fails a capture that finds nothing', async () => {
    const vars = new Map<string, string>();
    const { captured, assertions } = await captureAll(
      { token: { regex: 'Token (\\S+)' }, qty: 'value', link: { attribute: 'href' }, id: { regex: '(\\d+)$', from: 'url' }, alt: { attribute: 'alt' } },
      source,
      { vars },
    );
    expect(vars.get('token')).toBe('abc-SECRET-1');
    expect(captured).toEqual({ token: 'abc-SECRET-1', qty: '42', link: '/orders/1001', id: '1001' });
    expect(assertions.filter((a) => !a.passed)).toEqual([
      expect.objectContaining({ kind: 'capture', subject: 'alt', expression: 'capture alt: attribute alt found nothing' }),
    ]);
    expect(vars.has('alt')).toBe(false);
  });
});
