/**
 * `alerts:` and `maintenance:` of pathproof.yaml, resolved for serve: `${VAR}` and
 * `${secret:NAME}` in receiver URLs and signing keys are substituted from the environment
 * (the project file itself is read without interpolation), each journey's policy is the
 * project's with the journey's `alerts:` on top, and maintenance windows are compiled.
 *
 * A problem is a message naming the file and the field, never the value: a receiver URL may
 * be a credential (Slack's is).
 */
import type { Env } from '../journey/interpolate.js';
import { interpolateString } from '../journey/interpolate.js';
import type { AlertsConfig, JourneyAlerts, ProjectConfig } from '../journey/schema.js';
import { DEFAULT_POLICY } from './alert-state.js';
import type { AlertPolicy } from './alert-state.js';
import { DEFAULT_DEPLOY_SILENCE_MS } from './alerting.js';
import { compileMaintenance } from './quiet.js';
import type { CompiledWindow } from './quiet.js';
import type { Receiver } from './receivers.js';

export interface ResolvedAlerts {
  readonly receivers: readonly Receiver[];
  /** The policy of a journey: the project's, overridden by the journey's `alerts:`. */
  policyFor(journey?: JourneyAlerts): AlertPolicy;
  readonly severity: string;
  /** Base URL for links in alerts; undefined: the listen address. */
  readonly externalUrl?: string;
  readonly deploySilenceMs: number;
  readonly maintenance: readonly CompiledWindow[];
  /** Values that must never be logged (receiver URLs and keys), for the log redactor. */
  readonly secrets: readonly string[];
}

export type AlertConfigResult = { ok: true; alerts: ResolvedAlerts } | { ok: false; problems: string[] };

const DEFAULT_FLAPPING = DEFAULT_POLICY.flapping as NonNullable<AlertPolicy['flapping']>;

function projectPolicy(config: AlertsConfig | undefined): AlertPolicy {
  const flapping = config?.flapping;
  return {
    confirm: config?.confirm ?? DEFAULT_POLICY.confirm,
    recover: config?.recover ?? DEFAULT_POLICY.recover,
    layerChanges: config?.layerChanges ?? DEFAULT_POLICY.layerChanges,
    ...(flapping === false
      ? {}
      : { flapping: { changes: flapping?.changes ?? DEFAULT_FLAPPING.changes, windowMs: flapping?.window ?? DEFAULT_FLAPPING.windowMs } }),
  };
}

export function resolveAlerts(config: ProjectConfig, env: Env, options: { timeZone: string; file?: string }): AlertConfigResult {
  const alerts = config.alerts;
  const where = options.file ?? 'pathproof.yaml';
  const problems: string[] = [];
  const secrets: string[] = [];

  const resolve = (value: string, path: string, kind: 'url' | 'key' | 'link'): string | undefined => {
    const result = interpolateString(value, env);
    for (const problem of result.problems) problems.push(`${where}: ${path}: ${problem}`);
    if (result.problems.length > 0) return undefined;
    if (kind !== 'link') secrets.push(result.value);
    if (kind !== 'key') {
      const ok = /^https?:\/\//.test(result.value) && URL.canParse(result.value);
      if (!ok) {
        problems.push(`${where}: ${path}: not an absolute http(s) URL once its references are resolved`);
        return undefined;
      }
      // The path alone is a credential for Slack-style URLs: redact it wherever it shows.
      const url = new URL(result.value);
      if (kind === 'url' && url.pathname.length > 1) secrets.push(url.pathname);
    }
    return result.value;
  };

  const receivers: Receiver[] = [];
  (alerts?.webhooks ?? []).forEach((hook, i) => {
    const url = resolve(hook.url, `alerts.webhooks[${i}].url`, 'url');
    const secret = hook.secret === undefined ? undefined : resolve(hook.secret, `alerts.webhooks[${i}].secret`, 'key');
    if (url) receivers.push({ id: `webhook-${i + 1}`, kind: 'webhook', url, ...(secret ? { secret } : {}) });
  });
  (alerts?.alertmanager ?? []).forEach((entry, i) => {
    const url = resolve(typeof entry === 'string' ? entry : entry.url, `alerts.alertmanager[${i}]`, 'url');
    if (url) receivers.push({ id: `alertmanager-${i + 1}`, kind: 'alertmanager', url });
  });
  (alerts?.slack ?? []).forEach((entry, i) => {
    const url = resolve(entry.url, `alerts.slack[${i}].url`, 'url');
    if (url) receivers.push({ id: `slack-${i + 1}`, kind: 'slack', url });
  });
  const externalUrl = alerts?.externalUrl === undefined ? undefined : resolve(alerts.externalUrl, 'alerts.externalUrl', 'link');
  if (problems.length > 0) return { ok: false, problems };

  const base = projectPolicy(alerts);
  return {
    ok: true,
    alerts: {
      receivers,
      policyFor: (journey) => ({ ...base, ...(journey?.confirm !== undefined ? { confirm: journey.confirm } : {}), ...(journey?.recover !== undefined ? { recover: journey.recover } : {}) }),
      severity: alerts?.severity ?? 'critical',
      ...(externalUrl ? { externalUrl: externalUrl.replace(/\/+$/, '') } : {}),
      deploySilenceMs: alerts?.deploySilence ?? DEFAULT_DEPLOY_SILENCE_MS,
      maintenance: compileMaintenance(config.maintenance ?? [], options.timeZone),
      secrets: secrets.filter((s) => s.length > 1),
    },
  };
}
