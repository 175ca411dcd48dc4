/**
 * The container engine for a command, built once at the edge and passed down (like the
 * HTTP dispatcher): DOCKER_HOST, else `engine:` of pathproof.yaml, else the local socket.
 */
import type { Clock } from '../result/clock.js';
import type { ProjectConfig } from '../journey/schema.js';
import { parseEngineAddress } from '../platform/docker/address.js';
import { createDockerSource } from '../platform/docker/source.js';
import type { PlatformSource } from '../platform/types.js';

export type EngineResult = { ok: true; source: PlatformSource } | { ok: false; message: string };

/** Never touches the socket: the first request does (and reports what went wrong then). */
export function buildEngine(env: Readonly<Record<string, string | undefined>>, config: ProjectConfig, clock: Clock): EngineResult {
  const fromEnv = env.DOCKER_HOST?.trim();
  const configured = fromEnv || config.engine;
  const parsed = parseEngineAddress(configured);
  if (!parsed.ok) return { ok: false, message: `${fromEnv ? 'DOCKER_HOST' : 'engine (pathproof.yaml)'}: ${parsed.message}` };
  if (fromEnv && parsed.address.kind === 'tcp' && env.DOCKER_TLS_VERIFY && env.DOCKER_TLS_VERIFY !== '0') {
    return { ok: false, message: 'DOCKER_TLS_VERIFY is set, but pathproof speaks plain HTTP to the engine: use the unix socket or a read-only socket proxy' };
  }
  return { ok: true, source: createDockerSource({ address: parsed.address, clock }) };
}
