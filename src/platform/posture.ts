/**
 * Posture: intended (a compose file) vs running (the engine), per service. Observing is
 * I/O ({@link observePosture}); comparing is pure ({@link comparePosture}), so the same
 * reading can be judged again, rendered as a table, or written into a run's record.
 *
 * Env values are compared but never kept in a row: a compose file's env is where secrets
 * live, so a row says *which* name differs, never what either side holds.
 */
import type { ContainerObservation, ImageObservation, Posture, PostureProblem, PostureRow, PostureStatus } from '../result/types.js';
import { POSTURE_STATUSES } from '../result/types.js';
import type { IntendedCompose, IntendedService } from './compose.js';
import { COMPOSE_LABELS } from './docker/inspect.js';
import { describeState, shortId } from './evaluate.js';
import type { CallOptions, PlatformSource } from './types.js';

// The posture's data types are the shared language (run.json records the posture of a run).
export { POSTURE_STATUSES } from '../result/types.js';
export type { Posture, PostureProblem, PostureRow, PostureStatus } from '../result/types.js';

export interface PostureReading {
  readonly compose: IntendedCompose;
  readonly engine: string;
  /** Containers of the project, by service label (one-off `run` containers left out). */
  readonly containers: Readonly<Record<string, readonly ContainerObservation[]>>;
  /** Intended references resolved by the engine. */
  readonly images: Readonly<Record<string, ImageObservation>>;
  /** COMPOSE_PROFILES at the time, for services under a profile. */
  readonly activeProfiles: readonly string[];
  readonly deployedAt?: string;
}

/** The names compose gives a `build:`-only service's image (v2, then v1). */
export function builtImageNames(project: string, service: string): string[] {
  return [`${project}-${service}`, `${project}_${service}`];
}

/** Reads everything the comparison needs. Engine faults propagate as {@link PlatformError}. */
export async function observePosture(
  source: PlatformSource,
  compose: IntendedCompose,
  call: CallOptions,
  context: { readonly activeProfiles: readonly string[]; readonly deployedAt?: string },
): Promise<PostureReading> {
  const summaries = await source.listContainers({ by: 'labels', labels: { [COMPOSE_LABELS.project]: compose.project } }, call);
  const containers: Record<string, ContainerObservation[]> = {};
  for (const summary of summaries) {
    if (summary.labels[COMPOSE_LABELS.oneoff]?.toLowerCase() === 'true') continue;
    const service = summary.labels[COMPOSE_LABELS.service];
    if (service === undefined) continue;
    const intended = compose.services.find((s) => s.name === service);
    const envKeys = Object.keys(intended?.environment ?? {});
    const observed = await source.inspectContainer(summary.id, { ...call, envKeys });
    if (observed) (containers[service] ??= []).push(observed);
  }
  const images: Record<string, ImageObservation> = {};
  for (const service of compose.services) {
    const candidates = service.image !== undefined ? [service.image] : service.build ? builtImageNames(compose.project, service.name) : [];
    for (const reference of candidates) {
      if (images[reference]) continue;
      images[reference] = await source.resolveImage(reference, call);
      if (images[reference]?.present) break;
    }
  }
  for (const list of Object.values(containers)) list.sort((a, b) => (a.compose?.number ?? 0) - (b.compose?.number ?? 0) || a.name.localeCompare(b.name));
  return { compose, engine: source.describe(), containers, images, activeProfiles: context.activeProfiles, ...(context.deployedAt ? { deployedAt: context.deployedAt } : {}) };
}

function intendedImageOf(reading: PostureReading, service: IntendedService): ImageObservation | undefined {
  if (service.image !== undefined) return reading.images[service.image];
  if (!service.build) return undefined;
  const names = builtImageNames(reading.compose.project, service.name);
  return names.map((n) => reading.images[n]).find((i) => i?.present) ?? reading.images[names[0] ?? ''];
}

