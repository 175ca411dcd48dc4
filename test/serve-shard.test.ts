/**
 * `pathproof serve --shard`: replicas split the journeys instead of each running all of
 * them. Two real serve processes, as two StatefulSet replicas would be (the shard from
 * PATHPROOF_SHARD here; from the hostname ordinal in a StatefulSet, see src/cli/shard.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer } from './helpers.js';
import type { TestServer } from './helpers.js';
import { eventually, sample, startServe } from './fixtures/serve/process.js';
import type { ServeProcess } from './fixtures/serve/process.js';

let target: TestServer;
const started: ServeProcess[] = [];

beforeAll(async () => {
  target = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
});
afterAll(async () => {
  for (const serve of started) serve.kill();
  await target.close();
});

async function journeysOf(url: string): Promise<string[]> {
  const listed = (await (await fetch(`${url}/api/journeys`)).json()) as { journeys: { name: string }[] };
  return listed.journeys.map((j) => j.name).sort();
}

describe('serve --shard', () => {
  it('two replicas with --shard auto/2 serve disjoint halves that cover every journey', { timeout: 90_000 }, async () => {
    const replicas = await Promise.all(
      ['1', '2'].map((index) =>
        startServe(['test/fixtures/serve/basic', '--shard', 'auto/2'], { BASE_URL: target.url, PATHPROOF_SHARD: index }),
      ),
    );
    started.push(...replicas);
    const [first, second] = replicas as [ServeProcess, ServeProcess];
    // Names sorted by code unit and dealt round robin: broken → 1/2, ok → 2/2.
    expect(await journeysOf(first.url)).toEqual(['broken']);
    expect(await journeysOf(second.url)).toEqual(['ok']);
    expect(first.stdout()).toContain('shard 1/2 (from PATHPROOF_SHARD): broken');
    expect(second.stdout()).toContain('shard 2/2 (from PATHPROOF_SHARD): ok');

    // Each replica runs and exports only its own journeys.
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${second.url}/metrics`)).text();
      return sample(text, 'pathproof_journey_up{journey="ok",env=""}') === 1 ? text : undefined;
    }, 'the second replica ran ok');
    expect(metrics).not.toContain('journey="broken"');

    for (const replica of replicas) replica.child.kill('SIGTERM');
    for (const replica of replicas) expect((await replica.exited).code).toBe(0);
  });

  it('refuses a replica beyond the shard count, before listening (exit 2)', async () => {
    const result = await runCli(['serve', 'test/fixtures/serve/basic', '--shard', 'auto/2', '--listen', '127.0.0.1:0'], {
      env: { BASE_URL: target.url, PATHPROOF_SHARD: '3' },
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PATHPROOF_SHARD="3" is not a shard of --shard auto/2');
  });
});
