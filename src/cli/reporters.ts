/**
 * The file reporters every run writes into its directory. run.json is essential (losing it
 * means the verdict was not recorded: exit 3); the others are best effort and isolated.
 */
import { ctrfReporter } from '../report/ctrf.js';
import { htmlReporter } from '../report/html.js';
import { investigationReporter } from '../report/investigation.js';
import { jsonReporter } from '../report/json.js';
import { junitReporter } from '../report/junit.js';
import type { Reporter } from '../report/reporter.js';
import { summaryReporter } from '../report/summary-md.js';

export function buildReporters(options: {
  console?: Reporter;
  jsonStdout?: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Write the investigation record even when the run is not `--after rollback`. */
  investigate?: boolean;
}): (Reporter & { essential?: boolean })[] {
  const reporters: (Reporter & { essential?: boolean })[] = [];
  if (options.console) reporters.push(options.console);
  reporters.push(jsonReporter(options.jsonStdout ? { stdout: options.jsonStdout } : {}));
  reporters.push(junitReporter());
  reporters.push(summaryReporter({ githubStepSummary: options.env.GITHUB_STEP_SUMMARY || undefined }));
  reporters.push(ctrfReporter());
  reporters.push(investigationReporter({ always: options.investigate ?? false }));
  reporters.push(htmlReporter());
  return reporters;
}
