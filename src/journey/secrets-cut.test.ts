import { describe, expect, it } from 'vitest';
import { createRedactor } from './secrets.js';

const SECRET = 'pp7Kq9Zx aud1t/s+cr&t=!v4lue';

describe('createRedactor: excerpts cut through a secret', () => {
  const redactor = createRedactor([SECRET]);

  it.each<[string, string, string]>([
    ['raw form cut after 4 chars', `status body ....pp7K…`, 'status body ....***…'],
    ['form-encoded form cut', `echo v=pp7Kq9Zx+aud1t%2Fs%2Bcr%26…`, 'echo v=***…'],
    ['URL-encoded form cut', `q=pp7Kq9Zx%20au…`, 'q=***…'],
    ['base64 form cut', `b=${Buffer.from(SECRET).toString('base64').slice(0, 10)}…`, 'b=***…'],
    ['a whole secret, then a cut elsewhere', `${SECRET} and more text…`, '*** and more text…'],
  ])('%s', (_name, input, expected) => {
    expect(redactor.redact(input)).toBe(expected);
  });

  it.each<[string, string]>([
    ['no cut mark: a fragment in plain text is not a secret', 'the tail is pp7K'],
    ['fragments shorter than 3 characters stay', 'ends with pp…'],
    ['text that merely ends with the mark', 'nothing secret here…'],
  ])('%s', (_name, input) => {
    expect(redactor.redact(input)).toBe(input);
  });

  it('redactDeep applies the cut rule to every string', () => {
    expect(redactor.redactDeep({ actual: 'x pp7Kq9…', list: ['pp7Kq9Zx aud…'] })).toEqual({ actual: 'x ***…', list: ['***…'] });
  });
});
