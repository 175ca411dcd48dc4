import { describe, expect, it } from 'vitest';
import { brokenByProtects, groupByProtects } from './attention.js';
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
