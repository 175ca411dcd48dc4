/** index.html: the single-file report a person opens after a failed deploy. (In progress.) */
import type { Reporter } from './reporter.js';

export function htmlReporter(): Reporter {
  return { name: 'html' };
}
