/** Readable labels for steps without a `name:`, used in reports: `POST /api/refunds`, `click role=button[name="Submit"]`. */
import { parseRequestLine } from '../journey/schema.js';
import type { Step, StepKind } from '../journey/schema.js';

const LOCATOR_KEYS = ['role', 'label', 'text', 'testId', 'placeholder', 'css'] as const;

export function describeLocator(locator: Record<string, unknown>): string {
  const key = LOCATOR_KEYS.find((k) => locator[k] !== undefined);
  if (!key) return '?';
  const value = String(locator[key]);
  if (key === 'role') return locator.name !== undefined ? `role=${value}[name=${JSON.stringify(locator.name)}]` : `role=${value}`;
  return `${key}=${JSON.stringify(value)}`;
}

function describeTarget(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value && typeof value === 'object') return describeLocator(value as Record<string, unknown>);
  return String(value);
}

export function describeStep(step: Step, kind: StepKind): string {
  const value = (step as Record<string, unknown>)[kind];
  switch (kind) {
    case 'request': {
      if (typeof value === 'string') {
        const line = parseRequestLine(value);
        return line ? `${line.method} ${line.url.split('?')[0]}` : value;
      }
      const request = value as { method?: string; url: string };
      return `${request.method ?? 'GET'} ${request.url.split('?')[0]}`;
    }
    case 'goto':
      return `goto ${typeof value === 'string' ? value : (value as { url: string }).url}`;
    case 'press':
      return typeof value === 'string' ? `press ${value}` : `press ${(value as { key: string }).key} on ${describeTarget(value)}`;
    case 'expectUrl':
      return `expectUrl ${typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value)}`;
    case 'screenshot':
      return `screenshot${typeof value === 'string' ? ` ${value}` : ''}`;
    case 'wait':
      return typeof value === 'number' ? `wait ${value}ms` : `wait ${JSON.stringify(value)}`;
    default:
      return `${kind} ${describeTarget(value)}`;
  }
}
