/** summary.md: what a person reads in a PR or chat; also appended to GITHUB_STEP_SUMMARY. (In progress.) */
import type { Reporter } from './reporter.js';

export function summaryReporter(_options: { githubStepSummary?: string } = {}): Reporter {
  return { name: 'summary' };
}
