import { describe, expect, it } from 'vitest';
import { createTrace, traceIdOf, tracedBy } from './trace.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe('createTrace', () => {
  it('one trace id per trace, a new span id per request, in the W3C format', () => {
    const trace = createTrace(['https://shop.test']);
    const first = trace.next();
    const second = trace.next();
    expect(first).toMatch(TRACEPARENT);
    expect(second).toMatch(TRACEPARENT);
    expect(traceIdOf(first)).toBe(trace.traceId);
    expect(traceIdOf(second)).toBe(trace.traceId);
    expect(first.split('-')[2]).not.toBe(second.split('-')[2]);
    expect(createTrace(['https://shop.test']).traceId).not.toBe(trace.traceId);
  });

  it('draws again when the randomness gives an all-zero id (invalid in the spec)', () => {
    const draws = [new Uint8Array(16), new Uint8Array(16).fill(0xab), new Uint8Array(8), new Uint8Array(8).fill(1)];
    const trace = createTrace([], (size) => draws.shift() ?? new Uint8Array(size).fill(2));
    expect(trace.traceId).toBe('ab'.repeat(16));
    expect(trace.next()).toBe(`00-${'ab'.repeat(16)}-${'01'.repeat(8)}-01`);
  });

  it.each([
    ['https://shop.test/api/orders', true],
    ['https://api.shop.test/v1', true],
    ['https://shop.test:8443/', false],
    ['https://fonts.example.net/x.woff2', false],
    ['data:text/plain,hi', false],
  ])('sends to first-party origins only: %s → %s', (url, sends) => {
    expect(createTrace(['https://shop.test', 'https://api.shop.test']).sendsTo(url)).toBe(sends);
  });
});

describe('traceIdOf / tracedBy', () => {
  it.each([
    [`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, 'a'.repeat(32)],
    ['garbage', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, id) => {
    expect(traceIdOf(header)).toBe(id);
    expect(tracedBy(header)).toEqual(id === undefined ? {} : { traceId: id });
  });
});
