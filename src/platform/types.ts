/**
 * Runtime truth from the platform (DESIGN §7): what the container engine says runs, as
 * opposed to what the repository, the image tag or the deploy script say should.
 *
 * A `PlatformSource` is the read-only view of one platform. The Docker Engine API is the
 * one shipped (src/platform/docker/); a Kubernetes source (rollout complete, pods' image
 * IDs) can implement the same interface later. Sources only observe: every judgement is a
 * pure function of what they return (evaluate.ts, classify/container.ts).
 */
import type { ContainerFileStat, ContainerObservation, EndpointMapping, ImageObservation } from '../result/types.js';

/** How a check names its container. */
export type ContainerSelector =
  | { readonly by: 'service'; readonly service: string; readonly project?: string }
  | { readonly by: 'name'; readonly name: string }
  | { readonly by: 'labels'; readonly labels: Readonly<Record<string, string>> };

/** One line from the engine's container list: enough to select, not yet inspected. */
export interface ContainerSummary {
  readonly id: string;
  readonly name: string;
  /** created | running | paused | restarting | removing | exited | dead */
  readonly state: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The reference it was started with. */
  readonly image?: string;
  /** Ports published on the host (none on the host network). */
  readonly ports?: readonly PublishedPort[];
  /** `host`, `bridge`, a network's name, `container:<id>`. */
  readonly networkMode?: string;
  /** Its own addresses on container networks (none on the host network). */
  readonly addresses?: readonly string[];
}

/** A port a container publishes on its host: `0.0.0.0:8080 → 80/tcp`. */
export interface PublishedPort {
  /** The host address it listens on: `0.0.0.0` and `::` mean every address. */
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly protocol: string;
}

/** Where a journey's requests go: its target's host and port. */
export interface EndpointTarget {
  readonly host: string;
  readonly port: number;
}

/** Every call is bounded: by the caller's deadline (monotonic, the run's clock) and signal. */
export interface CallOptions {
  readonly deadline: number;
  readonly signal?: AbortSignal;
}

export interface PlatformSource {
  /** For people: `docker engine at unix:///var/run/docker.sock (API 1.41)`. */
  describe(): string;
  /** Containers matching the selector, stopped ones included (a dead container is evidence). */
  listContainers(selector: ContainerSelector, options: CallOptions): Promise<ContainerSummary[]>;
  /**
   * Inspects one container; undefined when it vanished since it was listed. Env values are
   * kept only for `envKeys`: every other value is dropped before it leaves the source.
   */
  inspectContainer(id: string, options: CallOptions & { readonly envKeys: readonly string[] }): Promise<ContainerObservation | undefined>;
  /** The image a reference names now (a tag may have moved since a container was created). */
  resolveImage(reference: string, options: CallOptions): Promise<ImageObservation>;
  /** Whether a path exists inside the container, without running anything in it. */
  statPath(id: string, path: string, options: CallOptions): Promise<ContainerFileStat>;
  /**
   * Which container receives connections to `target` (endpoint mapping), or why that cannot be
   * told. `selected` is always false here: the caller knows which container it selected.
   */
  mapEndpoint(target: EndpointTarget, options: CallOptions): Promise<EndpointMapping>;
  close(): Promise<void>;
}

/** Stable codes of engine faults. Every one means "could not verify" (outcome `error`), never drift. */
export type PlatformErrorCode =
  /** No socket there, host unknown, connection reset or timed out. */
  | 'ENGINE_UNREACHABLE'
  /** Something is there but refused the connection. */
  | 'ENGINE_REFUSED'
  /** The socket exists but this user may not open it. */
  | 'ENGINE_PERMISSION_DENIED'
  /** A socket proxy (or the engine's authz plugin) refused this read. */
  | 'ENGINE_FORBIDDEN'
  /** The engine answered, but not as the API says it should (5xx, bad JSON, too old). */
  | 'ENGINE_API_ERROR'
  /** The engine did not answer before the deadline. */
  | 'ENGINE_TIMEOUT'
  /** The answer was larger than we read. */
  | 'ENGINE_RESPONSE_TOO_LARGE'
  /** DOCKER_HOST / `engine:` names something we cannot talk to. */
  | 'ENGINE_ADDRESS_INVALID';

/** A fault of the platform or of our access to it: `name`, stable `code`, and the `cause`. */
export class PlatformError extends Error {
  override readonly name = 'PlatformError';
  constructor(
    readonly code: PlatformErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `service api (project shop)`, `name shop-api`, `label app=shop, tier=web`. */
export function describeSelector(selector: ContainerSelector): string {
  switch (selector.by) {
    case 'service':
      return `service ${selector.service}${selector.project ? ` (project ${selector.project})` : ''}`;
    case 'name':
      return `name ${selector.name}`;
    case 'labels':
      return `label ${Object.entries(selector.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`;
  }
}
