/** junit.xml for CI systems. (In progress.) */
import type { Reporter } from './reporter.js';

export function junitReporter(): Reporter {
  return { name: 'junit' };
}
