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
import { reportCopyReporter } from '../report/copy.js';
import { resolve } from 'node:path';
import type { ReportCopy } from './args.js';

export function buildReporters(options: {
  console?: Reporter;
  jsonStdout?: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Write the investigation record even when the run is not `--after rollback`. */
  investigate?: boolean;
  /**
   * The directory the command ran in: JUnit attachment paths are written relative to it
   * (Jenkins and GitLab resolve them against the workspace), and copies are resolved from it.
   */
  cwd?: string;
  /** `--reporter junit=out/junit.xml,…`: copies of reports at fixed paths. */
  copies?: readonly ReportCopy[];
}): (Reporter & { essential?: boolean })[] {
  const reporters: (Reporter & { essential?: boolean })[] = [];
  if (options.console) reporters.push(options.console);
  reporters.push(jsonReporter(options.jsonStdout ? { stdout: options.jsonStdout } : {}));
  reporters.push(junitReporter(options.cwd ? { attachmentsFrom: options.cwd } : {}));
  reporters.push(summaryReporter({ githubStepSummary: options.env.GITHUB_STEP_SUMMARY || undefined }));
  reporters.push(ctrfReporter());
  reporters.push(investigationReporter({ always: options.investigate ?? false }));
  reporters.push(htmlReporter());
  // After the reporters that write the files they copy.
  for (const copy of options.copies ?? []) {
    reporters.push(reportCopyReporter(copy.kind, resolve(options.cwd ?? '.', copy.path), `${copy.kind}=${copy.path}`));
  }
  return reporters;
}
