/**
 * Overload: `pathproof serve` with 200 journeys on one 10-second schedule, all firing in the
 * same second against one test server, for about a minute (PATHPROOF_OVERLOAD_SECONDS to run
 * longer). Every tick is a run of its own (run.json, the CI reports, history), so this is
 * also the report writers under load.
 *
 * Asserted: no journey ever overlaps itself (the server counts requests in flight per
 * journey), requests in flight at the server never exceed --concurrency, /metrics answers
 * every poll (one a second, each bounded), and the resident memory of the serve process at
 * the end is within 1.5× of its value after the first full round. The numbers are printed.
 * No timing is asserted: on a loaded machine rounds take longer and ticks are skipped
 * (counted in pathproof_schedule_skipped_total), which is the behaviour under test.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, tempDir } from './helpers.js';
import type { TestServer } from './helpers.js';
import { eventually, startServe } from './fixtures/serve/process.js';
import type { ServeProcess } from './fixtures/serve/process.js';

const JOURNEYS = 200;
const CONCURRENCY = 6;
/** Each answer is held this long, so journeys really run side by side. */
const ANSWER_MS = 150;
const SECONDS = Math.max(30, Number(process.env.PATHPROOF_OVERLOAD_SECONDS ?? 60));

let server: TestServer;
let inFlight = 0;
let peakInFlight = 0;
let requests = 0;
const perJourney = new Map<string, number>();
let peakPerJourney = 0;
let overlapped = '';

beforeAll(async () => {
  server = await startServer((req, res) => {
    const journey = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
    requests++;
    inFlight++;
    peakInFlight = Math.max(peakInFlight, inFlight);
    const active = (perJourney.get(journey) ?? 0) + 1;
    perJourney.set(journey, active);
    if (active > peakPerJourney) {
      peakPerJourney = active;
      if (active > 1) overlapped = journey;
    }
    const timer = setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    }, ANSWER_MS);
    res.on('close', () => {
      clearTimeout(timer);
      inFlight--;
      perJourney.set(journey, (perJourney.get(journey) ?? 1) - 1);
    });
  });
});
afterAll(() => server?.close());

function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

const name = (i: number): string => `load-${String(i).padStart(3, '0')}`;

/**
 * The samples of an exposition by series, parsed once. Hazard: the exposition of 200
 * journeys is large; scanning it per series (800 times a poll) blocks this process, which
 * also hosts the target server, and would throttle the very load under test.
 */
function samples(exposition: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const space = line.lastIndexOf(' ');
    map.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return map;
}

/** How many runs of each journey /metrics counts (all outcomes). */
function runsPerJourney(series: Map<string, number>): number[] {
  return Array.from({ length: JOURNEYS }, (_, i) =>
    ['passed', 'flaky', 'failed', 'error'].reduce((sum, outcome) => sum + (series.get(`pathproof_journey_runs_total{journey="${name(i)}",env="",outcome="${outcome}"}`) ?? 0), 0),
  );
}

