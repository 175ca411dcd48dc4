import { describe, expect, it } from 'vitest';
import { MAX_RETRIES, parseCli, parseDeployedAt, parseReporters, parseWait } from './args.js';

function ok(argv: string[]) {
  const parsed = parseCli(argv, {});
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.args;
}

function refused(argv: string[]): string {
  const parsed = parseCli(argv, {});
  if (parsed.ok) throw new Error(`accepted ${argv.join(' ')}`);
  return parsed.message;
}

describe('parseCli conventions', () => {
  it('splits --tag a,b and keeps repeated --tag', () => {
    expect(ok(['run', '--tag', 'canary,post-rollback', '--tag', 'smoke', '--tag', ' a , ,b']).tags).toEqual(['canary', 'post-rollback', 'smoke', 'a', 'b']);
  });

  it('reads -e/--var KEY=VALUE (repeatable; the value may hold = and be empty)', () => {
    expect(ok(['run', '-e', 'BASE_URL=https://shop.example/?a=b', '--var', 'EMPTY=', '-e', 'X=1']).vars).toEqual({
      BASE_URL: 'https://shop.example/?a=b',
      EMPTY: '',
      X: '1',
    });
  });

  it.each(['BASE_URL', '=x', '1X=2', 'A-B=1'])('refuses -e %s with what to type', (value) => {
    expect(refused(['run', '-e', value])).toMatch(/-e\/--var expects KEY=VALUE/);
  });

  it('says what happened when --env gets KEY=VALUE (k6 and Checkly habit)', () => {
    const message = refused(['run', '--env', 'BASE_URL=https://staging.example']);
    expect(message).toBe(
      '--env names an environment from pathproof.yaml (e.g. --env staging), and "BASE_URL=https://staging.example" looks like a variable. ' +
        'For a variable, type -e BASE_URL=https://staging.example (or --var BASE_URL=https://staging.example); journeys read it as ${BASE_URL}',
    );
    expect(ok(['run', '--env', 'staging']).env).toBe('staging');
  });

  it('takes --pass-with-no-journeys', () => {
    expect(ok(['run', '--pass-with-no-journeys']).passWithNoJourneys).toBe(true);
    expect(ok(['run']).passWithNoJourneys).toBe(false);
  });
});

describe('parseReporters (Playwright convention)', () => {
  it('splits lists and name=path, across repeated flags', () => {
    expect(parseReporters(['console,junit=out/junit.xml,html=out/report', 'json=out/run.json', 'summary=out/summary.md,ctrf=out/ctrf.json'])).toEqual({
      ok: true,
      reporters: ['console'],
      reportCopies: [
        { kind: 'junit', path: 'out/junit.xml' },
        { kind: 'html', path: 'out/report' },
        { kind: 'json', path: 'out/run.json' },
        { kind: 'summary', path: 'out/summary.md' },
        { kind: 'ctrf', path: 'out/ctrf.json' },
      ],
    });
  });

  it('keeps the console when only file reports are named, and json alone means run.json on stdout', () => {
    expect(parseReporters(['junit=out/junit.xml'])).toMatchObject({ reporters: ['console'] });
    expect(parseReporters(['json'])).toMatchObject({ reporters: ['json'], reportCopies: [] });
    expect(parseReporters(['junit'])).toMatchObject({ reporters: ['console'], reportCopies: [] });
  });

  it.each([
    [['dot'], 'unknown reporter "dot" (console, json, or a report at a path: junit=FILE, html=DIR, json=FILE, ctrf=FILE, summary=FILE)'],
    [['console=out/x'], 'unknown reporter "console" in "console=out/x"'],
    [['junit='], '--reporter junit= needs a path, e.g. junit=out/junit.xml'],
    [['html='], '--reporter html= needs a path, e.g. html=out/report'],
  ])('refuses %j', (values, message) => {
    const result = parseReporters(values);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});

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

describe('--wait', () => {
  it.each([
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['0', 0],
    ['1h', 3_600_000],
  ])('%j → %j ms', (text, ms) => {
    expect(parseWait(text, '--wait')).toBe(ms);
  });

  it.each([
    ['2', '--wait expects a duration such as 30s, 2m or 1m30s, got "2"'],
    ['soon', '--wait expects a duration such as 30s, 2m or 1m30s, got "soon"'],
    ['2h', '--wait is at most 1h (a rollout that takes longer wants a pipeline step of its own), got "2h"'],
  ])('%j is one line', (text, message) => {
    expect(refused(['run', '--wait', text])).toBe(message);
  });

  it('PATHPROOF_WAIT when the flag is absent; the flag wins; a bad variable names itself', () => {
    expect(parseCli(['run'], { PATHPROOF_WAIT: '45s' })).toMatchObject({ ok: true, args: { waitMs: 45_000 } });
    expect(parseCli(['run', '--wait', '0'], { PATHPROOF_WAIT: '45s' })).toMatchObject({ ok: true, args: { waitMs: 0 } });
    expect(parseCli(['run'], { PATHPROOF_WAIT: 'later' })).toEqual({ ok: false, message: 'PATHPROOF_WAIT expects a duration such as 30s, 2m or 1m30s, got "later"' });
    expect(ok(['run']).waitMs).toBeUndefined();
  });
});

describe('posture options', () => {
  it('--compose and --project', () => {
    const parsed = parseCli(['posture', '--compose', 'deploy/compose.yaml', '--project', 'shop'], {});
    expect(parsed.ok && parsed.args).toMatchObject({ command: 'posture', compose: 'deploy/compose.yaml', project: 'shop' });
  });
});
