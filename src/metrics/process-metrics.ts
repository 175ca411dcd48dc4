/**
 * prom-client's default process and Node.js metrics, minus the three that fail
 * `promtool check metrics`: `nodejs_active_{handles,requests,resources}_total` are gauges
 * with a counter's `_total` suffix. Their per-type twins without the suffix stay
 * (`sum(nodejs_active_handles)` gives the same number).
 */
import { collectDefaultMetrics } from 'prom-client';
import type { Registry } from 'prom-client';

export const DROPPED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of DROPPED_DEFAULT_METRICS) registry.removeSingleMetric(name);
}
