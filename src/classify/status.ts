/**
 * An error status (>= 400) → layer and hint. Shared by HTTP steps and by the requests a
 * browser page made, so a 502 reads the same wherever it was seen.
 *
 * Who generated the reply decides between `proxy` and `app`, in this order:
 * 1. a stock signature (proxy-signatures.ts) names the proxy;
 * 2. else the origin's normal replies (generated-by.ts): a reply lacking every header the
 *    app stamps on its replies, an HTML page where the app answers JSON, or another server,
 *    came from in front of the app; a reply carrying the app's own headers is the app's;
 * 3. else a forwarded-reply marker (Envoy's x-envoy-upstream-service-time) says the app wrote
 *    it; else an HTML maintenance page on a 5xx is the proxy's (DESIGN §2);
 * 4. else by status: 502/504 are `proxy` (gateway statuses are by definition produced by a
 *    gateway), a 503 is the app's own "unavailable" (readiness, a JSON error body): `app`;
 *    any other 5xx is `app`.
 *
 * Auth versus authz by meaning, not by status alone: 401 is `auth`; a 403 (or an OAuth 400)
 * from a credential exchange — a login or token endpoint, a request that submits credentials,
 * an OAuth error such as `invalid_grant` — is a refused login: `auth`; any other 403 is `authz`.
 */
import type { Layer, OriginBaseline } from '../result/types.js';
import { judgeAgainstBaseline } from './generated-by.js';
import { pathPrefix, requestLabel } from './hints.js';
import { oneLine } from '../util/format.js';
import type { ProxyMatch } from './proxy-signatures.js';
import { detectProxy, forwardedMarker, isJsonBody, maintenancePage } from './proxy-signatures.js';

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
  /** The same origin's normal replies so far (who generated an error reply?). */
  readonly baseline?: OriginBaseline;
  /** The request submitted credentials (a password, an OAuth grant, client credentials). */
  readonly sendsCredentials?: boolean;
}

export interface StatusVerdict {
  readonly layer: Layer;
  readonly hint: string;
  readonly reason: string;
}

const ASSET_RESOURCES: ReadonlySet<string> = new Set(['script', 'stylesheet', 'image', 'font', 'media', 'manifest']);

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
  const signature = detectProxy({ status, headers, ...(input.body === undefined ? {} : { body: input.body }) });
  const judged = signature === undefined ? judgeAgainstBaseline({ status, url: input.url, headers, ...(input.body === undefined ? {} : { body: input.body }) }, input.baseline) : undefined;
  const forwarded = signature === undefined && judged === undefined ? forwardedMarker(headers) : undefined;
  const appSaid = judged?.by === 'app' ? judged.evidence : forwarded !== undefined ? `${forwarded} says the upstream wrote it` : undefined;
  const maintenance = signature === undefined && judged === undefined && forwarded === undefined ? maintenancePage({ status, headers, ...(input.body === undefined ? {} : { body: input.body }) }) : undefined;
  const proxy = signature ?? (judged?.by === 'proxy' ? judged.match : maintenance);
  const from = proxy === undefined ? '' : ` from ${proxy.proxy} (${shortEvidence(proxy, headers)})`;
  const onFrom = `${on}${from}`;
  const proxyReason = proxy === undefined ? '' : `; ${proxy.proxy} generated it: ${proxy.evidence}`;
  const exchange = credentialExchange(input, headers);

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
      if (exchange !== undefined) {
        return {
          layer: 'auth',
          hint: `${onFrom}: the credential exchange was refused (${exchange}) — check the journey's credentials, client id and secret are valid in this environment (expired, rotated, wrong realm)`,
          reason: `status 403 from a credential exchange: ${exchange}${proxyReason}`,
        };
      }
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

  if (status === 400 && exchange !== undefined && oauthError(headers, input.body) !== undefined) {
    return {
      layer: 'auth',
      hint: `${onFrom}: the credential exchange was refused (${exchange}) — check the journey's credentials, client id and secret are valid in this environment`,
      reason: `status 400 with an OAuth error: ${exchange}${proxyReason}`,
    };
  }
  if (status >= 500) return serverErrorVerdict(input, on, proxy, headers, appSaid);
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
  appSaid: string | undefined,
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
  if (gateway !== undefined && status !== 503 && appSaid !== undefined) {
    return {
      layer: 'app',
      hint: `${on} written by the app itself: one of its own dependencies failed it — check the app's logs and the services it calls for ${prefix}`,
      reason: `status ${status}, but ${appSaid}: the app generated it`,
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
      reason: `status 503 with ${appSaid ?? (json ? 'a JSON body' : 'no proxy signature')}: the app's own reply`,
    };
  }
  return {
    layer: 'app',
    hint: `${on}: the app failed handling the request — check the app's logs for ${prefix} at this time`,
    reason: `status ${status}${json ? ' with a JSON body' : ''}: an application error`,
  };
}

const OAUTH_ERRORS: ReadonlySet<string> = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_token', 'invalid_credentials']);
const EXCHANGE_SEGMENT_RE = /^(token|oauth|oauth2|login|log-in|logon|signin|sign-in|session|sessions|authenticate|authentication|auth|authorize|sso|saml|saml2|openid-connect|jwt)$/i;

/** `{"error":"invalid_grant"}` → `invalid_grant` (OAuth 2 token endpoint errors, RFC 6749 §5.2). */
function oauthError(headers: Readonly<Record<string, string>>, body: string | undefined): string | undefined {
  if (body === undefined || !isJsonBody(headers, body)) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && 'error' in parsed) {
      const error = (parsed as { error: unknown }).error;
      if (typeof error === 'string' && OAUTH_ERRORS.has(error)) return error;
    }
  } catch {
    // not JSON: no OAuth error
  }
  return undefined;
}

/**
 * Why this request is a credential exchange, or undefined: an OAuth error in the reply, a
 * request that submitted credentials, or a POST to a login or token endpoint. A GET of a
 * login page denied with 403 is not an exchange (a WAF rule, authz).
 */
function credentialExchange(input: StatusInput, headers: Readonly<Record<string, string>>): string | undefined {
  const error = oauthError(headers, input.body);
  if (error !== undefined) return `OAuth error "${error}"`;
  if (input.sendsCredentials) return 'the request submitted credentials';
  if (input.method.toUpperCase() !== 'POST') return undefined;
  let segments: string[];
  try {
    segments = new URL(input.url).pathname.split('/');
  } catch {
    segments = input.url.split(/[?#]/, 1)[0]?.split('/') ?? [];
  }
  const segment = segments.find((part) => EXCHANGE_SEGMENT_RE.test(part.replace(/\.(php|html?|aspx?|jsp|do|json)$/i, '')));
  return segment === undefined ? undefined : `POST to a login or token endpoint (/${segment})`;
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

