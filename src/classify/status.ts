/**
 * An error status (>= 400) → layer and hint. Shared by HTTP steps and by the requests a
 * browser page made, so a 502 reads the same wherever it was seen.
 *
 * 502/503/504: a proxy signature (proxy-signatures.ts) names who generated the reply.
 * Without one, 502/504 are still `proxy` (gateway statuses are by definition produced by a
 * gateway) but a 503 is the app's own "unavailable" (maintenance mode, failed readiness,
 * a JSON error body): `app`. Any other 5xx the proxy demonstrably generated (its stock
 * page, Cloudflare's 52x) is `proxy`; otherwise `app`.
 */
import type { Layer } from '../result/types.js';
import { oneLine, pathPrefix, requestLabel } from './hints.js';
import type { ProxyMatch } from './proxy-signatures.js';
import { detectProxy, isJsonBody } from './proxy-signatures.js';

export interface StatusInput {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  /** Lower-cased header names (when known). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Response body; undefined when not seen (browser sub-requests). */
  readonly body?: string;
  /** Browser resource type (`script`, `stylesheet`, `xhr`, `document`…) when the page made it. */
  readonly resource?: string;
}

export interface StatusVerdict {
  readonly layer: Layer;
  readonly hint: string;
  readonly reason: string;
}

const ASSET_RESOURCES: ReadonlySet<string> = new Set(['script', 'stylesheet', 'image', 'font', 'media', 'manifest']);
const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

interface GatewayMeaning {
  /** When the proxy is named. */
  readonly what: string;
  /** When no proxy signature was recognised. */
  readonly unnamed: string;
  readonly check: (prefix: string) => string;
}

const GATEWAY_MEANING: Readonly<Record<number, GatewayMeaning>> = {
  502: {
    what: 'the proxy could not reach its upstream or got an invalid answer',
    unnamed: 'a gateway in front of the app could not reach its upstream or got an invalid answer',
    check: (prefix) => `check which container the proxy forwards ${prefix} to and that it is running`,
  },
  503: {
    what: 'the proxy has no healthy upstream',
    unnamed: 'a gateway in front of the app has no healthy upstream',
    check: (prefix) => `check the upstream pool for ${prefix}: is any instance running, registered and passing its health check`,
  },
  504: {
    what: 'the upstream did not answer the proxy in time',
    unnamed: 'a gateway in front of the app got no answer from its upstream in time',
    check: (prefix) => `check the service behind ${prefix} answers within the proxy timeout (hung app, slow dependency)`,
  },
};

/** Layer, hint and reason for an error status; undefined below 400. */
export function classifyStatus(input: StatusInput): StatusVerdict | undefined {
  const { status } = input;
  if (status < 400) return undefined;
  const headers = lowerKeys(input.headers ?? {});
  const label = requestLabel(input.method, input.url);
  const on = `${status} on ${label}${input.resource !== undefined && input.resource !== 'document' ? ` (${input.resource})` : ''}`;
  const proxy = detectProxy({ status, headers, ...(input.body === undefined ? {} : { body: input.body }) });
  const from = proxy === undefined ? '' : ` from ${proxy.proxy} (${shortEvidence(proxy, headers)})`;
  const onFrom = `${on}${from}`;
  const proxyReason = proxy === undefined ? '' : `; ${proxy.proxy} generated it: ${proxy.evidence}`;

  switch (status) {
    case 401: {
      const challenge = headers['www-authenticate'];
      return {
        layer: 'auth',
        hint: `${onFrom}: the request was not authenticated — check the token or session the journey sends is valid in this environment (expired or rotated secret, wrong issuer)`,
        reason: `status 401${challenge === undefined ? '' : ` with www-authenticate: ${oneLine(challenge, 80)}`}${proxyReason}`,
      };
    }
    case 407:
      return {
        layer: 'proxy',
        hint: `${on}: a forward proxy between pathproof and the target wants credentials — check HTTP_PROXY, HTTPS_PROXY and NO_PROXY where pathproof runs`,
        reason: 'status 407 (proxy authentication required)',
      };
    case 403:
      return {
        layer: 'authz',
        hint:
          proxy === undefined
            ? `${on}: authenticated but denied — check the roles and policies of the journey's identity for ${pathPrefix(input.url)}`
            : `${onFrom}: denied in front of the app — check the WAF / access rules of ${proxy.proxy} for ${pathPrefix(input.url)}`,
        reason: `status 403${proxyReason}`,
      };
    case 404:
    case 410:
      return routeVerdict(input, onFrom, proxy, proxyReason);
    case 405: {
      const allow = headers['allow'];
      return {
        layer: 'route',
        hint: `${onFrom}: the route exists but the running build does not accept ${input.method.toUpperCase()}${allow === undefined ? '' : ` (allow: ${oneLine(allow, 60)})`} — check the deployed version has this handler`,
        reason: `status 405${proxyReason}`,
      };
    }
    case 429: {
      const retry = headers['retry-after'];
      return {
        layer: 'app',
        hint: `${onFrom}: rate limited${retry === undefined ? '' : ` (retry-after: ${oneLine(retry, 20)})`} — check the rate limits that apply to the journey's identity or the runner's address`,
        reason: `status 429${proxyReason}`,
      };
    }
    default:
      break;
  }

  if (status >= 500) return serverErrorVerdict(input, on, proxy, headers);
  return {
    layer: 'app',
    hint: `${onFrom}: the app rejected the request — check the request the journey sends still matches the running build's contract (fields, validation, state)`,
    reason: `status ${status}: a client error the journey did not expect${proxyReason}`,
  };
}

