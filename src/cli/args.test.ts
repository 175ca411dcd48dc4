import { describe, expect, it } from 'vitest';
import { MAX_RETRIES, parseCli } from './args.js';

describe('parseCli: --retries is bounded like retries: in journey files', () => {
  it.each([['0'], ['3'], [String(MAX_RETRIES)]])('accepts --retries %s', (value) => {
    const parsed = parseCli(['run', '--retries', value], {});
    expect(parsed).toMatchObject({ ok: true, args: { retries: Number(value) } });
  });

  it.each([['6'], ['1000'], ['-1'], ['1.5'], [''], ['1e3'], ['two']])('refuses --retries %j with the range in the message', (value) => {
    const parsed = parseCli(['run', `--retries=${value}`], {});
    expect(parsed).toEqual({ ok: false, message: `--retries expects a whole number from 0 to 5, got "${value}"` });
  });

  it('keeps the other counts unbounded above', () => {
    expect(parseCli(['run', '--concurrency', '64'], {})).toMatchObject({ ok: true, args: { concurrency: 64 } });
    expect(parseCli(['run', '--concurrency', '0'], {})).toEqual({ ok: false, message: '--concurrency expects a whole number >= 1, got "0"' });
  });
});
