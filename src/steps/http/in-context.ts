/**
 * An HTTP exchange as a step sees it: the request built against the journey's target with
 * the step's deadline, the attempt's cookies and the right dispatcher. Shared by HTTP steps
 * and runtime-truth checks, so both probe the same way.
 */
import { remaining } from '../../result/clock.js';
import type { StepContext } from '../types.js';
import { probe } from './probe.js';
import type { ProbeRequest, ProbeResult } from './probe.js';
import { buildProbeRequest } from './request.js';
import type { BuildResult, RequestSpecOutput } from './request.js';

export function requestInContext(spec: RequestSpecOutput, ctx: StepContext): BuildResult {
  const built = buildProbeRequest(spec, ctx.target, {
    timeoutMs: remaining(ctx.clock, ctx.deadline),
    maxRedirects: ctx.http.maxRedirects,
    maxBodyBytes: ctx.http.maxBodyBytes,
  });
  if (!built.ok) return built;
  return { ok: true, request: { ...built.request, cookies: ctx.cookies, ...(ctx.trace === undefined ? {} : { trace: ctx.trace }) } };
}

export async function probeInContext(request: ProbeRequest, ctx: StepContext): Promise<ProbeResult> {
  const dispatcher = ctx.insecure ? ctx.http.insecureDispatcher : ctx.http.dispatcher;
  const makeFresh = ctx.http.fresh;
  // Cookies a browser step set are read back before the request uses the jar.
  await ctx.cookies.sync();
  return probe(request, {
    dispatcher,
    clock: ctx.clock,
    signal: ctx.signal,
    ...(makeFresh === undefined ? {} : { fresh: () => makeFresh(!ctx.insecure) }),
  });
}
