import { describe, expect, it } from 'vitest';
import type { BrowserObservation, FailedRequest, Layer } from '../result/types.js';
import { PENDING_EVIDENCE_MS, classifyBrowser, netCode } from './browser.js';
import type { BrowserFailureInput, BrowserSymptom } from './browser.js';
import * as F from './proxy-replies.fixtures.js';

const PAGE = 'https://shop.example.com/orders/1001?session=s3cret';

function page(extra: Partial<BrowserObservation> = {}): BrowserObservation {
  return { kind: 'browser', url: PAGE, title: 'Order 1001', documentStatus: 200, failedRequests: [], consoleErrors: [], pageErrors: [], ...extra };
}

function input(symptom: BrowserSymptom, observation: BrowserObservation, extra: Partial<BrowserFailureInput> = {}): BrowserFailureInput {
  return {
    step: 'click role=button[name="Request refund"]',
    kind: 'click',
    observation,
    symptom,
    failed: [],
    message: 'locator.click: Timeout 5000ms exceeded',
    ...extra,
  };
}

const xhr = (status: number, extra: Partial<FailedRequest> = {}): FailedRequest => ({
  method: 'POST',
  url: 'https://shop.example.com/api/refunds?token=s3cret',
  status,
  resourceType: 'fetch',
  ...extra,
});

