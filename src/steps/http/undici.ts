/**
 * The parts of undici the HTTP probe uses, loaded from undici's own modules rather than its
 * index: the index also loads fetch, WebSocket, EventSource, the caches, the mocks and Node's
 * bundled undici (for the global Headers), about 110 modules and a fifth of a short run's start
 * (issue #16). Same classes, same code paths: `request` is undici's top-level `request`
 * (URL → origin and path, then the Dispatcher API's request), as `undici/index.js` defines it.
 *
 * Hazard: these paths are undici internals. package.json pins undici to an exact version, and
 * the probe's tests (real servers) fail if a path moves; check them when upgrading undici.
 */
import { createRequire } from 'node:module';
import type { Agent as AgentClass, Dispatcher, buildConnector as BuildConnector } from 'undici';

const require = createRequire(import.meta.url);

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof AgentClass;
export const buildConnector = require('undici/lib/core/connect.js') as typeof BuildConnector;

const apiRequest = require('undici/lib/api/api-request.js') as (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
const { parseURL } = require('undici/lib/core/util.js') as { parseURL(url: string | URL): URL };

/** undici's `request(url, options)`: the same checks of the URL, the same Dispatcher call. */
export function request<TOpaque = null>(
  url: string | URL,
  options: { dispatcher: Dispatcher } & Omit<Dispatcher.RequestOptions<TOpaque>, 'origin' | 'path' | 'method'> & Partial<Pick<Dispatcher.RequestOptions, 'method'>>,
): Promise<Dispatcher.ResponseData<TOpaque>> {
  const parsed = parseURL(url);
  const { dispatcher, ...rest } = options;
  return apiRequest.call(dispatcher, {
    ...rest,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: rest.method || (rest.body ? 'PUT' : 'GET'),
  } as Dispatcher.RequestOptions) as Promise<Dispatcher.ResponseData<TOpaque>>;
}
