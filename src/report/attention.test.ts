import { describe, expect, it } from 'vitest';
import { brokenByProtects, endpointText, groupByProtects } from './attention.js';
import type { Protects } from './attention.js';
import { MIXED_RUN, PROTECTS_RUN } from './run.fixtures.js';

describe('groupByProtects', () => {
  const j = (name: string, protects?: Protects) => ({ name, ...(protects ? { protects } : {}) });

  it.each<[string, ReturnType<typeof j>[], [Protects | undefined, string[]][]]>([
    ['identity, data, code, then the rest; the order within a group kept', [j('a'), j('b', 'code'), j('c', 'data'), j('d', 'identity'), j('e', 'data')], [
      ['identity', ['d']],
      ['data', ['c', 'e']],
      ['code', ['b']],
      [undefined, ['a']],
    ]],
    ['empty groups left out', [j('a', 'data')], [['data', ['a']]]],
    ['none says: one group', [j('a'), j('b')], [[undefined, ['a', 'b']]]],
    ['nothing', [], []],
  ])('%s', (_name, journeys, expected) => {
    expect(groupByProtects(journeys).map((g) => [g.protects, g.journeys.map((x) => x.name)])).toEqual(expected);
  });
});

describe('brokenByProtects', () => {
  it('names the failed and unverified journeys by what they protect, identity first', () => {
    expect(brokenByProtects(PROTECTS_RUN.journeys)).toBe('identity: login · data: refunds, export · without protects: home');
  });

  it('says nothing when no broken journey says what it protects', () => {
    expect(brokenByProtects(MIXED_RUN.journeys)).toBeUndefined();
  });
});

describe('endpointText', () => {
  it.each<[Parameters<typeof endpointText>[0], string]>([
    [
      { kind: 'mapped', target: '127.0.0.1:8080', container: { id: 'a', name: 'shop-web-1', port: '80/tcp', compose: { project: 'shop', service: 'web' } }, selected: true },
      '127.0.0.1:8080 → container shop-web-1 (service web, 80/tcp, the one checked)',
    ],
    [{ kind: 'mapped', target: 'api:3000', container: { id: 'a', name: 'api', port: '3000/tcp' }, selected: false }, 'api:3000 → container api (3000/tcp)'],
    [{ kind: 'unmapped', target: '127.0.0.1:8080', why: 'no container publishes port 8080' }, '127.0.0.1:8080 → not determined: no container publishes port 8080'],
  ])('%j', (mapping, text) => {
    expect(endpointText(mapping)).toBe(text);
  });
});