function serviceProblems(reading: PostureReading, service: IntendedService, containers: readonly ContainerObservation[]): PostureProblem[] {
  const problems: PostureProblem[] = [];
  // Too few containers is `missing`; a container that is there but not running says so in its own problem.
  if (containers.length === 0) problems.push({ status: 'missing', text: 'no container' });
  else if (containers.length < service.replicas) problems.push({ status: 'missing', text: `${containers.length} of ${service.replicas} containers` });
  const intended = intendedImageOf(reading, service);
  const deployedAt = reading.deployedAt ? Date.parse(reading.deployedAt) : undefined;
  for (const container of containers) {
    const who = containers.length > 1 ? `${container.name}: ` : '';
    const { state } = container;
    if (state.restarting) problems.push({ status: 'restarting', text: `${who}restarting (restart count ${state.restartCount}, exit code ${state.exitCode})` });
    else if (!state.running) problems.push({ status: 'exited', text: `${who}${describeState(container)}` });

    if (intended && !intended.present) {
      problems.push({ status: 'stale', text: `${who}intended image ${intended.reference} is not in the engine` });
    } else if (intended?.id && intended.id !== container.image.id) {
      problems.push({ status: 'stale', text: `${who}old image: runs ${shortId(container.image.id)}, ${intended.reference} is ${shortId(intended.id)}` });
    } else if (intended?.createdAt && Date.parse(container.createdAt) < Date.parse(intended.createdAt)) {
      problems.push({ status: 'stale', text: `${who}not recreated: created ${container.createdAt}, before its image` });
    }
    if (deployedAt !== undefined && Date.parse(container.createdAt) < deployedAt) {
      problems.push({ status: 'stale', text: `${who}not recreated: created ${container.createdAt}, before the deploy at ${reading.deployedAt}` });
    }

    for (const mount of service.volumes) {
      const actual = container.mounts.find((m) => m.destination === mount.target);
      if (!actual) {
        problems.push({ status: 'wrong-volume', text: `${who}nothing mounted at ${mount.target}, intended ${mount.kind === 'anonymous' ? 'a volume' : (mount.source ?? '?')}` });
        continue;
      }
      const seen = actual.name ?? actual.source ?? '?';
      const ok = mount.kind === 'anonymous' ? actual.type === 'volume' : mount.kind === 'bind' ? actual.source === mount.source : actual.name === mount.source;
      if (!ok) problems.push({ status: 'wrong-volume', text: `${who}${mount.target} has ${actual.type} ${seen}, intended ${mount.source ?? 'a volume'}` });
    }

    const unset: string[] = [];
    const differ: string[] = [];
    for (const [name, value] of Object.entries(service.environment)) {
      if (!container.env.names.includes(name)) unset.push(name);
      else if (value !== null && container.env.values[name] !== value) differ.push(name);
    }
    if (differ.length > 0) problems.push({ status: 'env', text: `${who}env ${differ.join(', ')} ${differ.length === 1 ? 'differs' : 'differ'}` });
    if (unset.length > 0) problems.push({ status: 'env', text: `${who}env ${unset.join(', ')} not set` });

    if (state.running && container.health.status === 'unhealthy') {
      const output = container.health.lastOutput ? `: ${container.health.lastOutput.slice(0, 60)}` : '';
      problems.push({ status: 'unhealthy', text: `${who}unhealthy (failing streak ${container.health.failingStreak ?? '?'}${output})` });
    }
    if (state.running && container.health.status === 'starting') problems.push({ status: 'starting', text: `${who}health check not passed yet` });
  }
  return problems;
}

function worst(problems: readonly PostureProblem[]): PostureStatus {
  let best: PostureStatus = 'ok';
  for (const p of problems) if (POSTURE_STATUSES.indexOf(p.status) < POSTURE_STATUSES.indexOf(best)) best = p.status;
  return best;
}

