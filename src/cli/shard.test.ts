import { describe, expect, it } from 'vitest';
import { parseCli } from './args.js';
import { resolveShard } from './shard.js';

describe('resolveShard', () => {
  it.each([
    [{ index: 2, total: 3 }, {}, 'anything', { index: 2, total: 3 }],
    [{ auto: true, total: 3 } as const, {}, 'pathproof-0', { index: 1, total: 3 }],
    [{ auto: true, total: 3 } as const, {}, 'pathproof-canary-2', { index: 3, total: 3 }],
    [{ auto: true, total: 3 } as const, { PATHPROOF_SHARD: '2' }, 'pathproof-0', { index: 2, total: 3 }],
    [{ auto: true, total: 3 } as const, { PATHPROOF_SHARD: '3/3' }, 'host', { index: 3, total: 3 }],
  ])('%j with %j on %s → %j', (arg, env, hostname, expected) => {
    expect(resolveShard(arg, env, hostname)).toMatchObject({ ok: true, shard: expected });
  });

  it.each([
    [{}, 'pathproof-3', /ordinal 3.*only 3 shards/],
    [{}, 'workstation', /does not end in a StatefulSet ordinal/],
    [{ PATHPROOF_SHARD: '0' }, 'pathproof-0', /not a shard of --shard auto\/3/],
    [{ PATHPROOF_SHARD: '2/4' }, 'pathproof-0', /says 4 shards, but --shard auto\/3 says 3/],
    [{ PATHPROOF_SHARD: 'two' }, 'pathproof-0', /not a shard/],
  ])('auto/3 with %j on %s is refused: %s', (env, hostname, message) => {
    const result = resolveShard({ auto: true, total: 3 }, env, hostname);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('parses --shard auto/n and refuses auto/0', () => {
    const ok = parseCli(['serve', '--shard', 'auto/3'], {});
    expect(ok.ok && ok.args.shard).toEqual({ auto: true, total: 3 });
    const bad = parseCli(['serve', '--shard', 'auto/0'], {});
    expect(bad.ok).toBe(false);
  });
});
