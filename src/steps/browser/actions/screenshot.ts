/** screenshot: a masked PNG of the page (password fields and secret-holding inputs painted over). */
import type { StepOf } from '../../../journey/schema.js';
import type { StepOutcome } from '../../types.js';
import { evidenceName, maskedScreenshot } from '../evidence.js';
import type { StepScope } from '../run-step.js';

export async function runScreenshot(step: StepOf<'screenshot'>, scope: StepScope): Promise<StepOutcome> {
  const { ctx, page } = scope;
  const spec = step.screenshot;
  const name = typeof spec === 'string' ? spec : spec === true ? undefined : spec.name;
  const fullPage = typeof spec === 'object' ? (spec.fullPage ?? false) : false;
  const data = await maskedScreenshot(page, ctx.secrets, { timeoutMs: scope.left(), fullPage });
  const file = await ctx.evidence.write(
    name ? `${ctx.journey}-a${ctx.attempt}-${name.replace(/\.png$/i, '')}.png` : evidenceName(ctx, 'screenshot.png'),
    data,
    'screenshot',
    name ?? `screenshot at ${ctx.phase} step ${ctx.index}`,
  );
  return { status: 'passed', evidence: [file] };
}
