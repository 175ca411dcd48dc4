import { describe, expect, it } from 'vitest';
import type { Layer } from '../result/types.js';
import { classifyTransport, isRunnerSideCode } from './transport.js';

const URL_WITH_SECRET = 'https://shop.example.com:8443/api/refunds?token=s3cret&x=1';
const context = { method: 'POST', url: URL_WITH_SECRET };

describe('classifyTransport', () => {
  it.each<[string, string | undefined, Layer, readonly string[]]>([
    ['ENOTFOUND', 'dns', 'endpoint', ['DNS lookup of shop.example.com failed', 'does not resolve']],
    ['EAI_AGAIN', 'dns', 'endpoint', ['shop.example.com', 'temporarily']],
    ['ECONNREFUSED', 'connect', 'endpoint', ['connection refused by shop.example.com:8443', 'nothing listens there']],
    ['ECONNRESET', 'headers', 'endpoint', ['connection reset by shop.example.com:8443', 'before any response']],
    ['ECONNRESET', undefined, 'endpoint', ['connection reset by shop.example.com:8443']],
    ['ECONNRESET', 'body', 'app', ['while reading the body', 'died mid-response']],
    ['UND_ERR_SOCKET', 'request', 'endpoint', ['socket closed by shop.example.com:8443']],
    ['UND_ERR_SOCKET', 'body', 'app', ['died mid-response']],
    ['EPIPE', 'request', 'endpoint', ['closed while sending']],
    ['EHOSTUNREACH', 'connect', 'endpoint', ['no route to host shop.example.com:8443']],
    ['ENETUNREACH', 'connect', 'endpoint', ['network unreachable']],
    ['ETIMEDOUT', 'connect', 'endpoint', ['connecting to shop.example.com:8443 timed out', 'firewalls']],
    ['UND_ERR_CONNECT_TIMEOUT', 'connect', 'endpoint', ['connecting to shop.example.com:8443 timed out']],
    ['UND_ERR_CLOSED', undefined, 'endpoint', ['closed before']],
    ['UND_ERR_HEADERS_TIMEOUT', 'headers', 'app', ['answered nothing', 'app hangs']],
    ['UND_ERR_BODY_TIMEOUT', 'body', 'app', ['body stalled']],
    ['PATHPROOF_DEADLINE', 'headers', 'app', ['did not finish']],
    ['PATHPROOF_DEADLINE', 'body', 'app', ['did not finish']],
    ['PATHPROOF_DEADLINE', 'connect', 'endpoint', ['could not reach shop.example.com:8443', 'stuck in connect']],
    ['PATHPROOF_DEADLINE', 'dns', 'endpoint', ['stuck in dns']],
    ['PATHPROOF_REDIRECT_LOOP', 'redirect', 'route', ['redirects in a loop']],
    ['PATHPROOF_TOO_MANY_REDIRECTS', 'redirect', 'route', ['redirected too many times']],
    ['CERT_HAS_EXPIRED', 'tls', 'endpoint', ['TLS error CERT_HAS_EXPIRED', 'has expired']],
    ['CERT_NOT_YET_VALID', 'tls', 'endpoint', ['not valid yet']],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', 'endpoint', ['self-signed', 'insecure: true']],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls', 'endpoint', ['untrusted (private) root', 'NODE_EXTRA_CA_CERTS']],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls', 'endpoint', ['intermediate certificate missing']],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls', 'endpoint', ['private CA']],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', 'endpoint', ['does not cover this host name']],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls', 'endpoint', ['does not speak TLS', 'http:// versus https://']],
    ['ERR_SSL_SOMETHING_NEW', 'tls', 'endpoint', ['TLS error ERR_SSL_SOMETHING_NEW', 'TLS handshake failed']],
    ['CERT_SIGNATURE_FAILURE', 'tls', 'endpoint', ['TLS error CERT_SIGNATURE_FAILURE']],
    ['PATHPROOF_REDIRECT_INVALID', 'redirect', 'route', ['redirected to an invalid or non-http location', 'redirect rules']],
    ['PATHPROOF_HTTP_ERROR', 'connect', 'endpoint', ['in connect before any response from shop.example.com:8443', 'carries no code']],
    ['PATHPROOF_HTTP_ERROR', 'body', 'app', ['while reading the body', 'broke mid-way']],
    ['PATHPROOF_NO_RESPONSE', undefined, 'endpoint', ['got no response from shop.example.com:8443']],
    ['PATHPROOF_ABORTED', 'aborted', 'endpoint', ['cancelled by pathproof', 'says nothing about the target']],
    ['UND_ERR_ABORTED', 'headers', 'endpoint', ['cancelled by pathproof']],
    ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'body', 'app', ['did not match its content-length', 'cut off']],
    ['HPE_INVALID_CONSTANT', 'headers', 'endpoint', ['does not speak HTTP properly (HPE_INVALID_CONSTANT)', 'shop.example.com:8443']],
    ['HPE_INVALID_CHUNK_SIZE', 'body', 'app', ['was malformed (HPE_INVALID_CHUNK_SIZE)', 'mid-response']],
    ['ERR_INVALID_URL', 'request', 'endpoint', ['could not be sent as written (ERR_INVALID_URL)', 'fix the journey step']],
    ['UND_ERR_INVALID_ARG', 'request', 'endpoint', ['could not be sent as written']],
    ['EWHATEVER', 'connect', 'endpoint', ['EWHATEVER', 'unrecognised transport error']],
    ['constructor', 'connect', 'endpoint', ['constructor', 'unrecognised transport error']],
  ])('%s (phase %s) → %s', (code, phase, layer, facts) => {
    const failure = classifyTransport(code, { ...context, ...(phase === undefined ? {} : { phase }) });
    expect(failure.layer).toBe(layer);
    expect(failure.code).toBe(code);
    expect(failure.hint).toContain('POST /api/refunds');
    for (const fact of facts) expect(failure.hint).toContain(fact);
    expect(failure.hint).not.toMatch(/s3cret|token=|\?/);
    expect(failure.hint).not.toContain('\n');
    expect(failure.reason).toContain(code);
  });

  it.each([
    ['PATHPROOF_ABORTED', true],
    ['UND_ERR_ABORTED', true],
    ['ERR_INVALID_URL', true],
    ['UND_ERR_INVALID_ARG', true],
    ['ERR_INVALID_CHAR', true],
    ['ECONNREFUSED', false],
    ['PATHPROOF_DEADLINE', false],
    ['PATHPROOF_HTTP_ERROR', false],
  ])('isRunnerSideCode(%s) → %s, and the reason says so', (code, ours) => {
    expect(isRunnerSideCode(code)).toBe(ours);
    expect(classifyTransport(code, context).reason?.includes("pathproof's side")).toBe(ours);
  });

  it('names the time budget that ran out', () => {
    const failure = classifyTransport('UND_ERR_HEADERS_TIMEOUT', { ...context, phase: 'headers', timeoutMs: 10_000 });
    expect(failure.hint).toContain('answered nothing within 10s');
  });

  it('keeps the transport message as the message, and the code when there is none', () => {
    expect(classifyTransport('ECONNREFUSED', { ...context, message: 'connect ECONNREFUSED 10.0.0.7:8443' }).message).toBe(
      'connect ECONNREFUSED 10.0.0.7:8443',
    );
    expect(classifyTransport('ECONNREFUSED', context).message).toBe('ECONNREFUSED');
  });

  it('fills in the default port of the scheme', () => {
    expect(classifyTransport('ECONNREFUSED', { method: 'GET', url: 'http://127.0.0.1/health' }).hint).toContain(
      'connection refused by 127.0.0.1:80',
    );
    expect(classifyTransport('ECONNREFUSED', { method: 'GET', url: 'https://[::1]/health' }).hint).toContain(
      'connection refused by [::1]:443',
    );
  });

  it('never shows URL credentials', () => {
    const failure = classifyTransport('ECONNREFUSED', { method: 'GET', url: 'http://admin:hunter2@10.0.0.7:8080/x' });
    expect(failure.hint).toContain('10.0.0.7:8080');
    expect(failure.hint).not.toMatch(/admin|hunter2/);
  });
});
