/**
 * The Docker engine as a {@link PlatformSource}: list, inspect, resolve an image, stat a
 * path. Reads only (GET/HEAD through {@link DockerEngine}); nothing is ever executed in a
 * container, so checking a file is `HEAD /containers/{id}/archive`, not `exec ls`.
 */
import type { Clock } from '../../result/clock.js';
import type { ContainerFileStat, ContainerObservation, EndpointMapping, ImageObservation } from '../../result/types.js';
import { oneLine } from '../../util/format.js';
import { PlatformError } from '../types.js';
import type { CallOptions, ContainerSelector, ContainerSummary, EndpointTarget, PlatformSource } from '../types.js';
import { mapEndpoint, targetText } from '../endpoint.js';
import { onEngineHost, resolveHost } from './host.js';
import type { EngineAddress } from './address.js';
import { createDockerEngine } from './engine.js';
import type { DockerEngine, EngineResponse } from './engine.js';
import { COMPOSE_LABELS, parsePathStat, toContainerObservation, toContainerSummary, toImageObservation } from './inspect.js';

/** An image reference as registries spell it: `shop-api:2.0.3`, `reg:5000/team/app@sha256:…`, `sha256:…`. */
export const IMAGE_REFERENCE_RE = /^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,511}$/;

export interface DockerSourceOptions {
  readonly address: EngineAddress;
  readonly clock: Clock;
  readonly requestTimeoutMs?: number;
  readonly maxBodyBytes?: number;
}

export function createDockerSource(options: DockerSourceOptions): PlatformSource & { readonly engine: DockerEngine } {
  const engine = createDockerEngine(options);
  return dockerSource(engine);
}

/** A source over an existing engine client (tests pass one pointed at their own engine). */
export function dockerSource(engine: DockerEngine): PlatformSource & { readonly engine: DockerEngine } {
  const json = (response: EngineResponse, what: string): unknown => {
    try {
      return JSON.parse(response.body);
    } catch {
      throw new PlatformError('ENGINE_API_ERROR', `the engine at ${engine.address.display} answered ${what} with something that is not JSON`);
    }
  };
  const unexpected = (response: EngineResponse, what: string): PlatformError =>
    new PlatformError('ENGINE_API_ERROR', `the engine at ${engine.address.display} answered ${what} with ${response.status}${messageOf(response)}`);

  return {
    engine,
    describe: () => engine.describe(),

    async listContainers(selector: ContainerSelector, call: CallOptions): Promise<ContainerSummary[]> {
      const filters = engineFilters(selector);
      const path = `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify(filters))}`;
      const response = await engine.get(path, call);
      if (response.status !== 200) throw unexpected(response, 'GET /containers/json');
      const list = json(response, 'GET /containers/json');
      if (!Array.isArray(list)) throw new PlatformError('ENGINE_API_ERROR', `the engine at ${engine.address.display} answered GET /containers/json with something that is not a list`);
      // The engine's filters are coarse (name matches a substring): decide exactly here.
      return list.map(toContainerSummary).filter((c): c is ContainerSummary => c !== undefined && matchesSelector(selector, c));
    },

    async inspectContainer(id: string, call: CallOptions & { envKeys: readonly string[] }): Promise<ContainerObservation | undefined> {
      const response = await engine.get(`/containers/${encodeURIComponent(id)}/json`, call);
      if (response.status === 404) return undefined;
      if (response.status !== 200) throw unexpected(response, 'GET /containers/{id}/json');
      return toContainerObservation(json(response, 'GET /containers/{id}/json'), call.envKeys);
    },

    async resolveImage(reference: string, call: CallOptions): Promise<ImageObservation> {
      if (!IMAGE_REFERENCE_RE.test(reference)) {
        // The schema refuses these; a reference from a compose file may still be odd.
        return { reference, present: false };
      }
      const response = await engine.get(`/images/${reference}/json`, call);
      if (response.status === 404) return { reference, present: false };
      if (response.status !== 200) throw unexpected(response, 'GET /images/{name}/json');
      return toImageObservation(reference, json(response, 'GET /images/{name}/json'));
    },

    async statPath(id: string, path: string, call: CallOptions): Promise<ContainerFileStat> {
      const response = await engine.head(`/containers/${encodeURIComponent(id)}/archive?path=${encodeURIComponent(path)}`, call);
      if (response.status === 404) return { path, exists: false };
      if (response.status !== 200) throw unexpected(response, 'HEAD /containers/{id}/archive');
      const stat = parsePathStat(path, response.headers['x-docker-container-path-stat']);
      if (!stat) throw new PlatformError('ENGINE_API_ERROR', `the engine at ${engine.address.display} answered HEAD /containers/{id}/archive without a readable X-Docker-Container-Path-Stat header`);
      return stat;
    },

    async mapEndpoint(target: EndpointTarget, call: CallOptions): Promise<EndpointMapping> {
      const budget = Math.min(RESOLVE_TIMEOUT_MS, call.deadline - engine.clock.now());
      const resolved = await resolveHost(target.host, budget);
      if (!resolved.ok) return { kind: 'unmapped', target: targetText(target), why: resolved.why };
      // Running containers only: a stopped one owns no address and publishes nothing.
      const response = await engine.get('/containers/json', call);
      if (response.status !== 200) throw unexpected(response, 'GET /containers/json');
      const list = json(response, 'GET /containers/json');
      const containers = (Array.isArray(list) ? list : []).map(toContainerSummary).filter((c): c is ContainerSummary => c !== undefined);
      const host = await onEngineHost(resolved.addresses, engine.address, budget);
      return mapEndpoint(containers, target, { addresses: resolved.addresses, onEngineHost: host.yes, ...(host.why ? { elsewhere: host.why } : {}) });
    },

    close: () => engine.close(),
  };
}

/** Resolving a target's name for endpoint mapping: a slow resolver must not hold the check. */
const RESOLVE_TIMEOUT_MS = 2_000;

function messageOf(response: EngineResponse): string {
  try {
    const message = (JSON.parse(response.body) as { message?: unknown }).message;
    return typeof message === 'string' ? `: ${oneLine(message, 160)}` : '';
  } catch {
    return '';
  }
}

/** The engine-side filter that narrows the list (exact matching follows in {@link matchesSelector}). */
export function engineFilters(selector: ContainerSelector): Record<string, string[]> {
  switch (selector.by) {
    case 'service':
      return {
        label: [`${COMPOSE_LABELS.service}=${selector.service}`, ...(selector.project ? [`${COMPOSE_LABELS.project}=${selector.project}`] : [])],
      };
    case 'name':
      return { name: [selector.name] };
    case 'labels':
      return { label: Object.entries(selector.labels).map(([k, v]) => `${k}=${v}`) };
  }
}

/** Exact selection: a compose service's own containers (not `run` one-offs), a name, all labels. */
export function matchesSelector(selector: ContainerSelector, container: ContainerSummary): boolean {
  switch (selector.by) {
    case 'service':
      return (
        container.labels[COMPOSE_LABELS.service] === selector.service &&
        (selector.project === undefined || container.labels[COMPOSE_LABELS.project] === selector.project) &&
        container.labels[COMPOSE_LABELS.oneoff]?.toLowerCase() !== 'true'
      );
    case 'name':
      return container.name === selector.name.replace(/^\//, '');
    case 'labels':
      return Object.entries(selector.labels).every(([k, v]) => container.labels[k] === v);
  }
}
