/**
 * `pathproof run --pushgateway` against a real Pushgateway: shards and re-runs keep each
 * other's results. A PUT replaces its whole group, so the grouping decides what survives:
 * one group per journey (src/metrics/push.ts) means a push replaces exactly the journeys it ran.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';
import { samples, startPushgateway } from './fixtures/pushgateway.js';
import type { Pushgateway } from './fixtures/pushgateway.js';

let target: TestServer;
let gateway: Pushgateway;
let cwd: string;
let bBroken = true;

beforeAll(async () => {
  target = await startServer((req, res) => {
    const ok = req.url !== '/b' || !bBroken;
    res.writeHead(ok ? 200 : 404, { 'content-type': 'text/plain' });
    res.end(ok ? 'ok' : 'no such route');
  });
  gateway = await startPushgateway();
  cwd = tempDir('pathproof-push-');
  mkdirSync(join(cwd, 'journeys'));
  for (const name of ['a', 'b', 'c', 'd']) {
    writeFileSync(join(cwd, 'journeys', `${name}.yaml`), `name: ${name}\ntarget: \${BASE_URL}\nentry:\n  - request: GET /${name}\n    expect: { status: 200 }\n`);
  }
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await target?.close();
});

/** journey → pathproof_journey_up as the Pushgateway serves it (job="pathproof"). */
async function upByJourney(): Promise<Record<string, number>> {
  const up = samples(await gateway.metrics(), 'pathproof_journey_up').filter((s) => s.labels.job === 'pathproof');
  return Object.fromEntries(up.map((s) => [s.labels.journey!, s.value]));
}

const run = (args: string[]) => runCli(['run', 'journeys', '--report-dir', 'reports', '--pushgateway', gateway.url, ...args], { cwd, env: { BASE_URL: target.url } });

describe('Pushgateway without data loss', () => {
  it('--shard 1/2 then --shard 2/2 keeps both shards’ journeys, the failure included', { timeout: 60_000 }, async () => {
    const first = await run(['--shard', '1/2']);
    expect(first.code, first.stderr).toBe(0); // a, c
    expect(first.stdout).toContain('metrics of 2 journeys pushed to');
    expect(await upByJourney()).toEqual({ a: 1, c: 1 });

    const second = await run(['--shard', '2/2']);
    expect(second.code, second.stderr).toBe(1); // b fails (404), d passes
    expect(await upByJourney()).toEqual({ a: 1, b: 0, c: 1, d: 1 });
    const failures = samples(await gateway.metrics(), 'pathproof_journey_failures_total').filter((s) => s.labels.journey === 'b' && s.value > 0);
    expect(failures.map((s) => s.labels.layer)).toEqual(['route']);
  });

  it('--rerun-failed replaces only the re-run journey’s series; the passing ones stay', { timeout: 60_000 }, async () => {
    bBroken = false;
    const rerun = await run(['--rerun-failed']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('re-running 1 failed journey');
    expect(rerun.stdout).toContain('metrics of 1 journey pushed to');
    expect(await upByJourney()).toEqual({ a: 1, b: 1, c: 1, d: 1 });
    // One group per journey, each with its own push time.
    const groups = samples(await gateway.metrics(), 'push_time_seconds').filter((s) => s.labels.job === 'pathproof');
    expect(groups.map((s) => s.labels.journey).sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
