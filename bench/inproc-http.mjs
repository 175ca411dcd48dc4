// The HTTP runner's own cost, without process start or file loading: pathproof's runner
// executing already-loaded journeys versus a plain undici loop making the same requests,
// in the same process, alternating, so both see the same machine state.
import { Agent, request } from 'undici';
import { loadJourneys } from '../dist/journey/discover.js';
import { createHttpDeps } from '../dist/steps/http/dispatcher.js';
import { STEP_REGISTRY } from '../dist/steps/registry.js';
import { createRedactor } from '../dist/journey/secrets.js';
import { runJourneys } from '../dist/runner/run.js';
import { systemClock } from '../dist/result/clock.js';

export async function benchInProcess({ dir, targetUrl, journeys = 200, concurrency = 16, repeat = 5 }) {
  const loaded = await loadJourneys([dir], { cwd: process.cwd(), env: {} });
  if (loaded.diagnostics.some((d) => d.severity === 'error')) throw new Error('bench journeys invalid');
  const clock = systemClock();
  const redactor = createRedactor([]);
  const noEvidence = () => ({ write: async () => ({ kind: 'other', path: '' }) });

  async function ours() {
    const http = createHttpDeps({ clock, connections: concurrency });
    const start = performance.now();
    const results = await runJourneys(
      loaded.journeys,
      {
        clock,
        http,
        browser: undefined,
        steps: STEP_REGISTRY,
        redactor,
        evidence: noEvidence,
        defaults: { journeyTimeoutMs: 30_000, stepTimeoutMs: 10_000, retries: 0 },
        signal: new AbortController().signal,
        stopping: () => false,
      },
      { concurrency },
    );
    const ms = performance.now() - start;
    await http.close();
    if (results.some((r) => r.outcome !== 'passed')) throw new Error('a bench journey failed');
    return ms;
  }

  async function plain() {
    const dispatcher = new Agent({ connections: concurrency });
    let next = 0;
    const start = performance.now();
    const journey = async (index) => {
      for (const path of ['/api/a', '/api/b', `/api/items/${index}`]) {
        const res = await request(`${targetUrl}${path}`, { dispatcher });
        const body = await res.body.json();
        if (res.statusCode !== 200 || body.ok !== true) throw new Error('plain request failed');
      }
    };
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < journeys) await journey(next++);
    }));
    const ms = performance.now() - start;
    await dispatcher.close();
    return ms;
  }

  await ours();
  await plain();
  const a = [];
  const b = [];
  for (let i = 0; i < repeat; i++) {
    a.push(await ours());
    b.push(await plain());
  }
  const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  return { oursMs: median(a), plainMs: median(b) };
}
