/**
 * How an HTTP step is labelled in reports when it has no `name:`. Apart from the driver so
 * the step registry (and `validate`) can label steps without loading undici.
 */
import { parseRequestLine } from '../../journey/schema.js';
import type { StepOf } from '../../journey/schema.js';

/** `GET /api/orders` (query cut: it may hold tokens), or the step's request line as written. */
export function labelRequest(step: StepOf<'request'>): string {
  const value = step.request;
  if (typeof value === 'string') {
    const line = parseRequestLine(value);
    return line ? `${line.method} ${line.url.split('?')[0]}` : value;
  }
  return `${value.method ?? 'GET'} ${value.url.split('?')[0]}`;
}
