/**
 * Engine JSON → plain observations. Pure, and defensive: the engine's answer is input
 * like any other, so a missing or odd field degrades to "unknown", never a crash.
 *
 * Env values are the hazard here: `Config.Env` holds every secret the container was
 * started with. Only the values of keys a check listed survive this module.
 */
import type { ContainerFileStat, ContainerHealthStatus, ContainerMount, ContainerObservation, ContainerPort, ImageObservation } from '../../result/types.js';
import type { ContainerSummary, PublishedPort } from '../types.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const obj = (value: unknown): Json => (isObject(value) ? value : {});

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(obj(value))) if (typeof v === 'string') out[key] = v;
  return out;
}

/** The engine's zero time (`0001-01-01T00:00:00Z`) means "never". */
function time(value: unknown): string | undefined {
  const text = str(value);
  return text === undefined || text.startsWith('0001-01-01') ? undefined : text;
}

export const COMPOSE_LABELS = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
} as const;

const HEALTH: readonly ContainerHealthStatus[] = ['none', 'starting', 'healthy', 'unhealthy'];

/** Health check output kept as evidence: enough to read the error, one line. */
const HEALTH_OUTPUT_MAX = 200;

/** `GET /containers/{id}/json` → observation, with env values only for `envKeys`. */
export function toContainerObservation(inspect: unknown, envKeys: readonly string[]): ContainerObservation {
  const root = obj(inspect);
  const state = obj(root.State);
  const config = obj(root.Config);
  const health = isObject(state.Health) ? state.Health : undefined;
  const healthStatus = str(health?.Status);
  const log = Array.isArray(health?.Log) ? health.Log : [];
  const last = obj(log.at(-1));
  const lastOutput = str(last.Output)?.replace(/\s+/g, ' ').trim();

  const wanted = new Set(envKeys);
  const names: string[] = [];
  const values: Record<string, string> = {};
  for (const entry of Array.isArray(config.Env) ? config.Env : []) {
    if (typeof entry !== 'string') continue;
    const eq = entry.indexOf('=');
    const name = eq === -1 ? entry : entry.slice(0, eq);
    names.push(name);
    if (wanted.has(name)) values[name] = eq === -1 ? '' : entry.slice(eq + 1);
  }

  const mounts: ContainerMount[] = [];
  for (const raw of Array.isArray(root.Mounts) ? root.Mounts : []) {
    const mount = obj(raw);
    const destination = str(mount.Destination);
    if (destination === undefined) continue;
    mounts.push({
      type: str(mount.Type) ?? 'unknown',
      ...(str(mount.Name) ? { name: str(mount.Name) } : {}),
      ...(str(mount.Source) ? { source: str(mount.Source) } : {}),
      destination,
      readOnly: mount.RW === false,
    });
  }

  const ports: ContainerPort[] = [];
  for (const [containerPort, bindings] of Object.entries(obj(obj(root.NetworkSettings).Ports))) {
    if (!Array.isArray(bindings) || bindings.length === 0) {
      ports.push({ containerPort });
      continue;
    }
    for (const binding of bindings) {
      const b = obj(binding);
      ports.push({ containerPort, ...(str(b.HostIp) ? { hostIp: str(b.HostIp) } : {}), ...(str(b.HostPort) ? { hostPort: str(b.HostPort) } : {}) });
    }
  }

  const labels = stringMap(config.Labels);
  const project = labels[COMPOSE_LABELS.project];
  const service = labels[COMPOSE_LABELS.service];
  const number = Number(labels[COMPOSE_LABELS.number]);
  const status = str(state.Status) ?? 'unknown';

  return {
    id: str(root.Id) ?? '',
    name: (str(root.Name) ?? '').replace(/^\//, ''),
    image: { reference: str(config.Image) ?? '', id: str(root.Image) ?? '' },
    createdAt: str(root.Created) ?? '',
    state: {
      status,
      running: state.Running === true,
      restarting: state.Restarting === true || status === 'restarting',
      exitCode: num(state.ExitCode) ?? 0,
      oomKilled: state.OOMKilled === true,
      restartCount: num(root.RestartCount) ?? 0,
      ...(time(state.StartedAt) ? { startedAt: time(state.StartedAt) } : {}),
      ...(time(state.FinishedAt) ? { finishedAt: time(state.FinishedAt) } : {}),
      ...(str(state.Error) ? { error: str(state.Error) } : {}),
    },
    health: {
      status: HEALTH.includes(healthStatus as ContainerHealthStatus) ? (healthStatus as ContainerHealthStatus) : 'none',
      ...(health && num(health.FailingStreak) !== undefined ? { failingStreak: num(health.FailingStreak) } : {}),
      ...(num(last.ExitCode) !== undefined ? { lastExitCode: num(last.ExitCode) } : {}),
      ...(lastOutput ? { lastOutput: lastOutput.length > HEALTH_OUTPUT_MAX ? `${lastOutput.slice(0, HEALTH_OUTPUT_MAX - 1)}…` : lastOutput } : {}),
    },
    mounts,
    env: { names, values },
    labels,
    ports,
    ...(project !== undefined && service !== undefined
      ? { compose: { project, service, ...(Number.isInteger(number) && number > 0 ? { number } : {}) } }
      : {}),
  };
}

/** One entry of `GET /containers/json`. */
export function toContainerSummary(entry: unknown): ContainerSummary | undefined {
  const root = obj(entry);
  const id = str(root.Id);
  if (id === undefined) return undefined;
  const names = Array.isArray(root.Names) ? root.Names.filter((n): n is string => typeof n === 'string') : [];
  const ports: PublishedPort[] = [];
  for (const raw of Array.isArray(root.Ports) ? root.Ports : []) {
    const port = obj(raw);
    const hostPort = num(port.PublicPort);
    const containerPort = num(port.PrivatePort);
    // Exposed but not published: no host port, nothing to map.
    if (hostPort === undefined || containerPort === undefined) continue;
    ports.push({ hostIp: str(port.IP) ?? '', hostPort, containerPort, protocol: str(port.Type) ?? 'tcp' });
  }
  const addresses: string[] = [];
  for (const network of Object.values(obj(obj(root.NetworkSettings).Networks))) {
    for (const key of ['IPAddress', 'GlobalIPv6Address']) {
      const address = str(obj(network)[key]);
      if (address) addresses.push(address);
    }
  }
  const networkMode = str(obj(root.HostConfig).NetworkMode);
  const image = str(root.Image);
  return {
    id,
    name: (names[0] ?? '').replace(/^\//, ''),
    state: str(root.State) ?? 'unknown',
    labels: stringMap(root.Labels),
    ...(image ? { image } : {}),
    ...(ports.length > 0 ? { ports } : {}),
    ...(networkMode ? { networkMode } : {}),
    ...(addresses.length > 0 ? { addresses } : {}),
  };
}

/** `GET /images/{name}/json` → the image the reference names now. */
export function toImageObservation(reference: string, inspect: unknown): ImageObservation {
  const root = obj(inspect);
  return {
    reference,
    present: true,
    ...(str(root.Id) ? { id: str(root.Id) } : {}),
    ...(time(root.Created) ? { createdAt: time(root.Created) } : {}),
  };
}

// Go's os.FileMode type bits, as the archive stat reports them.
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;
const MODE_TYPE_OTHER = [2 ** 26, 2 ** 25, 2 ** 24, 2 ** 21, 2 ** 19]; // device, pipe, socket, char device, irregular

function hasBit(mode: number, bit: number): boolean {
  return Math.floor(mode / bit) % 2 === 1;
}

/**
 * `X-Docker-Container-Path-Stat` (base64 JSON: name, size, mode, mtime, linkTarget) → stat.
 * Undefined when the header is absent or unreadable.
 */
export function parsePathStat(path: string, header: string | undefined): ContainerFileStat | undefined {
  if (header === undefined || header === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  const mode = num(parsed.mode) ?? 0;
  const type = hasBit(mode, MODE_DIR)
    ? 'directory'
    : hasBit(mode, MODE_SYMLINK)
      ? 'symlink'
      : MODE_TYPE_OTHER.some((bit) => hasBit(mode, bit))
        ? 'other'
        : 'file';
  return {
    path,
    exists: true,
    type,
    ...(num(parsed.size) !== undefined ? { size: num(parsed.size) } : {}),
    ...(time(parsed.mtime) ? { modifiedAt: time(parsed.mtime) } : {}),
    ...(str(parsed.linkTarget) ? { linkTarget: str(parsed.linkTarget) } : {}),
  };
}
