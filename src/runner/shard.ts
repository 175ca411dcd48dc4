/**
 * `--shard i/n`: split the selected journeys so n runners (an Indexed Kubernetes Job, a CI
 * matrix) cover each journey exactly once.
 *
 * Decision: round robin over the journey names sorted by code unit (not locale: every
 * runner must sort the same way whatever its LANG). Journey k of the sorted list goes to
 * shard (k mod n) + 1. That balances shard sizes to within one journey, which a hash of
 * the name cannot promise for small sets.
 *
 * Hazard: the split is only a partition when every runner selects the SAME journey set
 * (same files, same --tag, same --rerun-failed run). Adding a journey moves others to
 * other shards; that is fine, since all shards of one rollout read the same set.
 */

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly total: number;
}

/** The items of shard `shard.index` of `shard.total`, in their original order. */
export function selectShard<T>(items: readonly T[], shard: Shard, nameOf: (item: T) => string): T[] {
  if (!Number.isInteger(shard.total) || shard.total < 1 || !Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.total) {
    throw new RangeError(`invalid shard ${shard.index}/${shard.total}`);
  }
  const sorted = items.map(nameOf).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mine = new Set(sorted.filter((_, k) => k % shard.total === shard.index - 1));
  return items.filter((item) => mine.has(nameOf(item)));
}
