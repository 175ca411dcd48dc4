import { describe, expect, it } from 'vitest';
import { activeMaintenance, compileMaintenance, deploySignal, nextMaintenance, quietAt } from './quiet.js';

const at = (iso: string): number => Date.parse(iso);
// Sundays 02:00 Berlin for an hour: 2026-03-01 is a Sunday; Berlin is UTC+1 in March (before the 29th).
const windows = compileMaintenance([{ cron: '0 2 * * SUN', duration: 3_600_000, timezone: 'Europe/Berlin', name: 'patching' }], 'UTC');

describe('maintenance windows', () => {
  it.each([
    ['just before', '2026-03-01T00:59:59Z', false],
    ['at the start', '2026-03-01T01:00:00Z', true],
    ['inside', '2026-03-01T01:30:00Z', true],
    ['the last second', '2026-03-01T01:59:59Z', true],
    ['at the end', '2026-03-01T02:00:00Z', false],
    ['on a Monday', '2026-03-02T01:30:00Z', false],
  ])('%s (%s) → %s', (_what, iso, active) => {
    expect(activeMaintenance(windows, at(iso)) !== undefined).toBe(active);
  });

  it('says when it started and ends, and its name', () => {
    expect(activeMaintenance(windows, at('2026-03-01T01:30:00Z'))).toEqual({
      reason: 'maintenance',
      startsAt: at('2026-03-01T01:00:00Z'),
      endsAt: at('2026-03-01T02:00:00Z'),
      what: 'patching',
    });
  });

  it('follows the time zone across daylight saving time (Berlin is UTC+2 from March 29)', () => {
    expect(activeMaintenance(windows, at('2026-04-05T00:30:00Z'))).toMatchObject({ startsAt: at('2026-04-05T00:00:00Z') });
    expect(activeMaintenance(windows, at('2026-04-05T01:30:00Z'))).toBeUndefined();
  });

  it('uses the default zone when the window names none', () => {
    const utc = compileMaintenance([{ cron: '0 2 * * *', duration: 600_000 }], 'UTC');
    expect(activeMaintenance(utc, at('2026-03-03T02:05:00Z'))).toBeDefined();
    expect(activeMaintenance(utc, at('2026-03-03T01:05:00Z'))).toBeUndefined();
  });

  it('knows the next one', () => {
    expect(nextMaintenance(windows, at('2026-03-02T00:00:00Z'))).toMatchObject({ startsAt: at('2026-03-08T01:00:00Z'), endsAt: at('2026-03-08T02:00:00Z') });
  });
});

describe('quietAt', () => {
  it('lists every active reason: maintenance, a silence, a deploy', () => {
    const now = at('2026-03-01T01:30:00Z');
    const silences = {
      silence: { reason: 'silence' as const, startsAt: now - 1_000, endsAt: now + 600_000, what: 'api' },
      deploy: { reason: 'deploy' as const, startsAt: now - 5_000, endsAt: now - 1 },
    };
    expect(quietAt(silences, windows, now).map((w) => w.reason)).toEqual(['maintenance', 'silence']);
    expect(quietAt({}, [], now)).toEqual([]);
  });
});

describe('deploySignal', () => {
  it.each([
    ['Progressing', 'start'],
    ['Promoting', 'start'],
    ['WaitingPromotion', 'start'],
    ['Succeeded', 'end'],
    ['Failed', 'end'],
    [undefined, 'none'],
    ['Whatever', 'none'],
  ])('%s → %s', (phase, signal) => {
    expect(deploySignal(phase)).toBe(signal);
  });
});
