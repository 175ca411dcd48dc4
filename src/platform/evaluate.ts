/**
 * `runtime.container.expect` × what the engine said → assertions. Pure: the same truth
 * always gives the same assertions, so `--wait` can observe again and call this again.
 *
 * Each assertion reads like the HTTP ones: `image (sha256:1a2b… from shop-api:2.0.3) ==
 * shop-api:2.0.3 @ sha256:9f8e…`. Env values appear only for keys the journey listed
 * (the observation holds no others); labels are not secrets and are shown.
 */
import type { AssertionResult, ContainerCheckKind, ContainerObservation, ContainerTruth, ImageObservation } from '../result/types.js';
import type { ContainerExpect } from '../journey/schema.js';

/** `sha256:ab6171820088`: the 12 hex digits people know from `docker ps`. */
export function shortId(id: string | undefined): string {
  if (!id) return 'unknown';
  const match = /^(sha256:)?([0-9a-f]{12})[0-9a-f]*$/.exec(id);
  return match ? `${match[1] ?? ''}${match[2]}` : id;
}

/** `exited, exit code 137, OOM-killed` — the state as an operator says it. */
export function describeState(container: ContainerObservation): string {
  const { state } = container;
  const parts = [state.status];
  if (state.restarting) parts.push(`restart count ${state.restartCount}`);
  if (state.restarting || (!state.running && (state.status === 'exited' || state.status === 'dead'))) parts.push(`exit code ${state.exitCode}`);
  if (state.oomKilled) parts.push('OOM-killed');
  return parts.join(', ');
}

/** `volume shop_data_v1`, `bind /srv/data`, or `nothing`. */
export function describeMount(container: ContainerObservation, destination: string): string {
  const mount = container.mounts.find((m) => m.destination === destination);
  if (!mount) return 'nothing mounted';
  return `${mount.type} ${mount.name ?? mount.source ?? '?'}`;
}

/** The volume or bind source named in `expect.mounts` is the one mounted there (compose-prefixed names count). */
export function mountMatches(container: ContainerObservation, destination: string, expected: string): boolean {
  const mount = container.mounts.find((m) => m.destination === destination);
  if (!mount) return false;
  if (mount.name === expected || mount.source === expected) return true;
  // compose names a volume `<project>_<volume>`: `shop_data_v2` in the file is `shop_shop_data_v2` in the engine.
  const project = container.compose?.project;
  return project !== undefined && mount.name === `${project}_${expected}`;
}

export type DeployTime = { ok: true; at: string; source: string } | { ok: false; why: string };

/**
 * What "the deploy" is for `createdAfter`: an ISO time written in the journey; else
 * `--deployed-at` / PATHPROOF_DEPLOYED_AT; else the creation time of the intended image
 * (a container older than the image it should run was not recreated).
 */
export function resolveDeployTime(
  createdAfter: string,
  context: { readonly deployedAt?: string; readonly intendedImage?: ImageObservation },
): DeployTime {
  if (createdAfter !== 'deploy') return { ok: true, at: createdAfter, source: 'the time in the journey' };
  if (context.deployedAt !== undefined) return { ok: true, at: context.deployedAt, source: '--deployed-at' };
  const image = context.intendedImage;
  if (image?.present && image.createdAt) return { ok: true, at: image.createdAt, source: `creation of image ${image.reference}` };
  if (image && !image.present) return { ok: false, why: `${image.reference} is not in the engine, so its creation time is unknown` };
  return { ok: false, why: 'createdAfter: deploy needs --deployed-at (or PATHPROOF_DEPLOYED_AT) or expect.image to know when the deploy was' };
}

function assertion(kind: ContainerCheckKind, expression: string, expected: unknown, actual: unknown, passed: boolean, subject?: string): AssertionResult {
  return { kind, expression, expected, actual, passed, ...(subject === undefined ? {} : { subject }) };
}

/**
 * Every condition of `expect` against the truth. With no container only `container.found`
 * is returned (nothing else can be judged). The state is always checked: a check names a
 * container because something should be served by it.
 */
export function evaluateContainer(expect: ContainerExpect | undefined, truth: ContainerTruth): AssertionResult[] {
  const container = truth.container;
  if (!container) {
    return [assertion('container.found', `container (none) matches ${truth.selector}`, truth.selector, null, false)];
  }
  const out: AssertionResult[] = [
    assertion('container.found', `container (${container.name}) matches ${truth.selector}`, truth.selector, container.name, true),
  ];
  const running = container.state.running && !container.state.restarting && container.state.status === 'running';
  out.push(assertion('container.state', `state (${describeState(container)}) == running`, 'running', container.state.status, running));

  for (const file of truth.files ?? []) {
    const seen = file.exists ? (file.type ?? 'present') : 'missing';
    out.push(assertion('container.file', `file ${file.path} (${seen}) exists`, 'exists', seen, file.exists, file.path));
  }

  if (expect?.image !== undefined) {
    const intended = truth.intendedImage;
    const actual = `${shortId(container.image.id)} from ${container.image.reference || '?'}`;
    if (!intended?.present) {
      out.push(assertion('container.image', `image (${actual}) == ${expect.image} (not in the engine)`, expect.image, container.image.id, false));
    } else {
      const passed = intended.id === container.image.id;
      out.push(assertion('container.image', `image (${actual}) == ${expect.image} @ ${shortId(intended.id)}`, intended.id, container.image.id, passed));
    }
  }

  if (expect?.createdAfter !== undefined && truth.deploy) {
    const created = Date.parse(container.createdAt);
    const deploy = Date.parse(truth.deploy.at);
    const passed = Number.isFinite(created) && Number.isFinite(deploy) && created >= deploy;
    out.push(
      assertion(
        'container.created',
        `created (${container.createdAt || 'unknown'}) after deploy (${truth.deploy.at}, ${truth.deploy.source})`,
        truth.deploy.at,
        container.createdAt,
        passed,
      ),
    );
  }

  for (const [destination, expected] of Object.entries(expect?.mounts ?? {})) {
    const passed = mountMatches(container, destination, expected);
    out.push(assertion('container.mount', `mount ${destination} (${describeMount(container, destination)}) == ${expected}`, expected, describeMount(container, destination), passed, destination));
  }

  for (const [name, expected] of Object.entries(expect?.env ?? {})) {
    const value = Object.hasOwn(container.env.values, name) ? container.env.values[name] : undefined;
    const seen = value === undefined ? 'unset' : JSON.stringify(value);
    out.push(assertion('container.env', `env ${name} (${seen}) == ${JSON.stringify(expected)}`, expected, value ?? null, value === expected, name));
  }

  for (const [name, expected] of Object.entries(expect?.labels ?? {})) {
    const value = Object.hasOwn(container.labels, name) ? container.labels[name] : undefined;
    const seen = value === undefined ? 'absent' : JSON.stringify(value);
    out.push(assertion('container.label', `label ${name} (${seen}) == ${JSON.stringify(expected)}`, expected, value ?? null, value === expected, name));
  }

  const health = container.health.status;
  if ((expect?.health ?? 'running') === 'healthy') {
    out.push(assertion('container.health', `health (${health === 'none' ? 'no health check' : health}) == healthy`, 'healthy', health, health === 'healthy'));
  } else if (health !== 'none') {
    // Running is enough, but a failing health check is never a pass.
    out.push(assertion('container.health', `health (${health}) != unhealthy`, 'not unhealthy', health, health !== 'unhealthy'));
  }
  return out;
}
