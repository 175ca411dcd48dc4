/**
 * Whether a `schedule:` is a cron expression `pathproof serve` can run. The `cron` package
 * (with luxon) is loaded on the first schedule checked, not with the schema: most runs and
 * validations have no schedule, and every CLI start would pay for it.
 */
import { createRequire } from 'node:module';
import type * as CronModule from 'cron';

let cron: typeof CronModule | undefined;

export function validCronExpression(expression: string): boolean {
  // Synchronous on purpose: zod refinements are. `cron` is CommonJS, so require() gives the
  // same instance the scheduler's import does.
  cron ??= createRequire(import.meta.url)('cron') as typeof CronModule;
  return cron.validateCronExpression(expression).valid;
}
