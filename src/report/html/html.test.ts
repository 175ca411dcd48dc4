import { execFileSync } from 'node:child_process';
import { journeyResult } from '../../result/results.fixtures.js';
import type { JourneyFields } from '../../result/results.fixtures.js';
import { mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Counts, JourneyResult, RunResult, Trigger } from '../../result/types.js';
import { htmlReporter } from '../html.js';
import { anchorId, escapeHtml, html } from './escape.js';
import { imageCache, loadImages } from './images.js';
import { evidenceHref, transitionText } from './journey.js';
import { byAttention, ladderOf, ladderText } from './ladder.js';
import { renderReport } from './page.js';
import { segmentsOf } from './timings.js';
import { verdictOf } from './verdict.js';

const counts = (c: Partial<Counts>): Counts => ({ passed: 0, degraded: 0, flaky: 0, failed: 0, error: 0, skipped: 0, ...c });

function journey(name: string, outcome: JourneyResult['outcome'], extra: JourneyFields = {}): JourneyResult {
  return journeyResult(outcome, { name, file: `journeys/${name}.yaml`, durationMs: 10, ...extra });
}

function run(journeys: JourneyResult[], extra: Partial<RunResult> = {}): RunResult {
  const c = counts({});
  for (const j of journeys) c[j.outcome] += 1;
  return {
    schemaVersion: 1,
    runId: 'run-1',
    status: 'complete',
    trigger: {},
    startedAt: '2026-11-22T09:15:02.000Z',
    durationMs: 1834,
    outcome: 'passed',
    counts: c,
    journeys,
    ...extra,
  };
}

describe('verdictOf', () => {
  const js = (n: number): JourneyResult[] => Array.from({ length: n }, (_, i) => journey(`j${i}`, 'passed'));
  it.each<[string, Partial<Counts>, number, Trigger, RunResult['status'], string, string]>([
    ['broken after rollback', { passed: 7, failed: 2 }, 9, { after: 'rollback', expectVersion: '2.0.3' }, 'complete', '2 of 9 user paths broken after rollback to 2.0.3', 'failed'],
    ['all work', { passed: 5 }, 5, {}, 'complete', 'All 5 user paths work', 'passed'],
    ['one path', { passed: 1 }, 1, {}, 'complete', 'All 1 user path work', 'passed'],
    ['flaky counts as working', { passed: 4, flaky: 1 }, 5, { after: 'deploy', deployId: 'shop:2.1.0' }, 'complete', 'All 5 user paths work after deploy of shop:2.1.0 (1 flaky)', 'flaky'],
    ['broken and unverified', { passed: 2, failed: 2, error: 1 }, 5, {}, 'complete', '2 of 5 user paths broken, 1 could not be verified', 'failed'],
    ['only unverified', { passed: 4, error: 1 }, 5, {}, 'complete', 'Could not verify 1 of 5 user paths — not a verdict on the target', 'error'],
    ['skipped never reads as all', { passed: 3, skipped: 2 }, 5, {}, 'complete', '3 of 5 user paths work', 'passed'],
    ['in progress', { failed: 1 }, 3, {}, 'running', 'In progress: 1 of 3 user paths broken so far', 'failed'],
    ['nothing finished yet', {}, 0, {}, 'running', 'No user path has finished yet', 'running'],
    ['interrupted', { passed: 1, failed: 1 }, 2, {}, 'interrupted', 'Interrupted: 1 of 2 user paths broken', 'failed'],
  ])('%s', (_name, c, total, trigger, status, text, tone) => {
    expect(verdictOf({ counts: counts(c), trigger, status, journeys: js(total) })).toEqual({ text, tone });
  });

  it('counts journeys that have not finished yet', () => {
    expect(verdictOf({ counts: counts({ passed: 1 }), trigger: {}, status: 'running', journeys: js(1) }, 4).text).toBe('In progress: 1 of 4 user paths work so far');
  });
});

