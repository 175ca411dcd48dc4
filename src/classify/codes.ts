/**
 * Stable error codes from an error and its `cause` chain: undici (`UND_ERR_*`), Node
 * (`ECONNREFUSED`, `ENOTFOUND`, TLS `CERT_HAS_EXPIRED`…), AggregateError (happy eyeballs).
 * Classification keys on these codes, never on messages.
 */
export function errorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  let firstCode: string | undefined;
  while (queue.length > 0) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    // undici wraps socket errors (UND_ERR_SOCKET) around the real cause: prefer the innermost
    // Node/TLS code, but remember the outer one in case nothing deeper has a code.
    if (typeof code === 'string' && code.length > 0) {
      if (!code.startsWith('UND_ERR_SOCKET') && !code.startsWith('UND_ERR_CONNECT')) return code;
      firstCode ??= code;
    }
    const cause = (current as { cause?: unknown }).cause;
    if (cause !== undefined) queue.push(cause);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return firstCode;
}
