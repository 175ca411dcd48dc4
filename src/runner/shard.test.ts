import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectShard } from './shard.js';

const id = (name: string): string => name;

describe('selectShard', () => {
  it.each([
    [['a', 'b', 'c', 'd', 'e'], 1, 2, ['a', 'c', 'e']],
    [['a', 'b', 'c', 'd', 'e'], 2, 2, ['b', 'd']],
    [['e', 'd', 'c', 'b', 'a'], 1, 2, ['e', 'c', 'a']],
    [['x'], 1, 1, ['x']],
    [['x'], 2, 3, []],
    [['B', 'a', 'Z'], 1, 3, ['B']],
  ])('%j shard %d/%d → %j', (items, index, total, expected) => {
    expect(selectShard(items, { index, total }, id)).toEqual(expected);
  });

  it('partitions any set of names: every journey in exactly one shard, sizes within one', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 40 }), fc.integer({ min: 1, max: 9 }), (names, total) => {
        const shards = Array.from({ length: total }, (_, k) => selectShard(names, { index: k + 1, total }, id));
        expect(shards.flat().sort()).toEqual([...names].sort());
        const sizes = shards.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('does not depend on the order the journeys were found in', () => {
    const names = ['refund-api', 'api-health', 'order-api', 'home-page', 'refund-request'];
    const reversed = [...names].reverse();
    for (let index = 1; index <= 3; index++) {
      expect(selectShard(names, { index, total: 3 }, id).sort()).toEqual(selectShard(reversed, { index, total: 3 }, id).sort());
    }
  });

  it.each([
    [0, 3],
    [4, 3],
    [1, 0],
  ])('rejects %d/%d', (index, total) => {
    expect(() => selectShard(['a'], { index, total }, id)).toThrow(RangeError);
  });
});
