/**
 * Endpoint mapping (DESIGN §7, first in the operator's order): which container receives the
 * connections to a journey's target, from the engine's list of running containers. Pure: the
 * source resolves the target and says whether it is on the engine's host; this decides.
 *
 * Two ways a container owns an address:
 * - its own address on a container network is the target's (pathproof inside a compose
 *   network, the target `http://api:8080`): the port is the container's own;
 * - it publishes the target's port on the engine's host (`-p 8080:80`, compose `ports:`), and
 *   the target is that host.
 *
 * What cannot be told, and says why: a container on the host network publishes nothing (the
 * engine does not know which process listens on a host port); nothing published there (a proxy
 * or a process outside the engine, or nothing at all); the target on another machine than the
 * engine; several containers that could own it.
 */
import type { EndpointMapping } from '../result/types.js';
import { COMPOSE_LABELS } from './docker/inspect.js';
import type { ContainerSummary, EndpointTarget } from './types.js';

export interface MappingContext {
  /** The target's addresses, resolved where pathproof runs. */
  readonly addresses: readonly string[];
  /** Whether those addresses reach the engine's host: only then do published ports say anything. */
  readonly onEngineHost: boolean;
  /** Why not, in a few words, when they do not: `shop.example resolves to 203.0.113.7, not this engine's host`. */
  readonly elsewhere?: string;
}

const WILDCARDS = new Set(['', '0.0.0.0', '::']);
const MAX_NAMES = 5;

/** `127.0.0.1:8080`, `[::1]:8080`, `shop.example:443`. */
export function targetText(target: EndpointTarget): string {
  return `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}

function names(containers: readonly ContainerSummary[]): string {
  const list = containers.map((c) => c.name);
  return `${list.slice(0, MAX_NAMES).join(', ')}${list.length > MAX_NAMES ? ', …' : ''}`;
}

function mapped(target: EndpointTarget, container: ContainerSummary, port: string): EndpointMapping {
  const project = container.labels[COMPOSE_LABELS.project];
  const service = container.labels[COMPOSE_LABELS.service];
  return {
    kind: 'mapped',
    target: targetText(target),
    container: {
      id: container.id,
      name: container.name,
      port,
      ...(container.image ? { image: container.image } : {}),
      ...(project !== undefined && service !== undefined ? { compose: { project, service } } : {}),
    },
    selected: false,
  };
}

/** Which running container owns `target`, or why that cannot be told. */
export function mapEndpoint(containers: readonly ContainerSummary[], target: EndpointTarget, context: MappingContext): EndpointMapping {
  const text = targetText(target);
  const unmapped = (why: string): EndpointMapping => ({ kind: 'unmapped', target: text, why });
  const running = containers.filter((c) => c.state === 'running' || c.state === 'restarting');

  // A container's own address on a container network.
  const byAddress = running.filter((c) => (c.addresses ?? []).some((a) => context.addresses.includes(a)));
  const [owner] = byAddress;
  if (byAddress.length === 1 && owner) return mapped(target, owner, `${target.port}/tcp`);
  if (byAddress.length > 1) return unmapped(`several containers have the address ${context.addresses.join(', ')}: ${names(byAddress)}`);

  if (!context.onEngineHost) return unmapped(context.elsewhere ?? `${text} is neither a container's address nor this engine's host`);

  // A port published on the engine's host: an exact address binding before a wildcard one.
  const binds = (exact: boolean) =>
    running.filter((c) =>
      (c.ports ?? []).some((p) => p.protocol === 'tcp' && p.hostPort === target.port && (exact ? context.addresses.includes(p.hostIp) : WILDCARDS.has(p.hostIp))),
    );
  const exact = binds(true);
  const publishers = exact.length > 0 ? exact : binds(false);
  const [publisher] = publishers;
  if (publishers.length === 1 && publisher) {
    const published = (publisher.ports ?? []).find((p) => p.protocol === 'tcp' && p.hostPort === target.port);
    return mapped(target, publisher, `${published?.containerPort ?? '?'}/tcp`);
  }
  if (publishers.length > 1) return unmapped(`several containers publish port ${target.port}: ${names(publishers)}`);

  const hostNetwork = running.filter((c) => c.networkMode === 'host');
  if (hostNetwork.length > 0) {
    const who = hostNetwork.length === 1 ? `${names(hostNetwork)} runs` : `${hostNetwork.length} containers run (${names(hostNetwork)})`;
    return unmapped(`no container publishes port ${target.port}; ${who} on the host network, where the engine cannot tell which one listens on it`);
  }
  return unmapped(`no container publishes port ${target.port}: something outside the engine listens there (a proxy or a process on the host), or nothing does`);
}
