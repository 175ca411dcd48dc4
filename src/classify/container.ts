/**
 * Container truth (DESIGN §7) → layer and hint. Keyed on the assertion kinds below, never
 * on their text. When several conditions fail, the verdict follows the operator's order:
 * the earliest layer wins (a missing or exited container, `endpoint`, before the wrong
 * image, `drift`, before an unhealthy one, `app`), and within a layer the order of
 * CONTAINER_CHECKS: artifact → image → recreated → volume → env → labels.
 *
 * Hint forms (stable; tests assert them):
 * - `no container matches service api (project shop): …`
 * - `no container matches name shop-api, but the target 127.0.0.1:8080 is served by container shop-web-1 (service web): …`
 * - `container shop-api-1 exited (exit code 137, OOM-killed): …`
 * - `/app/dist/modules/workflow is missing in container shop-api-1 …`
 * - `container shop-api-1 runs sha256:… but shop-api:2.0.3 is now sha256:…: the tag moved …`
 * - `container shop-api-1 was created … before the deploy at … (--deployed-at): not recreated …`
 * - `container shop-api-1 is unhealthy …` / `… is restarting …`
 */
import type { AssertionResult, ContainerCheckKind, ContainerTruth, Failure, Layer } from '../result/types.js';
import { CONTAINER_CHECKS, LAYERS } from '../result/types.js';
import { oneLine } from '../util/format.js';

export interface ContainerFailureInput {
  readonly truth: ContainerTruth;
  readonly assertions: readonly AssertionResult[];
}

const short = (id: string | undefined): string => {
  const match = /^(sha256:)?([0-9a-f]{12})/.exec(id ?? '');
  return match ? `${match[1] ?? ''}${match[2]}` : (id ?? 'unknown');
};

function layerOf(kind: ContainerCheckKind, input: ContainerFailureInput, failed: AssertionResult): Layer {
  switch (kind) {
    case 'container.found':
      return 'endpoint';
    case 'container.state':
      // A crash loop is the app failing; a container that stopped serves nothing at all.
      return input.truth.container?.state.restarting ? 'app' : 'endpoint';
    case 'container.health':
      // "healthy" was asked of a container that has no health check: it is not the intended one.
      return failed.actual === 'none' ? 'drift' : 'app';
    default:
      return 'drift';
  }
}

const isCheck = (kind: string): kind is ContainerCheckKind => (CONTAINER_CHECKS as readonly string[]).includes(kind);

/** The failure to report, or undefined when every condition holds. */
export function classifyContainer(input: ContainerFailureInput): Failure | undefined {
  const failed = input.assertions
    .filter((a) => !a.passed && isCheck(a.kind))
    .map((a) => ({ assertion: a, kind: a.kind as ContainerCheckKind, layer: layerOf(a.kind as ContainerCheckKind, input, a) }))
    .sort((a, b) => LAYERS.indexOf(a.layer) - LAYERS.indexOf(b.layer) || CONTAINER_CHECKS.indexOf(a.kind) - CONTAINER_CHECKS.indexOf(b.kind));
  const [first, ...rest] = failed;
  if (!first) return undefined;
  const container = input.truth.container;
  const who = container ? `${container.name} (${short(container.id)})` : undefined;
  const also = rest.length > 0 ? `; also failing: ${rest.map((f) => f.assertion.expression).join('; ')}` : '';
  const where = input.truth.engine ? ` via ${input.truth.engine}` : '';
  // Endpoint mapping, when the target's port belongs to another container than the one checked.
  const endpoint = input.truth.endpoint;
  const elsewhere = endpoint?.kind === 'mapped' && !endpoint.selected ? `; the target ${endpoint.target} is served by container ${endpoint.container.name}` : '';
  return {
    layer: first.layer,
    message: oneLine(first.assertion.expression, 200),
    hint: hintFor(first.kind, first.assertion, input),
    reason: oneLine(`${who ? `container ${who} selected by` : 'nothing matched'} ${input.truth.selector}${where}${elsewhere}${also}`, 400),
  };
}

