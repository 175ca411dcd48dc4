/**
 * The `runtime.container` driver, planned first in the runtime-truth phase (DESIGN §7: the
 * container before the version probe): read what the engine says (platform/), check it
 * against `expect` (platform/evaluate.ts, pure), and return the observation as a symptom
 * when something does not hold. src/classify/container.ts judges it.
 *
 * An engine that cannot be reached, a selector matching several containers, or no way to
 * tell when the deploy was are `error` (could not verify, exit 3), never drift. No
 * container matching is a `container` symptom (classified `endpoint`: nothing runs to serve
 * the journey). Redaction is not done here: the runner redacts at its one boundary.
 */
import type { AssertionResult, ContainerTruth, EndpointMapping } from '../../result/types.js';
import type { ContainerCheck } from '../../journey/schema.js';
import type { StepContext, StepOutcome } from '../types.js';
import { evaluateContainer } from '../../platform/evaluate.js';
import { observeContainer } from '../../platform/observe.js';
import type { ContainerSelector, EndpointTarget, PlatformSource } from '../../platform/types.js';
import { PlatformError } from '../../platform/types.js';
import { targetText } from '../../platform/endpoint.js';

/** What container checks need, built once by the CLI and passed down like `http`. */
export interface ContainerDeps {
  readonly source: PlatformSource;
  /** --deployed-at / PATHPROOF_DEPLOYED_AT (ISO 8601): what `createdAfter: deploy` means when given. */
  readonly deployedAt?: string;
  /** `intended.project` of pathproof.yaml: the default project of `service:` selectors. */
  readonly project?: string;
}

export interface ContainerCheckOutcome {
  readonly outcome: StepOutcome;
  /** What was seen, even when the check errored part-way (evidence for the report). */
  readonly truth?: ContainerTruth;
}

/** The selector a check names, with the project's default compose project for `service:`. */
export function selectorOf(check: ContainerCheck, defaultProject: string | undefined): ContainerSelector {
  if (check.service !== undefined) {
    const project = check.project ?? defaultProject;
    return { by: 'service', service: check.service, ...(project !== undefined ? { project } : {}) };
  }
  if (check.name !== undefined) return { by: 'name', name: check.name };
  return { by: 'labels', labels: check.label ?? {} };
}

/** `runtime.container service api`: the label reports show. */
export function labelContainer(check: ContainerCheck): string {
  const by = check.service !== undefined ? `service ${check.service}` : check.name !== undefined ? `name ${check.name}` : 'label';
  return `runtime.container ${by}`;
}

export async function checkContainer(check: ContainerCheck, ctx: StepContext, deps: ContainerDeps | undefined): Promise<ContainerCheckOutcome> {
  if (!deps) {
    return {
      outcome: {
        status: 'error',
        error: { code: 'ENGINE_NOT_CONFIGURED', message: 'runtime.container needs a container engine, and none was set up for this run' },
      },
    };
  }
  const reading = await observeContainer(
    deps.source,
    { selector: selectorOf(check, deps.project), ...(check.expect ? { expect: check.expect } : {}), ...(deps.deployedAt ? { deployedAt: deps.deployedAt } : {}) },
    { deadline: ctx.deadline, signal: ctx.signal },
  );
  if (ctx.signal.aborted) {
    return { truth: reading.truth, outcome: { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted' } } };
  }
  if (!reading.ok) return { truth: reading.truth, outcome: { status: 'error', error: reading.fault } };
  const endpoint = await endpointOf(deps.source, ctx, reading.truth);
  const truth: ContainerTruth = endpoint === undefined ? reading.truth : { ...reading.truth, endpoint };
  const assertions: AssertionResult[] = evaluateContainer(check.expect, truth);
  const holds = assertions.every((a) => a.passed);
  return {
    truth,
    outcome: holds ? { status: 'passed', assertions } : { status: 'failed', symptom: { kind: 'container', truth }, assertions },
  };
}

/**
 * Endpoint mapping (DESIGN §7, first in the operator's order): which container owns the
 * journey's target port, recorded beside the selected one. Evidence only: it never fails the
 * check, and an engine fault here (the main reading worked) is said, not raised. Undefined
 * without an http(s) target.
 */
async function endpointOf(source: PlatformSource, ctx: StepContext, truth: ContainerTruth): Promise<EndpointMapping | undefined> {
  const target = endpointTarget(ctx.target);
  if (target === undefined) return undefined;
  try {
    const mapping = await source.mapEndpoint(target, { deadline: ctx.deadline, signal: ctx.signal });
    return mapping.kind === 'mapped' ? { ...mapping, selected: mapping.container.id === truth.container?.id } : mapping;
  } catch (error) {
    if (!(error instanceof PlatformError)) throw error;
    return { kind: 'unmapped', target: targetText(target), why: `the engine could not be asked (${error.code})` };
  }
}

/** The host and port a journey's requests go to: `http://127.0.0.1:8080/app` → 127.0.0.1, 8080. */
export function endpointTarget(target: string | undefined): EndpointTarget | undefined {
  if (target === undefined || !URL.canParse(target)) return undefined;
  const url = new URL(target);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/** The driver the runner plans: the outcome, with the truth it read for the attempt's `runtime.container`. */
export async function runContainerCheck(check: ContainerCheck, ctx: StepContext, deps: ContainerDeps | undefined): Promise<StepOutcome> {
  const { outcome, truth } = await checkContainer(check, ctx, deps);
  return truth === undefined ? outcome : { ...outcome, truth: { key: 'container', value: truth } };
}
