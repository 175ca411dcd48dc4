/**
 * The optional bearer token. Compared in constant time (a byte-by-byte comparison leaks
 * the matching prefix through response timing), over SHA-256 digests so the lengths match.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** True when `presented` equals `token`. */
export function tokenMatches(token: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  return timingSafeEqual(digest(token), digest(presented));
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Browser sessions for `--token`: the login form trades the token for a cookie, so a person
 * never pastes the token into a URL. The cookie is not the token: it is
 * `v1.<expires>.<HMAC-SHA256(token, "pathproof-session:v1:<expires>")>`, so it proves the
 * token was known, expires on its own, survives a restart, and stops working when the token
 * changes. HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
 * Secure when the request came over HTTPS (directly or as a proxy's X-Forwarded-Proto).
 */
export const SESSION_COOKIE = 'pathproof_session';
/** How long a browser stays signed in. */
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;

function sessionMac(token: string, expires: number): string {
  return createHmac('sha256', token).update(`pathproof-session:v1:${expires}`).digest('base64url');
}

/** A session value for `token`, valid until now + SESSION_MAX_AGE_S. */
export function issueSession(token: string, nowMs: number): string {
  const expires = Math.floor(nowMs / 1000) + SESSION_MAX_AGE_S;
  return `v1.${expires}.${sessionMac(token, expires)}`;
}

/** True when `value` is an unexpired session issued for `token`. Constant time in the MAC. */
export function sessionValid(token: string, value: string | undefined, nowMs: number): boolean {
  const match = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  if (!match) return false;
  const expires = Number(match[1]);
  if (!(expires * 1000 > nowMs)) return false;
  const expected = Buffer.from(sessionMac(token, expires));
  const given = Buffer.from(match[2] as string);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie header that signs a browser in (or, with `value` undefined, out). */
export function sessionCookie(value: string | undefined, options: { secure: boolean }): string {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', ...(options.secure ? ['Secure'] : [])];
  if (value === undefined) return [`${SESSION_COOKIE}=`, 'Max-Age=0', ...attributes].join('; ');
  return [`${SESSION_COOKIE}=${value}`, `Max-Age=${SESSION_MAX_AGE_S}`, ...attributes].join('; ');
}
