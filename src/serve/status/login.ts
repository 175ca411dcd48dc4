/**
 * The sign-in page serve answers (status 401) when `--token` is set and a browser has no
 * session: one form that posts the token to `/login`, which sets an HttpOnly, SameSite=Strict
 * cookie and redirects back. No script at all; the stylesheet by hash.
 */
import { html, safe } from '../../report/html/escape.js';
import { STATUS_STYLES, STATUS_STYLES_HASH } from './styles.js';

export const LOGIN_CSP = ["default-src 'none'", "img-src data:", `style-src ${STATUS_STYLES_HASH}`, "form-action 'self'", "base-uri 'none'"].join('; ');

/** The header adds what a <meta> CSP cannot say (browsers ignore frame-ancestors there). */
export const LOGIN_CSP_HEADER = `${LOGIN_CSP}; frame-ancestors 'none'`;

/** A path on this server to return to after signing in; anything else means `/`. */
export function safeNext(value: string | null | undefined): string {
  // eslint-disable-next-line no-control-regex
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\') || /[\u0000-\u001f]/.test(value)) return '/';
  return value;
}

export function renderLogin(options: { next: string; error?: string }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${LOGIN_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Sign in · pathproof</title>
<style>${safe(STATUS_STYLES)}</style>
</head>
<body>
<form class="login" method="post" action="/login">
  <h1>pathproof serve</h1>
  <p class="muted">This status page needs the token serve was started with (<code>--token</code> / <code>PATHPROOF_TOKEN</code>).</p>
  <label for="token">Token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
  <input type="hidden" name="next" value="${safeNext(options.next)}">
  ${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
  <button type="submit">Sign in</button>
</form>
</body>
</html>
`.__html;
}
