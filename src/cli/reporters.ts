/**
 * The file reporters every run writes into its directory. run.json is essential (losing it
 * means the verdict was not recorded: exit 3); the others are best effort.
 */
import { jsonReporter } from '../report/json.js';
import type { Reporter } from '../report/reporter.js';

export function buildReporters(options: {
  console?: Reporter;
  jsonStdout?: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
}): (Reporter & { essential?: boolean })[] {
  const reporters: (Reporter & { essential?: boolean })[] = [];
  if (options.console) reporters.push(options.console);
  reporters.push(jsonReporter(options.jsonStdout ? { stdout: options.jsonStdout } : {}));
  return reporters;
}
