import { describe, expect, it } from 'vitest';
import { classifyDrift } from './drift.js';
import type { DriftInput } from './drift.js';

describe('classifyDrift', () => {
  it.each<[string, DriftInput, readonly string[]]>([
    [
      'old version still served',
      { kind: 'version', expected: '2.0.3', served: '2.0.2', source: 'GET /version $.version', servedBy: 'edge-1' },
      ['served version is "2.0.2", expected "2.0.3"', 'answered by edge-1', 'old replicas'],
    ],
    ['no version at all', { kind: 'version', expected: '2.0.3', served: undefined, source: 'header x-app-version' }, ['served version is nothing']],
    ['wrong environment', { kind: 'environment', expected: 'production', served: 'staging', source: 'GET /api/env $.name' }, ['environment is "staging", expected "production"', 'wrong environment']],
  ])('%s', (_name, input, facts) => {
    const failure = classifyDrift(input);
    expect(failure.layer).toBe('drift');
    for (const fact of facts) expect(failure.hint).toContain(fact);
    expect(failure.reason).toContain(input.source);
  });

  it('reads like an assertion in the message', () => {
    expect(classifyDrift({ kind: 'version', expected: '2.0.3', served: '2.0.2', source: 's' }).message).toBe('version (2.0.2) == 2.0.3');
  });
});
