/**
 * Feeds metrics as journeys finish: a reporter like any other, behind the multiplexer that
 * redacts results and isolates failures (a metrics bug never stops a run).
 */
import type { Reporter } from '../report/reporter.js';
import type { PathproofMetrics } from './metrics.js';

/** `env` is the `env` label value: the `--env` name, or '' when none was given. */
export function metricsReporter(metrics: PathproofMetrics, env: string): Reporter {
  return {
    name: 'metrics',
    onJourneyEnd(result) {
      metrics.recordJourney(result, env);
    },
  };
}
