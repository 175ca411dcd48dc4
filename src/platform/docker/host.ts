/**
 * Where a journey's target is, as seen from where pathproof runs, for endpoint mapping: its
 * addresses (DNS, bounded in time) and whether they reach the engine's host, where published
 * ports live. The engine's host is this machine for a unix socket (or tcp:// on loopback), else
 * the tcp:// host.
 *
 * Hazard: pathproof in a container with the socket mounted sees its *own* loopback, not the
 * host's: there a `localhost` target reaches the engine's host only with `network_mode: host`.
 * The README says so; inside a compose network, a service name as target is mapped by the
 * container's own address instead, which has no such doubt.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { errorCode } from '../../util/errors.js';
import type { EngineAddress } from './address.js';

export type Resolved = { readonly ok: true; readonly addresses: readonly string[] } | { readonly ok: false; readonly why: string };

/** `::ffff:127.0.0.1` → `127.0.0.1`: the engine reports IPv4 bindings plainly. */
function plain(address: string): string {
  return address.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

export function isLoopback(address: string): boolean {
  const a = plain(address);
  return a.startsWith('127.') || a === '::1';
}

/** The addresses of this machine's interfaces. */
export function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const entry of list ?? []) out.add(plain(entry.address));
  return out;
}

/** A host's addresses: an IP as is, `localhost` as loopback, anything else through the resolver, within `timeoutMs`. */
export async function resolveHost(host: string, timeoutMs: number): Promise<Resolved> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare)) return { ok: true, addresses: [plain(bare)] };
  if (bare === 'localhost' || bare.endsWith('.localhost')) return { ok: true, addresses: ['127.0.0.1', '::1'] };
  let timer: NodeJS.Timeout | undefined;
  try {
    const found = await Promise.race([
      lookup(bare, { all: true }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), Math.max(1, timeoutMs));
      }),
    ]);
    return { ok: true, addresses: [...new Set(found.map((a) => plain(a.address)))] };
  } catch (error) {
    return { ok: false, why: `${bare} does not resolve where pathproof runs (${errorCode(error) ?? 'no answer'})` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether `addresses` (the target's) reach the engine's host, and in a few words why not. A
 * local engine: a loopback address or one of this machine's; a remote one: one of its addresses.
 */
export async function onEngineHost(addresses: readonly string[], engine: EngineAddress, timeoutMs: number): Promise<{ readonly yes: boolean; readonly why?: string }> {
  const shown = addresses.join(', ');
  if (engine.kind === 'unix' || isLoopback(engine.host) || engine.host === 'localhost') {
    const local = localAddresses();
    if (addresses.some((a) => isLoopback(a) || local.has(a))) return { yes: true };
    return { yes: false, why: `${shown} is neither a container's address nor this machine's, where the engine at ${engine.display} runs` };
  }
  const engineHost = await resolveHost(engine.host, timeoutMs);
  if (engineHost.ok && addresses.some((a) => engineHost.addresses.includes(a))) return { yes: true };
  return { yes: false, why: `${shown} is neither a container's address nor the engine's host (${engine.display})` };
}