function routeVerdict(input: StatusInput, onFrom: string, proxy: ProxyMatch | undefined, proxyReason: string): StatusVerdict {
  const gone = input.status === 410;
  const reason = `status ${input.status}${proxyReason}`;
  if (input.resource !== undefined && ASSET_RESOURCES.has(input.resource)) {
    return {
      layer: 'route',
      hint: `${onFrom}: the page references a ${input.resource} the running build does not serve — check the deployed bundle and CDN cache match the HTML`,
      reason,
    };
  }
  if (proxy !== undefined && !gone) {
    return {
      layer: 'route',
      hint: `${onFrom}: the proxy has no route for this path — check the proxy or ingress rules for ${pathPrefix(input.url)} before the app`,
      reason,
    };
  }
  return {
    layer: 'route',
    hint: gone
      ? `${onFrom}: the running build says this is gone — check whether the journey targets a removed route or API version`
      : `${onFrom}: the route or artifact is missing in the running build — check what the container serves before the code`,
    reason,
  };
}

function serverErrorVerdict(
  input: StatusInput,
  on: string,
  proxy: ProxyMatch | undefined,
  headers: Readonly<Record<string, string>>,
): StatusVerdict {
  const { status } = input;
  const prefix = pathPrefix(input.url);
  const gateway = GATEWAY_MEANING[status];
  if (proxy !== undefined) {
    const what = proxy.detail?.replace(/\.$/, '') ?? gateway?.what ?? 'the proxy generated this error, not the app';
    const check = gateway?.check(prefix) ?? `check the origin the proxy forwards ${prefix} to: is it up and reachable from the proxy`;
    return {
      layer: 'proxy',
      hint: `${status} from ${proxy.proxy} (${shortEvidence(proxy, headers)}) on ${requestLabel(input.method, input.url)}: ${what} — ${check}`,
      reason: proxy.evidence,
    };
  }
  if (gateway !== undefined && status !== 503) {
    return {
      layer: 'proxy',
      hint: `${on}: ${gateway.unnamed} — ${gateway.check(prefix)}`,
      reason: `status ${status} is a gateway status (no proxy signature recognised)`,
    };
  }
  const json = isJsonBody(headers, input.body);
  if (status === 503) {
    const retry = headers['retry-after'];
    return {
      layer: 'app',
      hint: `${on}: the app itself answered "unavailable"${retry === undefined ? '' : ` (retry-after: ${oneLine(retry, 20)})`} — check its readiness, maintenance mode and dependencies (database, queue)`,
      reason: `status 503 with ${json ? 'a JSON body' : 'no proxy signature'}: the app's own reply`,
    };
  }
  return {
    layer: 'app',
    hint: `${on}: the app failed handling the request — check the app's logs for ${prefix} at this time`,
    reason: `status ${status}${json ? ' with a JSON body' : ''}: an application error`,
  };
}

/**
 * The short tag for a hint: the server header when the evidence names it, else the first
 * clause of the evidence (`plain-text body "Bad Gateway"`, `via: 1.1 google`).
 */
function shortEvidence(proxy: ProxyMatch, headers: Readonly<Record<string, string>>): string {
  const server = headers['server'];
  if (server !== undefined && proxy.evidence.includes(`server: ${server}`)) return `server: ${oneLine(server, 60)}`;
  const first = proxy.evidence.split(/ and | on a | \(/, 1)[0] ?? proxy.evidence;
  return oneLine(first, 60);
}

function lowerKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const lowered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = value;
  return lowered;
}

/** True for 502/503/504. */
export function isGatewayStatus(status: number): boolean {
  return GATEWAY_STATUSES.has(status);
}