describe('escaping', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['<img src=x onerror="a()">', '&lt;img src=x onerror=&quot;a()&quot;&gt;'],
    ["' onmouseover='x", '&#39; onmouseover=&#39;x'],
    ['a & b', 'a &amp; b'],
    ['nul\u0000bell\u0007', 'nul\ufffdbell\ufffd'],
    [undefined, ''],
    [403, '403'],
  ])('escapeHtml(%j)', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it('escapes interpolations but not nested templates', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${['<', '>']}${false}${undefined}</p>`.__html).toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;&gt;</p>');
  });

  it.each([
    ['refund-request', 'journey-refund-request'],
    ['a"b <c>', 'journey-a_22b_20_3cc_3e'],
  ])('anchorId(%j)', (name, id) => {
    expect(anchorId(name)).toBe(id);
  });

  it.each([
    ['evidence/j/attempt-1/shot.png', 'evidence/j/attempt-1/shot.png'],
    ['evidence/j/a b#c.png', 'evidence/j/a%20b%23c.png'],
    ['javascript:alert(1)', undefined],
    ['/etc/passwd', undefined],
    ['../outside.png', undefined],
    ['evidence/../../x.png', undefined],
    ['C:\\x.png', undefined],
  ])('evidenceHref(%j)', (path, href) => {
    expect(evidenceHref(path)).toBe(href);
  });
});

describe('ladder, order, transitions, timings', () => {
  it('draws how far the user got, with runtime first and empty stages as ·', () => {
    const step = (phase: 'runtime' | 'entry' | 'action' | 'result', status: 'passed' | 'skipped') =>
      status === 'passed'
        ? { name: 's', kind: 'request', phase, index: 0, durationMs: 1, status }
        : { name: 's', kind: 'request', phase, index: 0, durationMs: 0, status, reason: 'stage action failed' };
    const attempt = {
      attempt: 1,
      outcome: 'failed' as const,
      stage: 'action' as const,
      failure: { layer: 'authz' as const, hint: 'h', message: 'm' },
      startedAt: '',
      durationMs: 1,
      steps: [
        step('runtime', 'passed'),
        step('entry', 'passed'),
        { name: 'x', kind: 'request', phase: 'action' as const, index: 0, durationMs: 1, status: 'failed' as const, failure: { layer: 'authz' as const, hint: 'h', message: 'm' } },
        step('result', 'skipped'),
      ],
    };
    expect(ladderText(ladderOf(attempt))).toBe('runtime ✓ → entry ✓ → open · → action ✗ → result –');
    expect(ladderOf(undefined)).toEqual([]);
  });

  it('puts failures first, then errors, flaky, passed, skipped, keeping run order inside a group', () => {
    const order = byAttention([journey('p1', 'passed'), journey('f1', 'failed'), journey('s', 'skipped'), journey('e', 'error'), journey('k', 'flaky'), journey('f2', 'failed')]);
    expect(order.map((j) => j.name)).toEqual(['f1', 'f2', 'e', 'k', 'p1', 's']);
  });

  it.each([
    [{ kind: 'progressed' as const, from: 'route', to: 'authz' }, 'route → authz progressed'],
    [{ kind: 'regressed' as const, from: 'authz', to: 'route' }, 'authz → route regressed'],
    [{ kind: 'new' as const, to: 'authz' }, 'first run'],
    [{ kind: 'unchanged' as const, from: 'route', to: 'route' }, 'same as last run (route)'],
    [{ kind: 'unchanged' as const, from: 'passed', to: 'passed' }, 'still passing'],
    [{ kind: 'unchanged' as const, from: 'error', to: 'frontend' }, 'error → frontend'],
    [{ kind: 'progressed' as const, from: 'route', to: 'auth', fromStatus: 404, toStatus: 401 }, '404 → 401 progressed: route → auth'],
    [{ kind: 'broke' as const, from: 'passed', to: 'proxy', toStatus: 502 }, 'broke: passed → proxy (502)'],
    [{ kind: 'progressed' as const, from: 'route', to: 'auth', fromStatus: 404 }, 'route → auth progressed'],
    [undefined, undefined],
  ])('transitionText(%j)', (t, text) => {
    expect(transitionText(t)).toBe(text);
  });

  it.each([
    [{ dnsMs: 1, connectMs: 2, tlsMs: 3, ttfbMs: 4, transferMs: 5, totalMs: 15 }, ['dns 1', 'connect 2', 'tls 3', 'ttfb 4', 'transfer 5']],
    [{ ttfbMs: 7, transferMs: 0.2, totalMs: 1056 }, ['ttfb 7', 'transfer 0.2', 'other 1048.8']],
    [{ totalMs: 3 }, ['other 3']],
  ])('segmentsOf(%j)', (timings, expected) => {
    expect(segmentsOf(timings).map((s) => `${s.phase} ${Math.round(s.ms * 10) / 10}`)).toEqual(expected);
  });
});

describe('renderReport', () => {
  it('keeps hostile names out of markup and the filter data', () => {
    const hostile = '"><script>x()</script>';
    const page = renderReport(run([journey(hostile, 'failed', { layer: 'authz', hint: hostile, message: hostile })]));
    expect(page).not.toContain('<script>x()');
    expect(page.match(/<script>/g)).toHaveLength(1);
    expect(page).toContain('&lt;script&gt;x()&lt;/script&gt;');
  });

  it('says a partial page is partial and names what is still running', () => {
    const page = renderReport(run([journey('a', 'passed')], { status: 'running' }), { pending: ['b', 'c'] });
    expect(page).toContain('In progress: 1 of 3 user paths work so far');
    expect(page).toContain('waiting for b, c');
  });
});

describe('renderReport: what the broken journeys protect', () => {
  const header = (page: string): string => page.slice(page.indexOf('<ul class="broken">'), page.indexOf('</ul>', page.indexOf('<ul class="broken">')));
  const text = (markup: string): string[] => [...markup.matchAll(/<li>(.*?)<\/li>/g)].map((m) => (m[1] ?? '').replace(/<[^>]+>/g, ''));

  it('leads the header with them, identity first, before the layers', () => {
    const page = renderReport(
      run([
        journey('home', 'failed', { layer: 'route' }),
        journey('refunds', 'failed', { layer: 'route', protects: 'data' }),
        journey('login', 'failed', { layer: 'auth', protects: 'identity' }),
        journey('export', 'error', { protects: 'data' }),
      ]),
    );
    expect(text(header(page))).toEqual([
      'Protects identity login',
      'Protects data refunds, export',
      'Without protects: home',
      'Broken at route home, refunds',
      'Broken at auth login',
      'Could not verify: export',
    ]);
  });

  it('shows the layers alone when none says', () => {
    expect(text(header(renderReport(run([journey('home', 'failed', { layer: 'route' })]))))).toEqual(['Broken at route home']);
  });
});

describe('screenshots', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5a1c6a30000000049454e44ae426082', 'hex');
  const withShots = (paths: string[]): RunResult =>
    run([
      journey('a', 'failed', {
        attempts: [
          {
            attempt: 1,
            outcome: 'failed',
            stage: 'action',
            failure: { layer: 'app', hint: 'h', message: 'm' },
            startedAt: '',
            durationMs: 1,
            steps: [],
            evidence: paths.map((path) => ({ kind: 'screenshot' as const, path })),
          },
        ],
      }),
    ]);

  it('inlines small screenshots inside the run directory and links the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pathproof-html-img-'));
    mkdirSync(join(dir, 'evidence'));
    writeFileSync(join(dir, 'evidence', 'small.png'), PNG);
    writeFileSync(join(dir, 'evidence', 'big.png'), Buffer.concat([PNG, Buffer.alloc(5_000)]));
    writeFileSync(join(dir, '..', 'outside-pathproof.png'), PNG);
    const images = await loadImages(dir, withShots(['evidence/small.png', 'evidence/big.png', '../outside-pathproof.png', 'evidence/missing.png']), imageCache(), { perImage: 1_000, total: 10_000 });
    expect(images.inline('evidence/small.png')).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(images.inline('evidence/big.png')).toBeUndefined();
    expect(images.inline('../outside-pathproof.png')).toBeUndefined();
    expect(images.inline('evidence/missing.png')).toBeUndefined();
  });

  it('reads evidence only when it is a regular file inside the run directory after resolving links', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'pathproof-html-outside-'));
    // What an attacker would like inlined: a file outside the run directory, shaped like a PNG.
    const stolen = Buffer.concat([PNG, Buffer.from('STOLEN-OUTSIDE-FILE')]);
    writeFileSync(join(outside, 'secret.png'), stolen);
    const dir = mkdtempSync(join(tmpdir(), 'pathproof-html-img-'));
    mkdirSync(join(dir, 'evidence'));
    writeFileSync(join(dir, 'evidence', 'real.png'), PNG);
    symlinkSync(join(outside, 'secret.png'), join(dir, 'evidence', 'link-out.png'));
    symlinkSync(outside, join(dir, 'evidence', 'linked-dir'));
    symlinkSync(join(dir, 'evidence', 'real.png'), join(dir, 'evidence', 'link-in.png'));
    execFileSync('mkfifo', [join(dir, 'evidence', 'fifo.png')]);
    const paths = ['evidence/link-out.png', 'evidence/linked-dir/secret.png', 'evidence/fifo.png', 'evidence/link-in.png'];
    const images = await loadImages(dir, withShots(paths), imageCache(), { perImage: 1_000, total: 10_000 });
    expect(paths.map((p) => images.inline(p) !== undefined)).toEqual([false, false, false, true]);
    const stolenBase64 = stolen.toString('base64');
    for (const p of paths) expect(images.inline(p) ?? '').not.toContain(stolenBase64.slice(-20));
  });

  it('stops inlining once the page budget is spent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pathproof-html-img-'));
    for (const n of [1, 2, 3]) writeFileSync(join(dir, `${n}.png`), PNG);
    const images = await loadImages(dir, withShots(['1.png', '2.png', '3.png']), imageCache(), { perImage: 1_000, total: PNG.length * 2 });
    expect(['1.png', '2.png', '3.png'].map((p) => images.inline(p) !== undefined)).toEqual([true, true, false]);
  });
});

describe('htmlReporter', () => {
  it('writes a partial page as journeys finish and the final page at the end, atomically', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pathproof-html-rep-')), 'run');
    const reporter = htmlReporter();
    await reporter.onRunStart?.({ runId: 'run-1', startedAt: '2026-11-22T09:15:02.000Z', trigger: {}, runDir: dir, concurrency: 1, journeys: [{ name: 'a', file: 'a.yaml' }, { name: 'b', file: 'b.yaml' }] });
    const a = journey('a', 'failed', { layer: 'route' });
    await reporter.onJourneyEnd?.(a, run([a], { status: 'running' }));
    await expect.poll(() => existsSync(join(dir, 'index.html')) && readFileSync(join(dir, 'index.html'), 'utf8'), { timeout: 10_000 }).toContain('waiting for b');
    const b = journey('b', 'passed');
    await reporter.onRunEnd?.(run([a, b], { exitCode: 1 }));
    const page = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(page).toContain('1 of 2 user paths broken');
    expect(page).not.toContain('has not finished');
    expect(readdirSync(dir)).toEqual(['index.html']); // no temporary files left behind
  });

  it('spaces partial pages out: later snapshots wait for the interval, and only the newest is written', async () => {
    const start = (dir: string) => ({ runId: 'run-1', startedAt: '2026-11-22T09:15:02.000Z', trigger: {}, runDir: dir, concurrency: 1, journeys: ['a', 'b', 'c'].map((name) => ({ name, file: `${name}.yaml` })) });
    const page = (dir: string): string => (existsSync(join(dir, 'index.html')) ? readFileSync(join(dir, 'index.html'), 'utf8') : '');
    const [a, b, c] = [journey('a', 'passed'), journey('b', 'passed'), journey('c', 'passed')];

    // A long interval: the first journey's page at once, nothing newer until the run ends.
    const slow = join(mkdtempSync(join(tmpdir(), 'pathproof-html-rep-')), 'run');
    const spaced = htmlReporter({ partialEveryMs: 60_000 });
    await spaced.onRunStart?.(start(slow));
    await spaced.onJourneyEnd?.(a, run([a], { status: 'running' }));
    await expect.poll(() => page(slow), { timeout: 10_000 }).toContain('waiting for b');
    await spaced.onJourneyEnd?.(b, run([a, b], { status: 'running' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(page(slow)).toContain('waiting for b');
    await spaced.onRunEnd?.(run([a, b, c], { exitCode: 0 }));
    expect(page(slow)).not.toContain('waiting for');

    // A short one: once it has passed, the newest snapshot (b and c done) replaces the first page.
    const fast = join(mkdtempSync(join(tmpdir(), 'pathproof-html-rep-')), 'run');
    const soon = htmlReporter({ partialEveryMs: 50 });
    await soon.onRunStart?.(start(fast));
    await soon.onJourneyEnd?.(a, run([a], { status: 'running' }));
    await soon.onJourneyEnd?.(b, run([a, b], { status: 'running' }));
    await soon.onJourneyEnd?.(c, run([a, b, c], { status: 'running' }));
    await expect.poll(() => page(fast), { timeout: 10_000 }).toContain('has not finished');
    await expect.poll(() => page(fast), { timeout: 10_000 }).not.toContain('waiting for');
    await soon.onRunEnd?.(run([a, b, c], { exitCode: 0 }));
    expect(readdirSync(fast)).toEqual(['index.html']);
  });
});
