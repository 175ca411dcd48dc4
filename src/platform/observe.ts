/**
 * One read of container truth: select, inspect, stat the artifact paths, resolve the
 * intended image, settle what "the deploy" was. I/O only — judging is evaluate.ts and
 * classify/container.ts — so `--wait` can simply read again until the checks hold.
 */
import type { ContainerFileStat, ContainerTruth, ImageObservation } from '../result/types.js';
import type { ContainerExpect } from '../journey/schema.js';
import { resolveDeployTime } from './evaluate.js';
import { PlatformError, describeSelector } from './types.js';
import type { PlatformErrorCode } from './types.js';
import type { CallOptions, ContainerSelector, ContainerSummary, PlatformSource } from './types.js';

export type Selection =
  | { readonly kind: 'none' }
  | { readonly kind: 'one'; readonly chosen: ContainerSummary; readonly others: readonly ContainerSummary[] }
  | { readonly kind: 'several'; readonly candidates: readonly ContainerSummary[] };

/**
 * One container from those that matched. Several match often after a redeploy by hand
 * (the old one stopped, the new one running): when exactly one of them runs it is the one
 * serving, and the stopped ones are recorded as set aside. Otherwise the selector is
 * ambiguous and the user must narrow it. Pure.
 */
export function pickContainer(matches: readonly ContainerSummary[]): Selection {
  const [only] = matches;
  if (!only) return { kind: 'none' };
  if (matches.length === 1) return { kind: 'one', chosen: only, others: [] };
  const running = matches.filter((c) => c.state === 'running' || c.state === 'restarting');
  const [serving] = running;
  if (running.length === 1 && serving) return { kind: 'one', chosen: serving, others: matches.filter((c) => c !== serving) };
  return { kind: 'several', candidates: matches };
}

export interface ObserveRequest {
  readonly selector: ContainerSelector;
  readonly expect?: ContainerExpect;
  /** --deployed-at / PATHPROOF_DEPLOYED_AT (ISO 8601). */
  readonly deployedAt?: string;
}

/** Could not verify (never blamed on the target): an engine fault or a selector the user must fix. */
/** Why the engine could not tell: a runner-side error (exit 3), never a verdict on the target. */
export type ObserveFault = { readonly code: PlatformErrorCode | 'CONTAINER_AMBIGUOUS' | 'CONTAINER_DEPLOY_UNKNOWN'; readonly message: string };

export type ContainerReading =
  | { readonly ok: true; readonly truth: ContainerTruth }
  | { readonly ok: false; readonly fault: ObserveFault; readonly truth: ContainerTruth };

export async function observeContainer(source: PlatformSource, request: ObserveRequest, call: CallOptions): Promise<ContainerReading> {
  const selector = describeSelector(request.selector);
  let truth: ContainerTruth = { selector, engine: source.describe() };
  const fail = (fault: ObserveFault): ContainerReading => ({ ok: false, fault, truth: { ...truth, engine: source.describe() } });
  try {
    const matches = await source.listContainers(request.selector, call);
    truth = { ...truth, engine: source.describe() };
    const picked = pickContainer(matches);
    if (picked.kind === 'none') return { ok: true, truth };
    if (picked.kind === 'several') {
      const names = picked.candidates.map((c) => `${c.name} (${c.state})`);
      return fail({
        code: 'CONTAINER_AMBIGUOUS',
        message: `${picked.candidates.length} containers match ${selector}: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''} — narrow runtime.container with name: (or project:, or more labels)`,
      });
    }
    const expect = request.expect;
    const container = await source.inspectContainer(picked.chosen.id, { ...call, envKeys: Object.keys(expect?.env ?? {}) });
    // Removed between the list and the inspect: it is not there any more.
    if (!container) return { ok: true, truth };
    truth = { ...truth, container, ...(picked.others.length > 0 ? { others: picked.others.map((c) => `${c.name} (${c.state})`) } : {}) };

    const files: ContainerFileStat[] = [];
    for (const path of expect?.files ?? []) files.push(await source.statPath(container.id, path, call));
    if (files.length > 0) truth = { ...truth, files };

    let intendedImage: ImageObservation | undefined;
    if (expect?.image !== undefined) {
      intendedImage = await source.resolveImage(expect.image, call);
      truth = { ...truth, intendedImage };
    }
    if (expect?.createdAfter !== undefined) {
      const deploy = resolveDeployTime(expect.createdAfter, { deployedAt: request.deployedAt, ...(intendedImage ? { intendedImage } : {}) });
      if (deploy.ok) truth = { ...truth, deploy: { at: deploy.at, source: deploy.source } };
      // An intended image the engine does not have already fails `image`; no deploy time to judge by is then no extra news.
      else if (!(intendedImage && !intendedImage.present)) return fail({ code: 'CONTAINER_DEPLOY_UNKNOWN', message: deploy.why });
    }
    return { ok: true, truth: { ...truth, engine: source.describe() } };
  } catch (error) {
    if (error instanceof PlatformError) return fail({ code: error.code, message: error.message });
    throw error;
  }
}
