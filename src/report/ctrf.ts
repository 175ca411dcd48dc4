/** ctrf.json (Common Test Report Format). (In progress.) */
import type { Reporter } from './reporter.js';

export function ctrfReporter(): Reporter {
  return { name: 'ctrf' };
}
