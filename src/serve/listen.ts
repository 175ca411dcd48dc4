/**
 * `--listen` values: `host:port`, `[v6]:port`, `:port` (every interface) or `port`
 * (loopback). The default binds loopback only: the API can start runs against production,
 * so exposing it is a decision the user makes, not a default.
 */
export const DEFAULT_LISTEN = { host: '127.0.0.1', port: 9464 } as const;

export type ListenResult = { ok: true; host: string; port: number } | { ok: false; message: string };

export function parseListen(value: string | undefined): ListenResult {
  if (value === undefined) return { ok: true, ...DEFAULT_LISTEN };
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]*)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) {
    return { ok: false, message: `--listen expects host:port (e.g. 127.0.0.1:9464, [::1]:9464, :9464), got "${value}"` };
  }
  const v6 = match[1];
  const host = v6 ?? match[2] ?? '';
  const bare = /^\d+$/.test(value);
  return { ok: true, host: bare ? DEFAULT_LISTEN.host : host === '' ? '0.0.0.0' : host, port };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
