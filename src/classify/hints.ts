/**
 * Helpers hints share: how a request is named, the path prefix a proxy routes on, and the
 * "what to check next" list per layer. URL rendering and durations live in src/util.
 */
import type { Layer } from '../result/types.js';
import { pathOf } from '../util/url.js';

/** `POST /api/refunds` */
export function requestLabel(method: string, url: string): string {
  return `${method.toUpperCase()} ${pathOf(url)}`;
}

/**
 * The first path segment as a prefix, for "check which container the proxy forwards /api/ to".
 * `/api/refunds/1` → `/api/`, `/health` → `/health`, `/` → `/`.
 */
export function pathPrefix(url: string): string {
  const path = pathOf(url);
  const match = /^\/[^/]+\//.exec(path);
  return match ? match[0] : path;
}

/**
 * What an operator should check next for a failure in `layer`, most likely first. Short
 * imperative lines, used by the investigation record and reports under the hint.
 */
export function nextChecks(layer: Layer): readonly string[] {
  return NEXT_CHECKS[layer];
}

const NEXT_CHECKS = {
  endpoint: [
    'resolve the host name from where pathproof runs (getent hosts / dig)',
    'check something listens on the host and port (docker ps port mappings, ss -ltnp, service endpoints)',
    'check the TLS certificate: expiry, chain, and that it covers the host name',
    'check firewalls, security groups and network policies between the runner and the target',
  ],
  proxy: [
    'read the proxy or load balancer log for this path at this time',
    'check which upstream (container, pool, target group) the proxy forwards this path to',
    'check that upstream is running and passes its health check',
    'check the proxy timeouts against how long the upstream takes',
  ],
  route: [
    'check what the running container serves (its routes, static files, bundle) before the code',
    'check the proxy routes / ingress rules for this path',
    'compare the served version with the one the journey expects',
  ],
  drift: [
    'check which image or build each replica is running, not what the deploy said',
    'check the load balancer is not still sending traffic to old replicas',
    'check the journey targets the intended environment',
  ],
  auth: [
    'check the credentials the journey uses are valid in this environment (expired or rotated secret)',
    'check the identity provider and the session/cookie settings (domain, secure, SameSite)',
    'check the clock skew between the app and the identity provider',
  ],
  authz: [
    'check the roles and policies of the identity the journey uses for this path',
    'check WAF or access rules in front of the app',
    'check recent policy or permission changes in the running build',
  ],
  app: [
    'read the application log for this request at this time',
    'check the app dependencies: database, queue, downstream APIs',
    'check restarts, OOM kills and resource limits of the app container',
  ],
  frontend: [
    'open the page and look for the control the journey names',
    'check the frontend bundle served is the expected build (cache, CDN)',
    'check the browser console for script errors',
    'if the page changed on purpose, update the journey locator',
  ],
  result: [
    'compare the data returned with what the previous steps wrote',
    'check the data store and background jobs that produce this value',
    'check the journey expectation still matches the intended behaviour',
  ],
} as const satisfies Record<Layer, readonly string[]>;
