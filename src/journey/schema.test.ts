import { describe, expect, it } from 'vitest';
import { Journey, parseDuration, parseRequestLine, stepKind } from './schema.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1h2m3s', 3_723_000],
    ['2h45m', 9_900_000],
    ['1m0.5s', 60_500],
    ['1d', 86_400_000],
    ['1s1m', 61_000], // Go accepts any order
    ['0s', 0],
    ['14d', 1_209_600_000],
    [250, 250],
    ['1m 30s', undefined],
    ['1m30', undefined],
    ['m30s', undefined],
    ['', undefined],
    ['30', undefined],
    ['-1s', undefined],
    ['fast', undefined],
  ])('%j → %j', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });
});

describe('parseRequestLine', () => {
  it.each([
    ['GET /version', { method: 'GET', url: '/version' }],
    ['/version', { method: 'GET', url: '/version' }],
    ['POST https://shop.example/api', { method: 'POST', url: 'https://shop.example/api' }],
    ['FETCH /x', undefined],
    ['GET /a b', undefined],
  ])('%j', (line, expected) => {
    expect(parseRequestLine(line)).toEqual(expected);
  });
});

describe('Journey', () => {
  it('accepts a mixed journey and reports its step kinds', () => {
    const parsed = Journey.parse({
      name: 'refund-request',
      timeout: '30s',
      entry: [{ goto: '/' }, { see: { role: 'link', name: 'Refunds' } }],
      result: [{ request: 'GET /api/refunds/latest', expect: { status: '2xx', json: { '$.amount': 120 } } }],
    });
    expect(parsed.timeout).toBe(30_000);
    expect(parsed.tags).toEqual([]);
    expect(parsed.entry?.map(stepKind)).toEqual(['goto', 'see']);
    expect(parsed.result?.map(stepKind)).toEqual(['request']);
  });

  it('takes alerts.confirm / alerts.recover per journey', () => {
    const parsed = Journey.parse({ name: 'x', alerts: { confirm: 3, recover: 2 }, entry: [{ goto: '/' }] });
    expect(parsed.alerts).toEqual({ confirm: 3, recover: 2 });
  });

  it('rejects an unknown key on a step with its path', () => {
    const parsed = Journey.safeParse({ name: 'x', entry: [{ goto: '/', foo: 1 }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['foo'], path: ['entry', 0] });
  });

  it.each([
    [{ name: 'x' }, 'at least one step'],
    [{ name: 'Bad Name', entry: [{ goto: '/' }] }, 'lower-case'],
    [{ name: 'x', entry: [{ goto: 'not a url' }] }, 'absolute http(s) URL'],
    [{ name: 'x', schedule: 'every minute', entry: [{ goto: '/' }] }, 'cron expression'],
    [{ name: 'x', entry: [{ click: { role: 'button', css: '.b' } }] }, 'exactly one of'],
    [{ name: 'x', alerts: { confirm: 0 }, entry: [{ goto: '/' }] }, 'too_small'],
    [{ name: 'x', alerts: { confirm: 2, resend: true }, entry: [{ goto: '/' }] }, 'unrecognized_keys'],
  ])('rejects %j', (input, message) => {
    const parsed = Journey.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain(message);
  });
});

describe('request lines with captures', () => {
  it('keeps {{ name }} with spaces inside the URL token', () => {
    expect(parseRequestLine('GET /api/items/{{ id }}?x={{ other }}')).toEqual({ method: 'GET', url: '/api/items/{{ id }}?x={{ other }}' });
  });
});