describe('pathproof serve under overload', () => {
  let serve: ServeProcess | undefined;
  let dir: string | undefined;
  afterAll(() => {
    serve?.kill();
    // Each tick wrote a run directory: do not leave thousands behind.
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`${JOURNEYS} journeys every 10 s for ${SECONDS} s: no overlap, bounded concurrency, /metrics answering, memory flat`, async () => {
    dir = tempDir('pathproof-overload-');
    const journeys = join(dir, 'journeys');
    mkdirSync(journeys);
    for (let i = 0; i < JOURNEYS; i++) {
      writeFileSync(
        join(journeys, `${name(i)}.yaml`),
        `name: ${name(i)}\ntarget: \${TARGET}\nschedule: "*/10 * * * * *"\nentry:\n  - request: GET /${name(i)}\n    expect: { status: 200 }\n`,
      );
    }
    serve = await startServe([journeys, '--report-dir', join(dir, 'reports'), '--concurrency', String(CONCURRENCY)], { TARGET: server.url }, 60_000);
    const pid = serve.child.pid as number;
    const rssAtStart = rssKiB(pid);

    // Poll /metrics once a second, sequentially (a slow answer delays the next poll, never
    // piles them up). Every poll must answer 200 within its bound.
    const polls: { ok: boolean; status?: number; error?: string; ms: number }[] = [];
    let rssAfterFirstRound: number | undefined;
    let runsAfterFirstRound: number[] | undefined;
    let lastExposition = '';
    const end = Date.now() + SECONDS * 1_000;
    while (Date.now() < end) {
      const started = Date.now();
      try {
        const response = await fetch(`${serve.url}/metrics`, { signal: AbortSignal.timeout(20_000) });
        const text = await response.text();
        polls.push({ ok: response.status === 200, status: response.status, ms: Date.now() - started });
        if (response.status === 200) lastExposition = text;
        if (response.status === 200 && rssAfterFirstRound === undefined) {
          const runs = runsPerJourney(samples(text));
          if (runs.every((n) => n >= 1)) {
            rssAfterFirstRound = rssKiB(pid);
            runsAfterFirstRound = runs;
          }
        }
      } catch (error) {
        polls.push({ ok: false, error: (error as Error).message, ms: Date.now() - started });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1_000 - (Date.now() - started))));
    }
    const rssAtEnd = rssKiB(pid);
    const last = samples(lastExposition);
    const runs = runsPerJourney(last);
    const skipped = Array.from({ length: JOURNEYS }, (_, i) => last.get(`pathproof_schedule_skipped_total{journey="${name(i)}"}`) ?? 0).reduce((a, b) => a + b, 0);
    const totalRuns = runs.reduce((a, b) => a + b, 0);
    const slowestPoll = Math.max(...polls.map((p) => p.ms));
    console.log(
      [
        `overload: ${JOURNEYS} journeys on */10 s, --concurrency ${CONCURRENCY}, ${SECONDS} s`,
        `runs ${totalRuns} (per journey ${Math.min(...runs)}–${Math.max(...runs)}), skipped ticks ${skipped}, requests at the server ${requests}`,
        `peak in flight ${peakInFlight} (bound ${CONCURRENCY}), peak per journey ${peakPerJourney}`,
        `/metrics polls ${polls.length}, failed ${polls.filter((p) => !p.ok).length}, slowest ${slowestPoll} ms`,
        `RSS KiB: start ${rssAtStart}, after first round ${rssAfterFirstRound ?? 'n/a'}, end ${rssAtEnd} (×${rssAfterFirstRound ? (rssAtEnd / rssAfterFirstRound).toFixed(2) : 'n/a'})`,
      ].join('\n'),
    );

    expect(polls.filter((p) => !p.ok), JSON.stringify(polls.filter((p) => !p.ok))).toEqual([]);
    expect(polls.length).toBeGreaterThanOrEqual(SECONDS / 4);
    expect(peakPerJourney, `journey ${overlapped} overlapped itself`).toBe(1);
    expect(peakInFlight).toBeGreaterThanOrEqual(2);
    expect(peakInFlight).toBeLessThanOrEqual(CONCURRENCY);
    // Every journey completed a round, and the schedule kept going after it.
    expect(rssAfterFirstRound, 'every journey ran at least once').toBeDefined();
    expect(totalRuns).toBeGreaterThan((runsAfterFirstRound ?? []).reduce((a, b) => a + b, 0));
    expect(runs.filter((n) => n === 0)).toEqual([]);
    expect(rssAtEnd).toBeLessThan((rssAfterFirstRound as number) * 1.5);
    expect(serve.stderr()).not.toMatch(/internal error|\n\s+at /);

    serve.child.kill('SIGTERM');
    const exit = await serve.exited;
    expect(exit.code, serve.stderr()).toBe(0);
    // Drained: nothing left in flight at the server.
    await eventually(async () => (inFlight === 0 ? true : undefined), 'in-flight requests to finish', 20_000);
  }, (SECONDS + 180) * 1_000);
});
