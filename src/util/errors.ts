/**
 * Errors and their `cause` chains, walked once, the same way everywhere: undici wraps
 * socket errors (UND_ERR_SOCKET) around the real cause, happy eyeballs throws an
 * AggregateError whose `errors` hold the per-address failures, Playwright chains `cause`.
 */

/** Every error along the cause chain (and AggregateError members), outermost first; no cycles, bounded. */
export function causeChain(error: unknown, limit = 20): object[] {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  const chain: object[] = [];
  while (queue.length > 0 && chain.length < limit) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    chain.push(current);
    const cause = (current as { cause?: unknown }).cause;
    if (cause !== undefined) queue.push(cause);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
  }
  return chain;
}

/**
 * The stable code of an error: the innermost Node/TLS code along the chain (`ECONNREFUSED`,
 * `CERT_HAS_EXPIRED`), else undici's outer one (`UND_ERR_SOCKET`, `UND_ERR_CONNECT_TIMEOUT`).
 * Classification keys on these codes, never on messages.
 */
export function errorCode(error: unknown): string | undefined {
  let outer: string | undefined;
  for (const current of causeChain(error)) {
    const code = (current as { code?: unknown }).code;
    if (typeof code !== 'string' || code.length === 0) continue;
    if (!code.startsWith('UND_ERR_SOCKET') && !code.startsWith('UND_ERR_CONNECT')) return code;
    outer ??= code;
  }
  return outer;
}

/** The first non-empty messages along the chain, joined (an AggregateError has none of its own). */
export function messageOf(error: unknown, parts = 2, max = 500): string {
  const messages: string[] = [];
  for (const current of causeChain(error)) {
    if (messages.length >= parts) break;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && message.length > 0 && !messages.some((part) => part.includes(message))) messages.push(message);
  }
  const text = messages.join(': ') || String(error);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The first line of an error's message. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n', 1)[0] ?? text).trim();
}
