/** investigation.md + investigation.json for rollback runs (and --investigate). (In progress.) */
import type { Reporter } from './reporter.js';

export function investigationReporter(_options: { always: boolean }): Reporter {
  return { name: 'investigation' };
}
