import { describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../journey/schema.js';
import { resolveAlerts } from './alert-config.js';

const CONFIG: ProjectConfig = {
  alerts: {
    confirm: 3,
    flapping: { changes: 4 },
    externalUrl: 'https://pathproof.example/',
    webhooks: [{ url: 'https://hooks.example/${HOOK_PATH}', secret: '${secret:HOOK_KEY}' }],
    alertmanager: ['http://am:9093', { url: '${AM_URL:-http://am2:9093}' }],
    slack: [{ url: '${secret:SLACK_WEBHOOK}' }],
  },
  maintenance: [{ cron: '0 2 * * SUN', duration: 3_600_000 }],
};
const ENV = { HOOK_PATH: 'p/1', HOOK_KEY: 'k3y', SLACK_WEBHOOK: 'https://hooks.slack.com/services/T/B/XYZ' };

describe('resolveAlerts', () => {
  it('resolves references, numbers the receivers, and knows what must never be logged', () => {
    const result = resolveAlerts(CONFIG, ENV, { timeZone: 'UTC' });
    if (!result.ok) throw new Error(result.problems.join('\n'));
    expect(result.alerts.receivers).toEqual([
      { id: 'webhook-1', kind: 'webhook', url: 'https://hooks.example/p/1', secret: 'k3y' },
      { id: 'alertmanager-1', kind: 'alertmanager', url: 'http://am:9093' },
      { id: 'alertmanager-2', kind: 'alertmanager', url: 'http://am2:9093' },
      { id: 'slack-1', kind: 'slack', url: 'https://hooks.slack.com/services/T/B/XYZ' },
    ]);
    expect(result.alerts.externalUrl).toBe('https://pathproof.example');
    expect(result.alerts.secrets).toEqual(expect.arrayContaining(['k3y', 'https://hooks.slack.com/services/T/B/XYZ', '/services/T/B/XYZ']));
    expect(result.alerts.secrets).not.toContain('https://pathproof.example/');
    expect(result.alerts.maintenance).toHaveLength(1);
  });

  it('takes each journey policy from the project, with the journey on top', () => {
    const result = resolveAlerts(CONFIG, ENV, { timeZone: 'UTC' });
    if (!result.ok) throw new Error('unexpected');
    expect(result.alerts.policyFor()).toEqual({ confirm: 3, recover: 1, layerChanges: false, flapping: { changes: 4, windowMs: 3_600_000 } });
    expect(result.alerts.policyFor({ confirm: 1, recover: 2 })).toMatchObject({ confirm: 1, recover: 2 });
    const off = resolveAlerts({ alerts: { flapping: false } }, {}, { timeZone: 'UTC' });
    expect(off.ok && off.alerts.policyFor().flapping).toBeUndefined();
  });

  it('defaults: confirm 2, recover 1, no receivers', () => {
    const result = resolveAlerts({}, {}, { timeZone: 'UTC' });
    expect(result.ok && result.alerts.policyFor()).toEqual({ confirm: 2, recover: 1, layerChanges: false, flapping: { changes: 6, windowMs: 3_600_000 } });
    expect(result.ok && result.alerts.receivers).toEqual([]);
  });

  it('names the file and field of a missing secret or a bad URL, never the value', () => {
    const result = resolveAlerts(CONFIG, { HOOK_PATH: 'x', SLACK_WEBHOOK: 'not a url at all' }, { timeZone: 'UTC', file: 'ops/pathproof.yaml' });
    expect(result).toEqual({
      ok: false,
      problems: [
        'ops/pathproof.yaml: alerts.webhooks[0].secret: secret HOOK_KEY is not set in the environment',
        'ops/pathproof.yaml: alerts.slack[0].url: not an absolute http(s) URL once its references are resolved',
      ],
    });
  });
});
