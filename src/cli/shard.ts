/**
 * `--shard i/n` and `--shard auto/n`: which slice of the journeys this process runs.
 *
 * `auto/n` is for replicas that cannot be given different arguments, a Kubernetes
 * StatefulSet above all: the slice comes from PATHPROOF_SHARD when it is set (`i` or `i/n`,
 * e.g. from the `apps.kubernetes.io/pod-index` label through the downward API), else from
 * the ordinal at the end of the hostname (`pathproof-2` → ordinal 2 → shard 3/n).
 * Ordinals count from 0, shards from 1.
 */
import type { ShardArg } from './args.js';
import type { Shard } from '../runner/shard.js';

export type ShardResult = { ok: true; shard: Shard; from: string } | { ok: false; message: string };

export function resolveShard(arg: ShardArg, env: Readonly<Record<string, string | undefined>>, hostname: string): ShardResult {
  if (!('auto' in arg)) return { ok: true, shard: arg, from: '--shard' };
  const { total } = arg;
  const fromEnv = env.PATHPROOF_SHARD?.trim();
  if (fromEnv) {
    const match = /^(\d+)(?:\/(\d+))?$/.exec(fromEnv);
    const index = Number(match?.[1]);
    if (!match || index < 1 || index > total) {
      return { ok: false, message: `PATHPROOF_SHARD="${fromEnv}" is not a shard of --shard auto/${total}: expected i or i/${total} with 1 <= i <= ${total}` };
    }
    if (match[2] !== undefined && Number(match[2]) !== total) {
      return { ok: false, message: `PATHPROOF_SHARD="${fromEnv}" says ${match[2]} shards, but --shard auto/${total} says ${total}` };
    }
    return { ok: true, shard: { index, total }, from: 'PATHPROOF_SHARD' };
  }
  const ordinal = /-(\d+)$/.exec(hostname)?.[1];
  if (ordinal === undefined) {
    return {
      ok: false,
      message:
        `--shard auto/${total}: the hostname "${hostname}" does not end in a StatefulSet ordinal (name-0, name-1, …) ` +
        'and PATHPROOF_SHARD is not set; set PATHPROOF_SHARD=i or use --shard i/n',
    };
  }
  const index = Number(ordinal) + 1;
  if (index > total) {
    return {
      ok: false,
      message: `--shard auto/${total}: this is replica ordinal ${ordinal} (hostname "${hostname}"), but there are only ${total} shards: make --shard auto/n match the StatefulSet's replicas`,
    };
  }
  return { ok: true, shard: { index, total }, from: `hostname ${hostname}` };
}
