/**
 * The status page's stylesheet (also the login page's), inlined and allowed by its hash.
 * Same palette and discipline as the run report (../../report/html/styles.ts): light and
 * dark follow `prefers-color-scheme`, one column that works on a phone, no `style=""`
 * attributes anywhere (the CSP hash would refuse them).
 */
import { createHash } from 'node:crypto';

export const STATUS_STYLES = `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --card: #ffffff; --text: #1b1f24; --muted: #5b6570; --line: #dde1e6; --code: #f0f2f5;
  --down: #c62828; --down-bg: #fdecea; --up: #2e7d32; --up-bg: #e8f5e9;
  --flap: #b45309; --flap-bg: #fff1dc; --deg: #8a6d00; --deg-bg: #fff8d6; --check: #1d4ed8; --check-bg: #e6eefc;
  --err: #6a1b9a; --err-bg: #f3e5f5; --none: #8a939d; --none-bg: #eef0f2; --quiet: #3f51b5; --quiet-bg: #e8eaf6;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1216; --card: #171b21; --text: #e6e9ed; --muted: #9aa4ae; --line: #2a3038; --code: #20262e;
    --down: #ff7b72; --down-bg: #3a1d1d; --up: #6fdd8b; --up-bg: #15291b;
    --flap: #f0a35a; --flap-bg: #35240f; --deg: #e3c545; --deg-bg: #2e2a10; --check: #8ab4ff; --check-bg: #18243a;
    --err: #d2a8ff; --err-bg: #2b1d3a; --none: #6b747e; --none-bg: #22272e; --quiet: #9fa8ff; --quiet-bg: #1f2340;
  }
}
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.wrap { max-width: 1100px; margin: 0 auto; padding: 16px; }
a { color: inherit; }
.mono, code { font-family: var(--mono); font-size: 13px; }
.muted { color: var(--muted); }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }

.bar { display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; justify-content: space-between; margin: 0 0 12px; font-size: 13px; color: var(--muted); }
.bar nav a { margin-left: 8px; } .bar nav a[aria-current] { color: var(--text); font-weight: 700; text-decoration: none; }
.bar form { display: inline; }
.bar button.link { font: inherit; color: inherit; background: none; border: 0; padding: 0; text-decoration: underline; cursor: pointer; }
.live::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: var(--up); margin-right: 6px; vertical-align: 0; }
.live.stale::before { background: var(--down); }

.summary { background: var(--card); border: 1px solid var(--line); border-left: 8px solid var(--tone); border-radius: 10px; padding: 14px 18px; margin-bottom: 16px; }
.summary h1 { margin: 0 0 8px; font-size: 26px; color: var(--tone); line-height: 1.2; }
.tone-down { --tone: var(--down); } .tone-up { --tone: var(--up); } .tone-flapping { --tone: var(--flap); }
.tone-checking { --tone: var(--check); } .tone-degraded { --tone: var(--deg); } .tone-not-run { --tone: var(--none); }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 0; padding: 0; list-style: none; }
.quiet { margin: 10px 0 0; padding: 8px 12px; border-radius: 8px; background: var(--quiet-bg); color: var(--text); border: 1px solid var(--quiet); }
.quiet strong { color: var(--quiet); }

.badge { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 12px; font-weight: 700; letter-spacing: .03em; white-space: nowrap; text-transform: uppercase; }
.s-down { color: var(--down); background: var(--down-bg); } .s-up { color: var(--up); background: var(--up-bg); }
.s-flapping { color: var(--flap); background: var(--flap-bg); } .s-degraded { color: var(--deg); background: var(--deg-bg); }
.s-checking { color: var(--check); background: var(--check-bg); } .s-not-run { color: var(--none); background: var(--none-bg); }
.layer { border: 2px solid currentColor; background: transparent; color: var(--down); padding: 0 8px; }

.group h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 22px 0 8px; }
.group h2 .muted { text-transform: none; letter-spacing: 0; font-weight: 400; }
.journey { background: var(--card); border: 1px solid var(--line); border-left: 6px solid var(--tone); border-radius: 10px; padding: 12px 16px; margin: 0 0 10px; scroll-margin-top: 12px; }
.journey:target { outline: 3px solid var(--tone); }
.journey.st-down { --tone: var(--down); } .journey.st-up { --tone: var(--up); } .journey.st-flapping { --tone: var(--flap); }
.journey.st-degraded { --tone: var(--deg); } .journey.st-checking { --tone: var(--check); } .journey.st-not-run { --tone: var(--none); }
.jhead { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; }
.jhead h3 { margin: 0; font-size: 18px; }
.jhead h3 a { text-decoration: none; } .jhead h3 a:hover { text-decoration: underline; }
.where { font-weight: 600; }
.since { color: var(--muted); font-size: 13px; margin-left: auto; }
.hint { margin: 8px 0 4px; font-weight: 600; }
.degradation .hint { color: var(--deg); } .degradation ul { margin: 2px 0; padding-left: 18px; font-size: 14px; } .trace { margin: 2px 0; font-size: 13px; }
.pending { margin: 6px 0 0; color: var(--check); font-size: 14px; }
.trans { margin: 4px 0; font-size: 14px; color: var(--muted); } .trans code { color: var(--text); }
.trans.progressed code, .trans.recovered code { color: var(--up); } .trans.regressed code, .trans.broke code { color: var(--down); }

.strip { display: flex; flex-wrap: wrap; gap: 3px; list-style: none; margin: 10px 0 4px; padding: 0; }
.strip a { display: block; width: 12px; height: 22px; border-radius: 3px; background: var(--none-bg); }
.strip a:focus-visible, .strip a:hover { outline: 2px solid var(--text); outline-offset: 1px; }
.strip .o-passed { background: var(--up); } .strip .o-flaky { background: var(--deg); } .strip .o-degraded { background: var(--deg); }
.strip .o-failed { background: var(--down); } .strip .o-error { background: var(--err); }
.facts { display: flex; flex-wrap: wrap; gap: 2px 18px; margin: 6px 0 0; font-size: 13px; color: var(--muted); }
.facts div { display: flex; gap: 6px; } .facts dt { font-weight: 600; } .facts dd { margin: 0; color: var(--text); word-break: break-word; }
.mismatch { color: var(--down); font-weight: 700; }

.story { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 6px 16px; margin-top: 22px; }
.story h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 8px 0; }
.story ol { list-style: none; margin: 0; padding: 0; }
.story li { display: flex; flex-wrap: wrap; gap: 4px 10px; padding: 6px 0; border-top: 1px solid var(--line); font-size: 14px; }
.story time { color: var(--muted); font-variant-numeric: tabular-nums; min-width: 11ch; }
.k-down, .k-regressed { color: var(--down); font-weight: 600; } .k-up, .k-progressed, .k-settled { color: var(--up); font-weight: 600; }
.k-flapping { color: var(--flap); font-weight: 600; }
footer { color: var(--muted); font-size: 13px; margin: 24px 0; }

.login { max-width: 380px; margin: 12vh auto; background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 22px 24px; }
.login h1 { font-size: 20px; margin: 0 0 6px; }
.login label { display: block; font-weight: 600; margin: 14px 0 6px; }
.login input { width: 100%; font: inherit; padding: 8px 10px; border-radius: 8px; border: 1px solid var(--line); background: var(--bg); color: var(--text); }
.login button { margin-top: 14px; font: inherit; font-weight: 700; padding: 8px 16px; border-radius: 8px; border: 0; background: var(--text); color: var(--bg); cursor: pointer; }
.login .error { color: var(--down); font-weight: 600; margin: 10px 0 0; }

@media (max-width: 640px) {
  .wrap { padding: 8px; }
  .summary h1 { font-size: 21px; }
  .journey { padding: 10px 12px; }
  .since { margin-left: 0; width: 100%; }
  .strip a { width: 10px; height: 18px; }
}
`;

/** `'sha256-…'` for the CSP `style-src`. */
export const STATUS_STYLES_HASH = `'sha256-${createHash('sha256').update(STATUS_STYLES, 'utf8').digest('base64')}'`;