describe('classifyBrowser', () => {
  it.each<[string, BrowserFailureInput, Layer, readonly string[]]>([
    // navigation errors
    [
      'connection refused',
      input('navigation-failed', page({ url: 'about:blank', documentStatus: undefined, navigationError: 'net::ERR_CONNECTION_REFUSED', failedRequests: [{ method: 'GET', url: PAGE, failure: 'net::ERR_CONNECTION_REFUSED', resourceType: 'document' }] })),
      'endpoint',
      ['connection refused by shop.example.com:443', 'GET /orders/1001', 'net::ERR_CONNECTION_REFUSED'],
    ],
    [
      'name not resolved',
      input('navigation-failed', page({ navigationError: 'net::ERR_NAME_NOT_RESOLVED', documentStatus: undefined })),
      'endpoint',
      ['DNS lookup of shop.example.com failed'],
    ],
    [
      'expired certificate',
      input('navigation-failed', page({ navigationError: 'net::ERR_CERT_DATE_INVALID', documentStatus: undefined })),
      'endpoint',
      ['net::ERR_CERT_DATE_INVALID', 'shop.example.com:443', 'expired'],
    ],
    [
      'self-signed certificate',
      input('navigation-failed', page({ navigationError: 'net::ERR_CERT_AUTHORITY_INVALID', documentStatus: undefined })),
      'endpoint',
      ['trusted CA'],
    ],
    ['other certificate error', input('navigation-failed', page({ navigationError: 'net::ERR_CERT_WEAK_KEY', documentStatus: undefined })), 'endpoint', ['TLS certificate']],
    ['too many redirects', input('navigation-failed', page({ navigationError: 'net::ERR_TOO_MANY_REDIRECTS', documentStatus: undefined })), 'route', ['redirected too many times']],
    ['forward proxy down', input('navigation-failed', page({ navigationError: 'net::ERR_PROXY_CONNECTION_FAILED', documentStatus: undefined })), 'proxy', ['forward proxy']],
    ['unknown net error', input('navigation-failed', page({ navigationError: 'net::ERR_QUIC_PROTOCOL_ERROR', documentStatus: undefined })), 'endpoint', ['net::ERR_QUIC_PROTOCOL_ERROR', 'unrecognised']],
    // the document
    ['document 404', input('navigation-failed', page({ documentStatus: 404, navigationError: 'net::ERR_HTTP_RESPONSE_CODE_FAILURE' })), 'route', ['404 on GET /orders/1001', 'missing in the running build']],
    ['document 410', input('locator-missing', page({ documentStatus: 410 })), 'route', ['410 on GET /orders/1001']],
    ['document 401', input('locator-missing', page({ documentStatus: 401 })), 'auth', ['401 on GET /orders/1001']],
    [
      'document 502 from nginx (headers only)',
      input('locator-missing', page({ documentStatus: 502, documentHeaders: F.NGINX_502.headers })),
      'proxy',
      ['502 from nginx (server: nginx/1.22.1) on GET /orders/1001', 'forwards /orders/ to'],
    ],
    ['document 503, no signature', input('locator-missing', page({ documentStatus: 503, documentHeaders: {} })), 'app', ['503 on GET /orders/1001', 'the app itself']],
    // the first failed request wins over the symptom
    ['xhr 401', input('assertion-failed', page({ failedRequests: [xhr(401)] })), 'auth', ['401 on POST /api/refunds (fetch)']],
    ['xhr 403', input('assertion-failed', page({ failedRequests: [xhr(403)] })), 'authz', ['403 on POST /api/refunds (fetch)']],
    ['xhr 502 from Envoy', input('locator-missing', page({ failedRequests: [xhr(503, { headers: { server: 'envoy' } })] })), 'proxy', ['503 from Envoy', 'POST /api/refunds']],
    ['xhr 504, headers unknown', input('timeout', page({ failedRequests: [xhr(504)] })), 'proxy', ['504 on POST /api/refunds (fetch)']],
    ['xhr 500', input('assertion-failed', page({ failedRequests: [xhr(500)] })), 'app', ['500 on POST /api/refunds (fetch)']],
    ['xhr 404', input('assertion-failed', page({ failedRequests: [xhr(404, { resourceType: 'xhr' })] })), 'route', ['404 on POST /api/refunds (xhr)']],
    [
      'script 404 (missing bundle)',
      input('locator-missing', page({ failedRequests: [{ method: 'GET', url: 'https://cdn.example.com/assets/app.3f2a9c.js?v=s3cret', status: 404, resourceType: 'script' }] })),
      'route',
      ['404 on GET /assets/app.3f2a9c.js (script)', 'bundle'],
    ],
    [
      'stylesheet 404',
      input('locator-missing', page({ failedRequests: [{ method: 'GET', url: 'https://shop.example.com/assets/app.css', status: 404, resourceType: 'stylesheet' }] })),
      'route',
      ['(stylesheet)'],
    ],
    [
      'API host refused the fetch',
      input('assertion-failed', page({ failedRequests: [{ method: 'GET', url: 'https://api.example.com/v1/orders?token=s3cret', failure: 'net::ERR_CONNECTION_REFUSED', resourceType: 'fetch' }] })),
      'endpoint',
      ['connection refused by api.example.com:443', 'GET /v1/orders', 'fetch: net::ERR_CONNECTION_REFUSED'],
    ],
    [
      'noise is skipped: favicon 404, aborted fetch, image 500',
      input(
        'locator-missing',
        page({
          failedRequests: [
            { method: 'GET', url: 'https://shop.example.com/favicon.ico', status: 404, resourceType: 'other' },
            { method: 'GET', url: 'https://shop.example.com/api/poll', failure: 'net::ERR_ABORTED', resourceType: 'fetch' },
            { method: 'GET', url: 'https://shop.example.com/img/banner.png', status: 500, resourceType: 'image' },
          ],
          candidates: ['button "Request a refund"', 'link "Refunds"'],
          locator: 'role=button[name="Request refund"]',
        }),
      ),
      'frontend',
      ['role=button[name="Request refund"] is missing'],
    ],
    // a hung call the page was waiting for (the demo's `slow` scenario)
    [
      'fetch still pending when "see" gave up',
      input('assertion-failed', page({ pendingRequests: [{ method: 'POST', url: 'https://shop.example.com/api/refunds?token=s3cret', resourceType: 'fetch', pendingMs: 10_020 }] }), {
        step: 'see "Refund requested"',
        kind: 'see',
        failed: [{ kind: 'see', expression: 'see text "Refund requested" (not visible after 10s)', expected: 'visible', actual: 'not visible', passed: false }],
      }),
      'app',
      ['POST /api/refunds had not answered after 10s', 'when the step gave up on /orders/1001 (see "Refund requested")', 'hung call'],
    ],
    [
      'xhr pending on a timeout',
      input('timeout', page({ pendingRequests: [{ method: 'GET', url: 'https://shop.example.com/api/orders', resourceType: 'xhr', pendingMs: 5_000 }] })),
      'app',
      ['GET /api/orders had not answered after 5s'],
    ],
    [
      'a request fired just now is not evidence',
      input('assertion-failed', page({ pendingRequests: [{ method: 'GET', url: 'https://shop.example.com/api/poll', resourceType: 'fetch', pendingMs: PENDING_EVIDENCE_MS - 1 }] }), {
        failed: [{ kind: 'see', expression: 'see text "Refund requested" (not visible after 5s)', expected: 'visible', actual: 'not visible', passed: false }],
      }),
      'result',
      ['wrong text'],
    ],
    [
      'a pending stream is not a hung call',
      input('locator-missing', page({ pendingRequests: [{ method: 'GET', url: 'https://shop.example.com/events', resourceType: 'eventsource', pendingMs: 60_000 }], locator: 'label=Amount' })),
      'frontend',
      ['label=Amount'],
    ],
    // page errors
    // The page's scripts are the frontend's code: an uncaught error is frontend evidence, never `app`.
    [
      'uncaught page error',
      input('locator-missing', page({ pageErrors: ["TypeError: Cannot read properties of undefined (reading 'items')\n    at render (https://shop.example.com/assets/app.js?sig=s3cret:1:2)"] })),
      'frontend',
      ["on /orders/1001: the page's own script threw", "TypeError: Cannot read properties of undefined (reading 'items')"],
    ],
    // symptoms
    [
      'locator missing',
      input('locator-missing', page({ locator: 'role=button[name="Request refund"]', candidates: ['button "Request a refund"', 'link "Refunds"', 'button "Cancel"', 'button "Help"'] })),
      'frontend',
      ['on /orders/1001', 'role=button[name="Request refund"] is missing', 'closest on the page: button "Request a refund", link "Refunds", button "Cancel"'],
    ],
    ['locator missing, no candidates', input('locator-missing', page({ locator: 'label=Amount' })), 'frontend', ['label=Amount', 'nothing similar on the page']],
    [
      'locator ambiguous',
      input('locator-ambiguous', page({ locator: 'role=button[name="Submit"]', matchCount: 3 })),
      'frontend',
      ['matches 3 elements', 'narrow the locator', 'the journey is ambiguous'],
    ],
    [
      'wrong text',
      input('assertion-failed', page(), {
        step: 'see "Refund requested"',
        kind: 'see',
        failed: [{ kind: 'see', expression: 'see text "Refund requested" (not visible after 5s)', expected: 'Refund requested', actual: undefined, passed: false }],
      }),
      'result',
      ['see text "Refund requested" (not visible after 5s) on /orders/1001', 'wrong text'],
    ],
    [
      'wrong url',
      input('assertion-failed', page(), {
        step: 'expectUrl /orders/1001',
        kind: 'expectUrl',
        failed: [{ kind: 'url', expression: 'url ("/checkout") contains "/orders/1001"', expected: '/orders/1001', actual: '/checkout', passed: false }],
      }),
      'result',
      ['url ("/checkout") contains "/orders/1001"'],
    ],
    ['timeout, nothing failed', input('timeout', page(), { step: 'goto /orders/1001?session=s3cret', kind: 'goto' }), 'app', ['goto /orders/1001 on /orders/1001 timed out']],
    ['navigation failed without a code', input('navigation-failed', page({ documentStatus: undefined }), { step: 'goto /orders', kind: 'goto' }), 'endpoint', ['goto /orders: the navigation failed']],
  ])('%s → %s', (_name, failureInput, layer, facts) => {
    const failure = classifyBrowser(failureInput);
    expect(failure.layer).toBe(layer);
    for (const fact of facts) expect(failure.hint).toContain(fact);
    expect(failure.hint).not.toMatch(/s3cret|session=|token=|\n/);
    expect(failure.message.length).toBeGreaterThan(0);
  });

  it('a failed request of the step wins over a page error, which is set aside with why', () => {
    const failure = classifyBrowser(input('locator-missing', page({ failedRequests: [xhr(403, { startedBy: 'step' })], pageErrors: ['Error: forbidden'] })));
    expect(failure.layer).toBe('authz');
    expect(failure.reason).toContain('a request the step triggered: POST /api/refunds → 403');
    expect(failure.setAside).toContainEqual({ evidence: 'script error "Error: forbidden"', why: 'a request failed first: POST /api/refunds → 403 (fetch)' });
  });

  it('a failed request of the step wins over a pending one; a pending one wins over a page error', () => {
    const pendingRequests = [{ method: 'POST', url: 'https://shop.example.com/api/refunds', resourceType: 'fetch', pendingMs: 8_000, startedBy: 'step' as const }];
    expect(classifyBrowser(input('assertion-failed', page({ failedRequests: [xhr(401, { startedBy: 'step' })], pendingRequests }))).layer).toBe('auth');
    const failure = classifyBrowser(input('assertion-failed', page({ pendingRequests, pageErrors: ['Error: boom'] })));
    expect(failure).toMatchObject({ layer: 'app', reason: 'a request the step triggered and waited on: POST /api/refunds (fetch) was still pending after 8s' });
  });

  it('keeps the net code as the failure code', () => {
    const failure = classifyBrowser(input('navigation-failed', page({ navigationError: 'net::ERR_CONNECTION_REFUSED at https://shop.example.com/?x=s3cret' })));
    expect(failure.code).toBe('net::ERR_CONNECTION_REFUSED');
  });

  it('uses the first failed assertion as the message, else the driver message', () => {
    expect(classifyBrowser(input('locator-missing', page())).message).toBe('locator.click: Timeout 5000ms exceeded');
    const failed = [{ kind: 'see' as const, expression: 'see text "X" (not visible after 5s)', expected: 'X', actual: undefined, passed: false }];
    expect(classifyBrowser(input('assertion-failed', page(), { failed })).message).toBe('see text "X" (not visible after 5s)');
  });
});

describe('netCode', () => {
  it.each([
    ['net::ERR_CONNECTION_REFUSED', 'ERR_CONNECTION_REFUSED'],
    ['net::ERR_NAME_NOT_RESOLVED at https://x.test/?a=b', 'ERR_NAME_NOT_RESOLVED'],
    ['ERR_CERT_DATE_INVALID', 'ERR_CERT_DATE_INVALID'],
    ['something else', undefined],
    [undefined, undefined],
  ] as const)('%s → %s', (text, code) => {
    expect(netCode(text)).toBe(code);
  });
});