/** Intended vs running, one row per service (compose order), then containers of services the file does not have. Pure. */
export function comparePosture(reading: PostureReading): Posture {
  const { compose } = reading;
  const rows: PostureRow[] = [];
  for (const service of compose.services) {
    const containers = reading.containers[service.name] ?? [];
    const intended = intendedImageOf(reading, service);
    const image = {
      ...(service.image !== undefined ? { intended: service.image } : service.build ? { intended: intended?.reference ?? '(build)' } : {}),
      ...(intended?.id ? { intendedId: intended.id } : {}),
      running: [...new Set(containers.map((c) => c.image.id))],
    };
    const inactive = service.profiles.length > 0 && !service.profiles.some((p) => reading.activeProfiles.includes(p));
    if (inactive && containers.length === 0) {
      rows.push({ service: service.name, status: 'inactive', containers: [], image, problems: [] });
      continue;
    }
    const problems = serviceProblems(reading, service, containers);
    rows.push({ service: service.name, status: worst(problems), containers: containers.map((c) => c.name), image, problems });
  }
  const known = new Set(compose.services.map((s) => s.name));
  for (const [service, containers] of Object.entries(reading.containers).sort(([a], [b]) => a.localeCompare(b))) {
    if (known.has(service)) continue;
    rows.push({
      service,
      status: 'extra',
      containers: containers.map((c) => c.name),
      image: { running: [...new Set(containers.map((c) => c.image.id))] },
      problems: [{ status: 'extra', text: `not in ${compose.file} (${containers.map((c) => c.state.status).join(', ')})` }],
    });
  }
  return {
    project: compose.project,
    file: compose.file,
    engine: reading.engine,
    consistent: rows.every((r) => r.status === 'ok' || r.status === 'inactive'),
    rows,
  };
}

/** A table a person reads at a glance, then one line naming exactly which services drift. */
export function renderPosture(posture: Posture): string {
  const header = ['SERVICE', 'STATUS', 'CONTAINER', 'IMAGE', 'PROBLEMS'];
  const lines = posture.rows.map((row) => {
    const ids = row.image.running.map((id) => shortId(id));
    const image = [row.image.intended ?? '—', ids.length > 0 ? `@ ${ids.join(', ')}` : ''].filter(Boolean).join(' ');
    return [row.service, row.status, row.containers.join(', ') || '—', image, row.problems.map((p) => p.text).join('; ')];
  });
  const widths = header.map((h, i) => Math.min(48, Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length))));
  const format = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [`posture of project ${posture.project} (${posture.file}) on ${posture.engine}`, '', format(header), ...lines.map(format), '', postureSummary(posture)];
  return `${out.join('\n')}\n`;
}

/**
 * The posture in one line, naming exactly which services drift: `consistent: 3 of 3 services run
 * as intended`, `drift: stale: worker · wrong-volume: api`, or, when some intended services run
 * as intended and others do not (a rollout that reached only part of the project), `partial
 * deployment: stale: worker — as intended: api, web`.
 */
export function postureSummary(posture: Pick<Posture, 'rows'>): string {
  const counted = posture.rows.filter((r) => r.status !== 'extra');
  const bad = posture.rows.filter((r) => r.status !== 'ok' && r.status !== 'inactive');
  if (bad.length === 0) return `consistent: ${counted.filter((r) => r.status === 'ok').length} of ${counted.length} services run as intended`;
  const byStatus = POSTURE_STATUSES.filter((s) => bad.some((r) => r.status === s)).map((s) => `${s}: ${bad.filter((r) => r.status === s).map((r) => r.service).join(', ')}`);
  const okNames = posture.rows.filter((r) => r.status === 'ok').map((r) => r.service);
  const partial = okNames.length > 0 && bad.some((r) => r.status !== 'extra');
  return `${partial ? 'partial deployment' : 'drift'}: ${byStatus.join(' · ')}${okNames.length > 0 ? ` — as intended: ${okNames.join(', ')}` : ''}`;
}
