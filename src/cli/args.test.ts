import { describe, expect, it } from 'vitest';
import { parseCli, parseDeployedAt } from './args.js';

describe('--deployed-at', () => {
  it.each([
    ['2026-11-22T09:15:00Z', '2026-11-22T09:15:00.000Z'],
    ['2026-11-22T10:15:00+01:00', '2026-11-22T09:15:00.000Z'],
    ['2026-11-22T09:15Z', '2026-11-22T09:15:00.000Z'],
    ['1795338900', '2026-11-22T09:15:00.000Z'],
  ])('%j → %j', (text, at) => {
    expect(parseDeployedAt(text)).toEqual({ ok: true, at });
  });

  it.each(['yesterday', '2026-11-22', '2026-11-22T09:15:00', '12'])('%j is refused (a time without a zone is ambiguous)', (text) => {
    expect(parseDeployedAt(text).ok).toBe(false);
  });

  it('PATHPROOF_DEPLOYED_AT when the flag is absent; the flag wins', () => {
    const fromEnv = parseCli(['run'], { PATHPROOF_DEPLOYED_AT: '2026-11-22T09:15:00Z' });
    expect(fromEnv.ok && fromEnv.args.deployedAt).toBe('2026-11-22T09:15:00.000Z');
    const flag = parseCli(['run', '--deployed-at', '1795338900'], { PATHPROOF_DEPLOYED_AT: 'garbage' });
    expect(flag.ok && flag.args.deployedAt).toBe('2026-11-22T09:15:00.000Z');
  });

  it('a bad value is one line', () => {
    const parsed = parseCli(['run', '--deployed-at', 'soon'], {});
    expect(!parsed.ok && parsed.message).toBe('--deployed-at expects an ISO 8601 time with a zone (2026-11-22T09:15:00Z) or Unix seconds, got "soon"');
  });
});

describe('posture options', () => {
  it('--compose and --project', () => {
    const parsed = parseCli(['posture', '--compose', 'deploy/compose.yaml', '--project', 'shop'], {});
    expect(parsed.ok && parsed.args).toMatchObject({ command: 'posture', compose: 'deploy/compose.yaml', project: 'shop' });
  });
});
