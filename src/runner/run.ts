/**
 * A run: journeys in parallel up to the concurrency limit, results handed to the
 * reporter as each journey finishes (so a killed run still leaves what finished).
 */
import { setMaxListeners } from 'node:events';
import type { JourneyResult } from '../result/types.js';
import type { LoadedJourney } from '../journey/load.js';
import { runJourney } from './journey.js';
import type { JourneyDeps } from './journey.js';
import { forEachBounded } from './pool.js';

export interface RunHooks {
  onJourneyStart?(journey: LoadedJourney): void;
  onJourneyEnd?(result: JourneyResult): void | Promise<void>;
}

/** Runs every journey; the results keep the order of `journeys`. */
export async function runJourneys(
  journeys: readonly LoadedJourney[],
  deps: JourneyDeps,
  options: { concurrency: number },
  hooks: RunHooks = {},
): Promise<JourneyResult[]> {
  // Every in-flight request listens on the run's abort signal; the default cap of 10 is a false alarm here.
  setMaxListeners(0, deps.signal);
  const results: (JourneyResult | undefined)[] = new Array(journeys.length).fill(undefined);
  await forEachBounded(
    journeys,
    options.concurrency,
    async (loaded, index) => {
      hooks.onJourneyStart?.(loaded);
      const result = await runJourney(loaded, deps);
      results[index] = result;
      await hooks.onJourneyEnd?.(result);
    },
    () => !deps.stopping() && !deps.signal.aborted,
  );
  // Journeys never started (interrupted) are reported, not forgotten.
  return journeys.map((loaded, index) => {
    const result = results[index];
    if (result) return result;
    const skipped: JourneyResult = {
      name: loaded.journey.name,
      file: loaded.file,
      tags: loaded.journey.tags,
      outcome: 'skipped',
      reason: 'interrupted',
      durationMs: 0,
      attempts: [],
    };
    return skipped;
  });
}
