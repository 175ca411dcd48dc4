/**
 * A real Prometheus scrapes `pathproof serve`: our own instance on a free loopback port with
 * its own config and data directory (never the system service on :9090), stopped after.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoApp } from '../src/demo/app.js';
import type { DemoApp } from '../src/demo/app.js';
import { closedPort, tempDir } from './helpers.js';
import { eventually, startServe } from './fixtures/serve/process.js';
import type { ServeProcess } from './fixtures/serve/process.js';

let demo: DemoApp;
let serve: ServeProcess | undefined;
let prometheus: ChildProcess | undefined;
let prometheusLog = '';

beforeAll(async () => {
  demo = await startDemoApp();
});

afterAll(async () => {
  const stopped = prometheus && prometheus.exitCode === null ? new Promise((resolve) => prometheus?.once('close', resolve)) : undefined;
  prometheus?.kill('SIGTERM');
  const hardKill = setTimeout(() => prometheus?.kill('SIGKILL'), 10_000);
  await stopped;
  clearTimeout(hardKill);
  serve?.kill();
  await demo?.close();
});

interface QueryResponse {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe('Prometheus scraping pathproof serve', () => {
  it('sees pathproof_journey_up 1 for the healthy journey and 0 for the broken one', async () => {
    serve = await startServe(['test/fixtures/serve/basic', '--report-dir', tempDir('pathproof-prom-reports-')], { BASE_URL: demo.url });
    const target = new URL(serve.url).host;

    const dir = tempDir('pathproof-prometheus-');
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: pathproof',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    const port = await closedPort();
    prometheus = spawn(
      'prometheus',
      [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (chunk: Buffer) => (prometheusLog += chunk.toString()));
    prometheus.stderr?.on('data', (chunk: Buffer) => (prometheusLog += chunk.toString()));
    const spawnError = new Promise<never>((_, reject) => prometheus?.once('error', reject));

    const query = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('pathproof_journey_up')}`;
    const values = await Promise.race([
      spawnError,
      eventually(
        async () => {
          const response = (await (await fetch(query)).json()) as QueryResponse;
          const byJourney = Object.fromEntries(response.data.result.map((r) => [r.metric.journey, r.value[1]]));
          return byJourney.ok === '1' && byJourney.broken === '0' ? response : undefined;
        },
        'Prometheus to report pathproof_journey_up',
        45_000,
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\nprometheus log:\n${prometheusLog.slice(-2_000)}`);
      }),
    ]);
    expect(values.status).toBe('success');
    const series = values.data.result.map((r) => ({ journey: r.metric.journey, job: r.metric.job, value: r.value[1] }));
    expect(series).toEqual(
      expect.arrayContaining([
        { journey: 'ok', job: 'pathproof', value: '1' },
        { journey: 'broken', job: 'pathproof', value: '0' },
      ]),
    );

    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  }, 90_000);
});