function hintFor(kind: ContainerCheckKind, failed: AssertionResult, input: ContainerFailureInput): string {
  const { truth } = input;
  const container = truth.container;
  const name = container?.name ?? '?';
  switch (kind) {
    case 'container.found': {
      const endpoint = truth.endpoint;
      if (endpoint?.kind === 'mapped') {
        const service = endpoint.container.compose ? ` (service ${endpoint.container.compose.service})` : '';
        return `no container matches ${truth.selector}, but the target ${endpoint.target} is served by container ${endpoint.container.name}${service}: the check names another container than the one that answers — fix the selector or the target before the proxy or the code`;
      }
      return `no container matches ${truth.selector}: nothing runs to serve this journey — check \`docker ps -a\` and the deploy's own log before the proxy or the code`;
    }
    case 'container.state': {
      const state = container?.state;
      if (!state) return `container ${name} is not running`;
      if (state.restarting) {
        return `container ${name} is restarting (restart count ${state.restartCount}, last exit code ${state.exitCode}${state.oomKilled ? ', OOM-killed' : ''}): it crash-loops — read \`docker logs ${name}\` before the proxy or the code`;
      }
      if (state.status === 'exited' || state.status === 'dead') {
        const oom = state.oomKilled ? ', OOM-killed' : '';
        const when = state.finishedAt ? ` at ${state.finishedAt}` : '';
        const next = state.oomKilled
          ? `it ran out of memory — check its memory limit and \`docker logs ${name}\``
          : `nothing serves this path — read \`docker logs ${name}\``;
        return `container ${name} ${state.status} (exit code ${state.exitCode}${oom})${when}: ${next} before the proxy or the code`;
      }
      if (state.status === 'created') {
        return `container ${name} was created but never started${state.error ? ` (${oneLine(state.error, 100)})` : ''}: nothing serves this path — check the deploy's log and \`docker start\` errors`;
      }
      return `container ${name} is ${state.status}, not running: nothing serves this path — check why it is ${state.status} before the proxy or the code`;
    }
    case 'container.file': {
      const missing = `${failed.subject ?? 'the artifact'} is missing in container ${name} (image ${short(container?.image.id)} from ${container?.image.reference || '?'})`;
      const intended = truth.intendedImage;
      // The artifact is checked first, but when the container also runs another image, that is why it lacks it.
      const staleImage = input.assertions.some((a) => a.kind === 'container.image' && !a.passed);
      if (staleImage && intended?.present) {
        return `${missing}, and ${intended.reference} is now ${short(intended.id)}: the container runs an older build than intended — recreate it (docker compose up -d), then check the artifact again before the route or the code`;
      }
      return `${missing}: the running build lacks the artifact — check the image's build output and which image the container runs before the route or the code`;
    }
    case 'container.image': {
      const intended = truth.intendedImage;
      const reference = intended?.reference ?? String(failed.expected);
      if (!intended?.present) {
        return `${reference} is not in the engine's images: the intended build was never built or pulled here, so container ${name} cannot be running it — check the deploy pulled the image before the code`;
      }
      const runs = `container ${name} runs ${short(container?.image.id)}`;
      if (container?.image.reference === reference) {
        return `${runs} but ${reference} is now ${short(intended.id)}: the tag moved to a new build and the container was not recreated — recreate it (docker compose up -d) and check old replicas no longer get traffic`;
      }
      return `${runs} (${container?.image.reference || '?'}), not ${reference} (${short(intended.id)}): the deploy did not replace this container — check what the orchestrator actually started before the code`;
    }
    case 'container.created':
      return `container ${name} was created ${container?.createdAt ?? '?'}, before the deploy at ${truth.deploy?.at ?? '?'} (${truth.deploy?.source ?? '?'}): it was not recreated, so it runs the old configuration — recreate it and re-run`;
    case 'container.mount':
      return `${failed.subject ?? '?'} in container ${name} has ${String(failed.actual)}, expected ${String(failed.expected)}: the wrong volume is attached, so the app sees another generation of data — check the compose volumes and recreate the container`;
    case 'container.env': {
      const seen = failed.actual === null ? 'is unset' : `is ${JSON.stringify(failed.actual)}`;
      return `env ${failed.subject ?? '?'} ${seen} in container ${name}, expected ${JSON.stringify(failed.expected)}: the container runs with another configuration than intended — check the compose/env file and recreate it`;
    }
    case 'container.label': {
      const seen = failed.actual === null ? 'is absent' : `is ${JSON.stringify(failed.actual)}`;
      return `label ${failed.subject ?? '?'} ${seen} on container ${name}, expected ${JSON.stringify(failed.expected)}: it runs another build than intended — check the image it was created from`;
    }
    case 'container.health': {
      const health = container?.health;
      if (failed.actual === 'none') {
        return `container ${name} has no health check, so "healthy" cannot hold: the image lost its HEALTHCHECK (another build?) or the journey should expect health: running`;
      }
      if (health?.status === 'starting') {
        return `container ${name} is still starting (health check not passed yet): the rollout has not finished — wait for it before judging the app`;
      }
      const output = health?.lastOutput ? `: ${oneLine(health.lastOutput, 100)}` : '';
      const streak = health?.failingStreak !== undefined ? ` (failing streak ${health.failingStreak}${health.lastExitCode !== undefined ? `, last check exit ${health.lastExitCode}` : ''}${output})` : '';
      return `container ${name} is unhealthy${streak}: it runs but its own health check fails — read the health check output and \`docker logs ${name}\`, then its dependencies`;
    }
  }
}
