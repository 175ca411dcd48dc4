/**
 * Text for people: one formatter for durations and one for one-line excerpts, used by every
 * hint, report and log line (so 119 600 ms reads `2m` everywhere, never `1m60s`).
 * This folder imports nothing: generic helpers any layer may use.
 */

/** Hints are one line: collapse whitespace and cap the length of quoted material. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `850ms`, `1.5s`, `30s`, `2m`, `2m5s`, `1h2m`: for people, not for parsing. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms}ms`;
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) {
    const seconds = Math.round(ms / 100) / 10;
    return seconds >= 60 ? '1m' : `${seconds}s`;
  }
  const totalSeconds = Math.round(ms / 1_000);
  if (totalSeconds < 3_600) {
    const minutes = Math.floor(totalSeconds / 60);
    const seconds = totalSeconds % 60;
    return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return minutes === 0 ? `${hours}h` : `${hours}h${minutes}m`;
}
