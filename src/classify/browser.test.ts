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

/** A call the failing step triggered (a click's POST): the evidence the step's own window holds. */
const xhr = (status: number, extra: Partial<FailedRequest> = {}): FailedRequest => ({
  method: 'POST',
  url: 'https://shop.example.com/api/refunds?token=s3cret',
  status,
  resourceType: 'fetch',
  startedBy: 'step',
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
      input('assertion-failed', page({ failedRequests: [{ method: 'GET', url: 'https://api.example.com/v1/orders?token=s3cret', failure: 'net::ERR_CONNECTION_REFUSED', resourceType: 'fetch', startedBy: 'step' }] })),
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
      input('timeout', page({ pendingRequests: [{ method: 'GET', url: 'https://shop.example.com/api/orders', resourceType: 'xhr', pendingMs: 5_000, startedBy: 'step' }] })),
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

describe('classifyBrowser: causes by relevance (issue #11)', () => {
  const notFound = (extra: Partial<FailedRequest> = {}): FailedRequest => ({
    method: 'GET',
    url: 'https://shop.example.com/api/recommendations',
    status: 502,
    resourceType: 'fetch',
    headers: { server: 'nginx/1.22.1', 'content-type': 'text/html' },
    body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.22.1</center></body></html>',
    ...extra,
  });
  const thirdParty = {
    failedRequests: [
      { method: 'GET', url: 'https://fonts.cdn.invalid/css?family=Inter', failure: 'net::ERR_NAME_NOT_RESOLVED', resourceType: 'stylesheet' },
      { method: 'GET', url: 'https://stats.invalid/collect', failure: 'net::ERR_NAME_NOT_RESOLVED', resourceType: 'script' },
    ],
    scriptErrors: [{ message: 'ReferenceError: ga is not defined', source: 'https://stats.invalid/tag.js' }],
  };

  it.each<[string, BrowserFailureInput, Layer, string]>([
    [
      'third-party failures never decide: the missing control is the frontend',
      input('locator-missing', page({ thirdParty, locator: 'role=button[name="Request refund"]' })),
      'frontend',
      'is missing or not interactive',
    ],
    [
      'a missing bundle behind a dead font CDN is route, not the CDN',
      input('locator-missing', page({ thirdParty, failedRequests: [{ method: 'GET', url: 'https://shop.example.com/assets/app.js', status: 404, resourceType: 'script', startedBy: 'page' }] })),
      'route',
      '404 on GET /assets/app.js (script)',
    ],
    [
      "a control missing after the page went on: the earlier call's 502 was handled",
      input('locator-missing', page({ failedRequests: [notFound({ startedBy: 'page', handledBefore: 'see text "Blue mug"' })], locator: 'role=button[name="Apply coupon"]' })),
      'frontend',
      'is missing or not interactive',
    ],
    [
      'a control missing: a call the page made on its own does not explain it, whenever it failed (no step passed after it here)',
      input('locator-missing', page({ failedRequests: [notFound({ startedBy: 'page' })], locator: 'role=button[name="Apply coupon"]' })),
      'frontend',
      'is missing or not interactive',
    ],
    [
      'a control missing because the action before it failed (its POST got a 502)',
      input('locator-missing', page({ failedRequests: [notFound({ method: 'POST', url: 'https://shop.example.com/api/cart', startedBy: 'step' })], locator: 'role=button[name="Checkout"]' })),
      'proxy',
      '502 from nginx',
    ],
    [
      "content missing after the page went on: the call that brings it is still the cause",
      input('assertion-failed', page({ failedRequests: [notFound({ startedBy: 'page', handledBefore: 'see text "Congrats"' })] }), { kind: 'see', step: 'see role=heading[name="Resources"]' }),
      'proxy',
      '502 from nginx',
    ],
    [
      'a call the page asked again with success is not the cause',
      input('assertion-failed', page({ failedRequests: [notFound({ startedBy: 'step', laterSucceeded: true })] }), { kind: 'see' }),
      'result',
      'shows the wrong text',
    ],
    [
      'an image or font of the page never decides',
      input('locator-missing', page({ failedRequests: [{ method: 'GET', url: 'https://shop.example.com/logo.png', status: 404, resourceType: 'image', startedBy: 'step' }] })),
      'frontend',
      'is missing or not interactive',
    ],
    [
      'an ambiguous locator is the journey to narrow, whatever failed on the page',
      input('locator-ambiguous', page({ failedRequests: [notFound({ startedBy: 'step' })], pageErrors: ['TypeError: x'], matchCount: 3, locator: 'text="Delete"' })),
      'frontend',
      'matches 3 elements',
    ],
    [
      'a soft 404 (200 + "Page not found") is route',
      input('locator-missing', page({ title: 'Acme', heading: 'Page not found', locator: 'role=button[name="Pay"]' })),
      'route',
      'a soft 404',
    ],
    [
      'a repeating poll still pending is not a hung call',
      input('assertion-failed', page({ pendingRequests: [{ method: 'GET', url: 'https://shop.example.com/api/poll', resourceType: 'fetch', pendingMs: 25_000, startedBy: 'page', repeating: true }] }), { kind: 'see' }),
      'result',
      'shows the wrong text',
    ],
    [
      'failOnPageErrors: the script error is the cause, not a failed call',
      input('script-error', page({ failedRequests: [notFound({ startedBy: 'step' })], pageErrors: ["TypeError: Cannot read properties of null (reading 'prefs')"] }), { kind: 'goto' }),
      'frontend',
      "the page's own script threw \"TypeError: Cannot read properties of null (reading 'prefs')\"",
    ],
    [
      'a URL check that landed on the login page is auth',
      input('assertion-failed', page({ url: 'https://shop.example.com/login?next=/orders' }), { kind: 'expectUrl', failed: [{ kind: 'url', expression: 'url ("/login") contains "/orders"', expected: '/orders', actual: '/login', passed: false }] }),
      'auth',
      'the page is at the login page /login',
    ],
    [
      'a 403 from the login POST the step sent is a refused login (auth), not authz',
      input('assertion-failed', page({ failedRequests: [{ method: 'POST', url: 'https://shop.example.com/auth/token', status: 403, resourceType: 'xhr', startedBy: 'step', body: '{"error":"invalid_grant","error_description":"Invalid credentials"}', headers: { 'content-type': 'application/json' } }] })),
      'auth',
      'the credential exchange was refused (OAuth error "invalid_grant")',
    ],
  ])('%s → %s', (_name, failureInput, layer, fact) => {
    const failure = classifyBrowser(failureInput);
    expect(failure.layer).toBe(layer);
    expect(failure.hint).toContain(fact);
  });

  it('lists third-party evidence as set aside, with why', () => {
    const failure = classifyBrowser(input('locator-missing', page({ thirdParty })));
    expect(failure.setAside).toEqual(
      expect.arrayContaining([
        { evidence: '2 third-party requests failed: fonts.cdn.invalid (DNS), stats.invalid (DNS)', why: 'third-party: evidence only, never the cause' },
        { evidence: 'third-party script error "ReferenceError: ga is not defined" from stats.invalid', why: 'third-party: evidence only, never the cause' },
      ]),
    );
  });

  it('is the same verdict whatever order the failures arrived in: the first to START wins within a rank', () => {
    const a = xhr(502, { url: 'https://shop.example.com/api/a', startedBy: 'step', headers: { server: 'nginx', 'content-type': 'text/html' }, body: '<center>nginx</center>' });
    const b = xhr(401, { url: 'https://shop.example.com/api/b', startedBy: 'step' });
    const one = classifyBrowser(input('assertion-failed', page({ failedRequests: [a, b] })));
    const other = classifyBrowser(input('assertion-failed', page({ failedRequests: [a, b] })));
    expect(one).toEqual(other);
    expect(one.layer).toBe('proxy');
    expect(one.setAside?.[0]?.evidence).toBe('POST /api/b → 401 (fetch)');
  });
});
