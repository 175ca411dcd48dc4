/**
 * Where the Docker engine answers: `DOCKER_HOST` (or `engine:` in pathproof.yaml), as the
 * docker CLI spells it. Pure: parsing never touches the socket.
 */

/** The socket Docker listens on by default. */
export const DEFAULT_ENGINE = 'unix:///var/run/docker.sock';

export type EngineAddress =
  | { readonly kind: 'unix'; readonly socketPath: string; readonly display: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly display: string };

export type AddressResult = { ok: true; address: EngineAddress } | { ok: false; message: string };

/**
 * `unix:///var/run/docker.sock`, a bare absolute socket path, `tcp://host:2375` or
 * `http://host:2375`. TLS (`DOCKER_TLS_VERIFY`), `ssh://` and `npipe://` are refused with a
 * message saying what to use instead: a read-only socket proxy is plain HTTP on a trusted
 * network, and the unix socket needs nothing else.
 */
export function parseEngineAddress(text: string | undefined): AddressResult {
  const value = (text ?? '').trim() || DEFAULT_ENGINE;
  if (value.startsWith('/')) return { ok: true, address: { kind: 'unix', socketPath: value, display: `unix://${value}` } };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'unix') {
    const socketPath = value.slice('unix://'.length);
    if (!socketPath.startsWith('/')) return { ok: false, message: `engine address ${value}: a unix socket needs an absolute path (unix:///var/run/docker.sock)` };
    return { ok: true, address: { kind: 'unix', socketPath, display: `unix://${socketPath}` } };
  }
  if (scheme === 'tcp' || scheme === 'http') {
    let url: URL;
    try {
      url = new URL(`http://${value.slice(scheme.length + 3)}`);
    } catch {
      return { ok: false, message: `engine address ${value}: expected tcp://host:port` };
    }
    if (url.username || url.password) return { ok: false, message: `engine address ${scheme}://…: credentials in the address are not supported` };
    if (url.pathname !== '/' && url.pathname !== '') return { ok: false, message: `engine address ${value}: expected tcp://host:port without a path` };
    const port = url.port === '' ? 2375 : Number(url.port);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return { ok: true, address: { kind: 'tcp', host, port, display: `tcp://${url.host}${url.port === '' ? ':2375' : ''}` } };
  }
  if (scheme === 'https') {
    return { ok: false, message: `engine address ${value}: TLS access to the engine is not supported; use the unix socket or a read-only socket proxy (tcp://)` };
  }
  if (scheme === 'ssh' || scheme === 'npipe' || scheme === 'fd') {
    return { ok: false, message: `engine address ${scheme}://…: not supported; use unix:///path/to/docker.sock or tcp://host:port` };
  }
  return { ok: false, message: `engine address "${value}": expected unix:///path/to/docker.sock or tcp://host:port` };
}
