import { describe, expect, it } from 'vitest';
import { alertmanagerAlert, linksOf, slackBody, webhookBody } from './alert-payload.js';
import type { AlertContext } from './alert-payload.js';
import type { RunObservation } from './alert-state.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function context(run: Partial<RunObservation>): AlertContext {
  return {
    journey: 'refund-api',
    env: 'production',
    tags: ['api'],
    notice: {
      event: 'broke',
      at: Date.parse('2026-12-01T10:00:00Z'),
      since: Date.parse('2026-12-01T09:59:00Z'),
      run: { runId: 'r2', at: Date.parse('2026-12-01T10:00:00Z'), outcome: 'failed', layer: 'app', stage: 'action', status: 500, hint: '500 on POST /api/refunds: the app failed', ...run },
    },
    baseUrl: 'https://pathproof.example',
    severity: 'critical',
  };
}

describe('alert payloads lead to the backend trace', () => {
  const traced = context({ trace: { id: TRACE_ID, url: `https://tempo.example/trace/${TRACE_ID}` } });

  it('the webhook carries the trace id and its link', () => {
    const body = webhookBody(traced, { id: 'd1', sentAt: '2026-12-01T10:00:01Z' });
    expect(body).toMatchObject({ traceId: TRACE_ID, links: { trace: `https://tempo.example/trace/${TRACE_ID}`, report: 'https://pathproof.example/runs/r2/' } });
  });

  it('Slack links it beside the status page and the report', () => {
    expect(slackBody(traced).text.split('\n').at(-1)).toBe(
      `<https://pathproof.example/#journey-refund-api|status page> · <https://pathproof.example/runs/r2/|run report> · <https://tempo.example/trace/${TRACE_ID}|backend trace>`,
    );
  });

  it('Alertmanager gets it as annotations, never as a label (labels are the alert’s identity)', () => {
    const alert = alertmanagerAlert(traced, Date.parse('2026-12-01T10:05:00Z'));
    expect(alert.annotations).toMatchObject({ trace: `https://tempo.example/trace/${TRACE_ID}`, trace_id: TRACE_ID });
    expect(Object.keys(alert.labels).sort()).toEqual(['alertname', 'env', 'journey', 'layer', 'severity']);
  });

  it('without traceUrl: the id only; a link that is not http(s) is never passed on', () => {
    expect(linksOf(context({ trace: { id: TRACE_ID } })).trace).toBeUndefined();
    expect(webhookBody(context({ trace: { id: TRACE_ID } }), { id: 'd', sentAt: '' })).toMatchObject({ traceId: TRACE_ID });
    expect(linksOf(context({ trace: { id: TRACE_ID, url: 'javascript:alert(1)' } })).trace).toBeUndefined();
    expect(slackBody(context({})).text).not.toContain('backend trace');
  });
});
