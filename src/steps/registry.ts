/**
 * Every step kind and its driver, checked against the schema's kinds with `satisfies`:
 * adding a step kind to the schema without a driver is a type error.
 */
import { BROWSER_DRIVERS } from './browser/drivers.js';
import { httpDriver } from './http/driver.js';
import type { StepDrivers } from './types.js';

export const STEP_DRIVERS = {
  request: httpDriver,
  ...BROWSER_DRIVERS,
} satisfies StepDrivers;
