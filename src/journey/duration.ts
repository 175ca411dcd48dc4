/**
 * Go-style durations, as Prometheus, k6 and Kubernetes tools write them: one or more
 * `<number><unit>` parts, `500ms`, `30s`, `1m30s`, `1h2m3s`, `1.5s`, plus `d` (24h) as in
 * Prometheus. Parts may repeat and come in any order (Go accepts `1s1m`); sub-millisecond
 * precision is rounded away.
 *
 * Plain functions, no zod: the command line parses durations (`--wait`, `--jitter`) before
 * anything else is loaded, and `pathproof --help` should not pay for the journey schema.
 * The schema's `Duration` (schema.ts) is built from the same pieces.
 */
const DURATION_PART = '(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)';
export const DURATION_RE = new RegExp(`^(?:${DURATION_PART})+$`);
const DURATION_PARTS = new RegExp(DURATION_PART, 'g');
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a string that matches {@link DURATION_RE}. */
export function durationMs(value: string): number {
  let ms = 0;
  for (const [, amount, unit] of value.matchAll(DURATION_PARTS)) ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return Math.round(ms);
}

/** `500ms`, `30s`, `1m30s`, `1h`, `1d`, or a whole non-negative number of milliseconds; undefined otherwise. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  return DURATION_RE.test(value) ? durationMs(value) : undefined;
}
