/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) for the requests pathproof makes,
 * so a failure leads to the backend's trace: one trace id per journey attempt, a new span id
 * per request, sent as `traceparent: 00-<trace-id>-<span-id>-01` on first-party requests
 * only (third-party hosts never learn our ids).
 *
 * Ids come from the system's CSPRNG (`crypto.randomFillSync`), never from anything the journey
 * holds (a secret, a URL); the randomness is injectable so tests can pin it. An all-zero id is
 * invalid in the spec: it is drawn again.
 */
import { randomFillSync } from 'node:crypto';
import { isFirstParty, originOf } from '../result/origins.js';

export type RandomBytes = (size: number) => Uint8Array;

/** The trace of one attempt: its id, and a fresh `traceparent` value per request. */
export interface TraceContext {
  /** 32 lower-case hex digits. */
  readonly traceId: string;
  /** A `traceparent` header value with a new span id. */
  next(): string;
  /** Whether a request to `url` carries the header: first-party origins only. */
  sendsTo(url: string): boolean;
  /** The origins it sends to (`https://shop.example`), for interception by URL pattern. */
  readonly origins: readonly string[];
}

/** The header name, lower case as every header pathproof sends. */
export const TRACEPARENT = 'traceparent';

const TRACEPARENT_RE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * CSPRNG bytes drawn 4 KiB at a time and handed out once each: a call into the CSPRNG per
 * request was a twentieth of the HTTP runner's time (issue #16). The same bytes randomBytes
 * gives, only fetched in bulk (as Node does for randomUUID); a process-wide cache of entropy,
 * not of anything a journey sees.
 */
const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;

export function pooledRandomBytes(size: number): Uint8Array {
  if (size > POOL_BYTES) return randomFillSync(Buffer.alloc(size));
  if (poolOffset + size > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  // A copy: the pool's bytes are overwritten on the next refill.
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + size));
  poolOffset += size;
  return bytes;
}

function hexId(random: RandomBytes, size: number): string {
  for (;;) {
    const hex = Buffer.from(random(size)).toString('hex');
    if (hex.length === size * 2 && !/^0+$/.test(hex)) return hex;
  }
}

/** A new trace for one attempt, sending to `firstParty` origins only. */
export function createTrace(firstParty: readonly string[], random: RandomBytes = pooledRandomBytes): TraceContext {
  const traceId = hexId(random, 16);
  const origins = [...new Set(firstParty.flatMap((url) => originOf(url) ?? []))];
  return {
    traceId,
    next: () => `00-${traceId}-${hexId(random, 8)}-01`,
    sendsTo: (url) => /^https?:/i.test(url) && isFirstParty(url, firstParty),
    origins,
  };
}

/** The trace id of a `traceparent` value we sent, or undefined for anything else. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent === undefined ? undefined : TRACEPARENT_RE.exec(traceparent)?.[1];
}

/** `{ traceId }` for an outcome whose request carried our `traceparent`, else `{}`. */
export function tracedBy(traceparent: string | undefined): { traceId?: string } {
  const traceId = traceIdOf(traceparent);
  return traceId === undefined ? {} : { traceId };
}
