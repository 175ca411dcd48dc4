/**
 * A browser step that gives up while the fetch it triggered is still pending: the demo's
 * `slow` scenario holds POST /api/refunds, so "Refund requested" never shows. The cause is
 * the hung call (app), not wrong text (result). Real Chromium, the built CLI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BrowserObservation } from '../src/result/types.js';
import { ROOT, runCli, tempDir } from './helpers.js';
import type { LooseRun } from './helpers.js';

describe('a pending request in the browser', () => {
  it('classifies "text not visible" behind a hung fetch as app, naming the call', async () => {
    const cwd = tempDir('pathproof-pending-');
    const out = join(cwd, 'out');
    const cli = await runCli(['demo', '--scenario', 'slow', join(ROOT, 'journeys', 'refund-request.yaml'), '--out', out], {
      cwd,
      env: { PATHPROOF_CHROMIUM: process.env.PATHPROOF_CHROMIUM },
      timeoutMs: 120_000,
    });
    expect(cli.code, cli.stdout + cli.stderr).toBe(1);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as LooseRun;
    const journey = run.journeys[0]!;
    expect(journey).toMatchObject({ name: 'refund-request', outcome: 'failed', stage: 'action', layer: 'app' });
    expect(journey.hint).toMatch(/^POST \/api\/refunds had not answered after \d+(\.\d)?s when the step gave up on \/orders\/1001/);
    const step = journey.attempts[0]!.steps.find((s) => s.status === 'failed');
    expect(step?.kind).toBe('see');
    const observation = step?.observation as BrowserObservation | undefined;
    expect(observation?.pendingRequests?.[0]).toMatchObject({ method: 'POST', resourceType: 'fetch' });
    expect(observation?.pendingRequests?.[0]?.url).toMatch(/\/api\/refunds$/);
    expect(observation?.pendingRequests?.[0]?.pendingMs).toBeGreaterThanOrEqual(1_000);
    expect(cli.stdout).toMatch(/✗ refund-request\s+failed\s+\S+\s+action · app/);
  }, 150_000);
});
