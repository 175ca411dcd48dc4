/** Which endpoint actually answered: the headers that name it. One list, used everywhere. */

/** Response headers that name who answered, most specific first. */
export const SERVED_BY_HEADERS = ['x-served-by', 'x-backend', 'x-upstream', 'x-server', 'via', 'server'] as const;

/** `x-served-by: edge-1, server: nginx/1.22.1`, or undefined when no such header is present (lower-case names). */
export function servedByHeaders(headers: Readonly<Record<string, string>>): string | undefined {
  const parts = SERVED_BY_HEADERS.filter((h) => headers[h]).map((h) => `${h}: ${headers[h]}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
