import { describe, expect, it } from 'vitest';
import type { HttpObservation } from '../../result/types.js';
import { captureValues } from './capture.js';
import type { HttpCapture } from './capture.js';

function observation(body: string, headers: Record<string, string> = {}): HttpObservation {
  return {
    kind: 'http',
    method: 'POST',
    url: 'http://app.test/api/refunds',
    status: 201,
    headers: { 'content-type': 'application/json', location: '/api/refunds/42', ...headers },
    body,
    bodyBytes: body.length,
    bodyTruncated: false,
    timings: { totalMs: 10 },
    redirects: [],
  };
}

const json = observation(
  JSON.stringify({ id: 42, token: 'abc', ok: true, items: [{ sku: 'A1' }, { sku: 'B2' }], meta: { n: 1 }, nothing: null }),
);

describe('captureValues', () => {
  it.each<[HttpCapture, string]>([
    ['$.token', 'abc'],
    ['$.id', '42'],
    ['$.ok', 'true'],
    ['$.nothing', 'null'],
    ['$.meta', '{"n":1}'],
    // First value of a multi-valued path.
    ['$.items[*].sku', 'A1'],
    [{ json: '$.items[-1].sku' }, 'B2'],
    [{ header: 'Location' }, '/api/refunds/42'],
    [{ regex: '"token":"(\\w+)"' }, 'abc'],
    [{ regex: '"id":\\d+' }, '"id":42'],
    [{ regex: '"(token)":"(\\w+)"', group: 2 }, 'abc'],
    [{ regex: '"token":"(\\w+)"', group: 0 }, '"token":"abc"'],
  ])('%j → %s', (capture, value) => {
    expect(captureValues({ v: capture }, json)).toEqual({ values: { v: value }, errors: [] });
  });

  it('captures several values at once and reports only the failures', () => {
    const result = captureValues({ id: '$.id', missing: '$.nope', loc: { header: 'location' } }, json);
    expect(result.values).toEqual({ id: '42', loc: '/api/refunds/42' });
    expect(result.errors).toEqual([
      'capture missing: $.nope matched nothing in the JSON body (top-level keys: id, token, ok, items, meta, nothing)',
    ]);
  });

  it.each<[HttpCapture, HttpObservation, string]>([
    [
      '$.token',
      observation('<html>Bad Gateway</html>'),
      'capture v: $.token needs a JSON body, but the body is not JSON (',
    ],
    ['$.token', observation('[1,2,3]'), 'capture v: $.token matched nothing in the JSON body (an array of 3)'],
    ['$[?(@.a)]', json, 'capture v: invalid JSON path "$[?(@.a)]"'],
    [{ header: 'x-request-id' }, json, 'capture v: no header "x-request-id" in the response (headers: content-type, location)'],
    [{ regex: 'order=(\\d+)' }, observation('no order here'), 'capture v: /order=(\\d+)/ matched nothing in the body; body starts "no order here"'],
    [{ regex: '(' }, json, 'capture v: invalid regex /(/: '],
    [{ regex: '"id":(\\d+)', group: 3 }, json, 'capture v: /"id":(\\d+)/ matched, but group 3 does not exist (the pattern has 1)'],
    [{ regex: '"id":(x)?\\d+', group: 1 }, json, 'capture v: /"id":(x)?\\d+/ matched, but group 1 did not participate in the match'],
  ])('%j fails with a message naming the capture and what was looked at', (capture, seen, message) => {
    const result = captureValues({ v: capture }, seen);
    expect(result.values).toEqual({});
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.startsWith(message)).toBe(true);
  });
});
