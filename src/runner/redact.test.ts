import { describe, expect, it } from 'vitest';
import { createRedactor } from '../journey/secrets.js';
import { redactValues } from './redact.js';

describe('redactValues', () => {
  const value = { kind: 'http', url: 'https://shop.example/?t=tok3n-value', headers: { 'x-echo': 'tok3n-value' }, status: 200, traceparent: 'tok3n-value' };

  it('redacts every value from outside in a copy, never keys or what pathproof made', () => {
    const out = redactValues(value, createRedactor(['tok3n-value']));
    expect(out).toEqual({ kind: 'http', url: 'https://shop.example/?t=***', headers: { 'x-echo': '***' }, status: 200, traceparent: 'tok3n-value' });
    expect(value.headers['x-echo']).toBe('tok3n-value');
  });

  it('without secrets, hands the value back as it is (no copy)', () => {
    expect(redactValues(value, createRedactor([]))).toBe(value);
    expect(redactValues(value, createRedactor(['']))).toBe(value);
  });
});
