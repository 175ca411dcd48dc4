import { describe, expect, it } from 'vitest';
import { classifyDrift, driftExpression } from './drift.js';
import type { DriftInput } from './drift.js';

describe('classifyDrift', () => {
  it.each<[string, DriftInput, string, readonly string[]]>([
    [
      'old version still served',
      { kind: 'version', expected: '2.0.3', served: '2.1.0', source: 'GET /version ($.version)', servedBy: 'x-served-by: edge-1' },
      'serving 2.1.0, expected 2.0.3: the running container is not the intended build — check the image tag',
      ['GET /version ($.version) answered 2.1.0', 'answered by x-served-by: edge-1'],
    ],
    [
      'no version header',
      { kind: 'version', expected: '2.0.3', served: undefined, source: 'GET / (header x-app-version)', why: 'the response has no x-app-version header' },
      'no version exposed at GET / (header x-app-version): the running build does not say what it is',
      ['the response has no x-app-version header'],
    ],
    [
      'wrong environment',
      { kind: 'environment', expected: 'production', served: 'staging', source: 'GET /api/env ($.name)' },
      'environment staging answered where production was expected: pathproof is talking to the wrong environment',
      ['GET /api/env ($.name) answered staging'],
    ],
    [
      'no environment marker',
      { kind: 'environment', expected: 'production', served: undefined, source: 'GET / (<meta name="env">)' },
      'no environment identity exposed at GET / (<meta name="env">)',
      ['nothing there'],
    ],
  ])('%s', (_name, input, hint, reasons) => {
    const failure = classifyDrift(input);
    expect(failure.layer).toBe('drift');
    expect(failure.hint.startsWith(hint)).toBe(true);
    expect(failure.hint).not.toContain('\n');
    for (const reason of reasons) expect(failure.reason).toContain(reason);
  });

  it('keeps who answered out of the hint, so its form stays greppable', () => {
    const failure = classifyDrift({ kind: 'version', expected: '2.0.3', served: '2.1.0', source: 's', servedBy: 'server: nginx' });
    expect(failure.hint).not.toContain('nginx');
  });

  it('reads like an assertion in the message', () => {
    expect(classifyDrift({ kind: 'version', expected: '2.0.3', served: '2.0.2', source: 's' }).message).toBe('version ("2.0.2") == "2.0.3"');
    expect(driftExpression('environment', undefined, undefined)).toBe('environment (missing) == a value');
  });
});
