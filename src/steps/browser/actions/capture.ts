/**
 * `capture:` on see / expectUrl: reads text, an input value, an attribute, the URL, or a
 * regex group out of them into `ctx.vars` for later `{{ name }}`. A capture that finds
 * nothing is a failed assertion (the page answered, but not with what the journey needs).
 */
import type { StepOf } from '../../../journey/schema.js';
import type { AssertionResult } from '../../../result/types.js';
import type { StepContext } from '../../types.js';
import { compileUserRegex } from '../../../journey/regex.js';

export type CaptureSpec = NonNullable<StepOf<'see'>['capture']>;
type CaptureHow = CaptureSpec[string];

/** Where captured values come from; each read is lazy (a `url` capture never touches the element). */
export interface CaptureSource {
  text(): Promise<string>;
  value(): Promise<string>;
  attribute(name: string): Promise<string | null>;
  url(): string;
}

/** Group `group`, or the first group when the regex has one, else the whole match. */
export function extractRegex(text: string, pattern: string, group: number | undefined): string | undefined {
  // Linear-time (RE2): a page's text cannot stall the process. Patterns were checked at load;
  // one that a {{ capture }} made invalid finds nothing.
  const compiled = compileUserRegex(pattern);
  const match = compiled.ok ? compiled.regex.exec(text) : null;
  if (!match) return undefined;
  return match[group ?? (match.length > 1 ? 1 : 0)];
}

function describeHow(how: CaptureHow): string {
  if (typeof how === 'string') return how;
  if ('attribute' in how) return `attribute ${how.attribute}`;
  return `regex /${how.regex}/ on ${how.from ?? 'text'}`;
}

async function read(how: CaptureHow, source: CaptureSource): Promise<{ value?: string; from: string }> {
  if (how === 'text') return { value: await source.text(), from: 'text' };
  if (how === 'value') return { value: await source.value(), from: 'value' };
  if (how === 'url') return { value: source.url(), from: 'url' };
  if ('attribute' in how) {
    const value = await source.attribute(how.attribute);
    return { value: value ?? undefined, from: 'the element' };
  }
  const text = how.from === 'url' ? source.url() : await source.text();
  return { value: extractRegex(text, how.regex, how.group), from: `${how.from ?? 'text'} (${JSON.stringify(text.slice(0, 120))})` };
}

export async function captureAll(
  spec: CaptureSpec | undefined,
  source: CaptureSource,
  ctx: Pick<StepContext, 'vars'>,
): Promise<{ captured: Record<string, string>; assertions: AssertionResult[] }> {
  const captured: Record<string, string> = {};
  const assertions: AssertionResult[] = [];
  for (const [name, how] of Object.entries(spec ?? {})) {
    const { value, from } = await read(how, source);
    const passed = value !== undefined;
    assertions.push({
      kind: 'capture',
      subject: name,
      expression: passed ? `capture ${name} = ${describeHow(how)}` : `capture ${name}: ${describeHow(how)} found nothing${typeof how === 'object' && 'regex' in how ? ` in ${from}` : ''}`,
      expected: describeHow(how),
      actual: value === undefined ? null : value,
      passed,
    });
    if (value === undefined) continue;
    ctx.vars.set(name, value);
    captured[name] = value;
  }
  return { captured, assertions };
}
