/**
 * The integration examples under deploy/ are meant to be copied: every YAML file must
 * parse (all documents), every manifest must carry what its kind requires, and every
 * pathproof command line in them must be one pathproof accepts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseCli } from '../src/cli/args.js';
import { checkHost } from '../src/serve/request-guard.js';
import { loadJourneyText } from '../src/journey/load.js';
import { ROOT } from './helpers.js';

const DEPLOY = join(ROOT, 'deploy');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

type Doc = Record<string, unknown> & { __file: string };
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const files = walk(DEPLOY);
const yamlFiles = files.filter((f) => /\.ya?ml$/.test(f));

const docs: Doc[] = yamlFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${relative(ROOT, file)}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as unknown;
    return value === null ? [] : [{ ...(value as Record<string, unknown>), __file: relative(ROOT, file) }];
  }),
);

const manifests = docs.filter((d) => !d.__file.includes('github-actions'));
const ofKind = (kind: string): Json[] => manifests.filter((d) => d.kind === kind) as Json[];

interface Container {
  image?: string;
  command?: string[];
  args?: string[];
}

/** Pod specs of every workload-like manifest, with where they came from. */
function podSpecs(): { where: string; kind: string; doc: Json; spec: Json }[] {
  const out: { where: string; kind: string; doc: Json; spec: Json }[] = [];
  for (const doc of manifests as Json[]) {
    const where = `${doc.__file} ${doc.kind}/${doc.metadata?.name}`;
    if (doc.kind === 'Job' || doc.kind === 'Deployment' || doc.kind === 'Rollout' || doc.kind === 'StatefulSet') out.push({ where, kind: doc.kind, doc, spec: doc.spec?.template?.spec });
    if (doc.kind === 'CronJob') out.push({ where, kind: doc.kind, doc, spec: doc.spec?.jobTemplate?.spec?.template?.spec });
    if (doc.kind === 'AnalysisTemplate') {
      for (const metric of doc.spec?.metrics ?? []) {
        if (metric.provider?.job) out.push({ where: `${where} metric ${metric.name}`, kind: 'AnalysisJob', doc, spec: metric.provider.job.spec?.template?.spec });
      }
    }
  }
  return out;
}

/** The pathproof argv a container runs: its args, or the `exec pathproof …` line of a shell. */
function pathproofArgv(container: Container): string[] | undefined {
  const args = container.args ?? [];
  if (container.command?.[0]?.endsWith('sh')) {
    const script = args.join(' ');
    const match = /exec pathproof (.+)$/s.exec(script);
    if (!match) return undefined;
    // The shell arithmetic a pod evaluates: pod 0 of N runs shard 1/N.
    const evaluated = match[1]!.replace(/"\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\/(\d+)"/g, '1/$1');
    return evaluated.split(/\s+/).filter(Boolean).map((word) => word.replace(/^"(.*)"$/, '$1'));
  }
  return args;
}

describe('deploy/ examples', () => {
  it('has every integration the README documents', () => {
    expect(files.map((f) => relative(DEPLOY, f)).sort()).toEqual(
      expect.arrayContaining([
        'argo-cd/postsync-hook-job.yaml',
        'argo-rollouts/analysis-template.yaml',
        'flagger/canary.yaml',
        'flagger/pathproof-serve.yaml',
        'github-actions/verify.yml',
        'helm/post-rollback-hook-job.yaml',
        'kubernetes/cronjob.yaml',
        'kubernetes/indexed-job.yaml',
        'kubernetes/journeys-configmap.yaml',
        'kubernetes/serve-statefulset.yaml',
        'shell/verify-after-deploy.sh',
      ]),
    );
    expect(docs.length).toBeGreaterThanOrEqual(12);
  });

  it.each(manifests.map((d) => [`${d.__file} ${String(d.kind)}`, d] as const))('%s has apiVersion, kind and metadata.name', (_label, doc) => {
    const d = doc as Json;
    expect(typeof d.apiVersion).toBe('string');
    expect(typeof d.kind).toBe('string');
    expect(typeof d.metadata?.name).toBe('string');
    expect(d.metadata.name.length).toBeGreaterThan(0);
  });

  it.each(podSpecs().map((p) => [p.where, p] as const))('%s runs a container with an image and args', (_label, pod) => {
    expect(pod.spec, 'pod spec').toBeDefined();
    const containers = pod.spec.containers as Container[];
    expect(containers.length).toBeGreaterThan(0);
    for (const container of containers) {
      expect(container.image, 'image').toMatch(/\S+:\S+/);
      if (pod.kind !== 'Rollout') expect(container.args?.length, 'args').toBeGreaterThan(0);
    }
    if (pod.kind === 'Job' || pod.kind === 'CronJob' || pod.kind === 'AnalysisJob') {
      expect(['Never', 'OnFailure']).toContain(pod.spec.restartPolicy);
    }
  });

  it.each(
    podSpecs()
      .filter((p) => p.kind !== 'Rollout')
      .map((p) => [p.where, p] as const),
  )('%s runs a pathproof command line that pathproof accepts', (_label, pod) => {
    for (const container of pod.spec.containers as Container[]) {
      const argv = pathproofArgv(container);
      expect(argv, 'a pathproof command').toBeDefined();
      const parsed = parseCli(argv!, {});
      expect(parsed.ok ? '' : parsed.message).toBe('');
      if (parsed.ok) expect(['run', 'serve']).toContain(parsed.args.command);
    }
  });

  it('the Indexed Job shards over exactly its completions', () => {
    const jobs = ofKind('Job').filter((j) => j.spec.completionMode === 'Indexed');
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    const script = (job.spec.template.spec.containers[0].args as string[]).join(' ');
    const total = Number(/--shard "\$\(\(JOB_COMPLETION_INDEX \+ 1\)\)\/(\d+)"/.exec(script)?.[1]);
    expect(total).toBe(job.spec.completions);
    expect(job.spec.parallelism).toBe(job.spec.completions);
  });

  it('the serve StatefulSet shards over exactly its replicas, with the headless Service it names', () => {
    const [set] = ofKind('StatefulSet');
    const args = set!.spec.template.spec.containers[0].args as string[];
    expect(args[0]).toBe('serve');
    const total = Number(/^auto\/(\d+)$/.exec(args[args.indexOf('--shard') + 1] ?? '')?.[1]);
    expect(total).toBe(set!.spec.replicas);
    const service = ofKind('Service').find((s) => s.metadata.name === set!.spec.serviceName);
    expect(service?.spec.clusterIP).toBe('None');
    expect(service?.spec.selector).toEqual(set!.spec.selector.matchLabels);
    expect(set!.spec.template.metadata.labels).toMatchObject(set!.spec.selector.matchLabels);
  });

  it.each(
    podSpecs()
      .filter((p) => (p.spec?.containers as Container[] | undefined)?.some((c) => c.args?.[0] === 'serve'))
      .map((p) => [p.where, p] as const),
  )('%s: serve is ready on /readyz (503 while starting and draining), alive on /healthz', (_label, pod) => {
    const container = (pod.spec.containers as Json[]).find((c) => c.args?.[0] === 'serve')!;
    expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
  });

  it('the CronJob has a five-field schedule and never overlaps itself', () => {
    const [cron] = ofKind('CronJob');
    expect(cron!.spec.schedule.split(' ')).toHaveLength(5);
    expect(cron!.spec.concurrencyPolicy).toBe('Forbid');
  });

  it('the hooks carry their annotations: Helm post-rollback, Argo CD PostSync', () => {
    const jobs = ofKind('Job');
    const helmRollback = jobs.filter((j) => (j.metadata.annotations?.['helm.sh/hook'] ?? '').split(',').includes('post-rollback'));
    expect(helmRollback).toHaveLength(1);
    expect(helmRollback[0]!.spec.template.spec.containers[0].args).toEqual(expect.arrayContaining(['--after', 'rollback']));
    expect(helmRollback[0]!.metadata.annotations['helm.sh/hook-delete-policy']).toBeDefined();
    const postSync = jobs.filter((j) => j.metadata.annotations?.['argocd.argoproj.io/hook'] === 'PostSync');
    expect(postSync).toHaveLength(1);
    expect(postSync[0]!.spec.template.spec.containers[0].args).toContain('--investigate');
  });

  it('Helm names are cut to 63 characters and stay distinct for the longest release name', () => {
    const templated = manifests.filter((d) => d.__file.startsWith('deploy/helm/')) as Json[];
    expect(templated.length).toBeGreaterThan(0);
    // The one form used: printf "%s-<suffix>" (.Release.Name | trunc N | trimSuffix "-") | trunc 63 | trimSuffix "-".
    const FORM = /^\{\{ printf "%s(-[a-z0-9-]+)" \(\.Release\.Name \| trunc (\d+) \| trimSuffix "-"\) \| trunc 63 \| trimSuffix "-" \}\}$/;
    const trunc = (value: string, n: number): string => value.slice(0, n).replace(/-+$/, '');
    const render = (name: string, release: string): string => {
      const match = FORM.exec(name);
      expect(match, name).not.toBeNull();
      return trunc(`${trunc(release, Number(match![2]))}${match![1]}`, 63);
    };
    for (const release of ['shop', 'a'.repeat(53), `${'b'.repeat(38)}-${'c'.repeat(14)}`]) {
      const names = templated.map((d) => render(d.metadata.name as string, release));
      for (const name of names) {
        expect(name.length, name).toBeLessThanOrEqual(63);
        expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      }
      expect(new Set(names).size).toBe(names.length);
    }
    expect(render(templated[0]!.metadata.name as string, 'shop')).toBe('shop-pathproof-post-rollback');
  });

  it('the AnalysisTemplate uses the job provider, and the Rollout refers to it', () => {
    const [template] = ofKind('AnalysisTemplate');
    expect(template!.spec.metrics.some((m: Json) => m.provider?.job?.spec?.template)).toBe(true);
    const [rollout] = ofKind('Rollout');
    const referenced = (rollout!.spec.strategy.canary.steps as Json[]).flatMap((s) => s.analysis?.templates ?? []).map((t: Json) => t.templateName);
    expect(referenced).toContain(template!.metadata.name);
    // Every {{args.x}} used in the template is declared.
    const declared = new Set((template!.spec.args as Json[]).map((a) => a.name));
    const used = [...JSON.stringify(template!.spec.metrics).matchAll(/\{\{args\.([\w-]+)\}\}/g)].map((m) => m[1]);
    for (const name of used) expect(declared.has(name), name).toBe(true);
  });

  it('the Flagger Canary calls POST /hooks/flagger with string metadata', () => {
    const [canary] = ofKind('Canary');
    const webhooks = canary!.spec.analysis.webhooks as Json[];
    expect(webhooks.map((w) => w.type)).toEqual(['pre-rollout', 'rollout', 'post-rollout']);
    for (const hook of webhooks) {
      expect(hook.url).toMatch(/\/hooks\/flagger$/);
      expect(hook.timeout).toMatch(/^\d+s$/);
      // Flagger's metadata is map[string]string: a list or number would be rejected.
      for (const value of Object.values(hook.metadata as object)) expect(typeof value).toBe('string');
      expect(hook.metadata.journeys ?? hook.metadata.tags).toBeDefined();
    }
    const [service] = ofKind('Service').filter((s) => s.metadata.name === 'pathproof');
    expect(webhooks[0]!.url).toContain(`${service!.metadata.name}.${service!.metadata.namespace}.svc:${service!.spec.ports[0].port}`);
    // serve answers that Host name (DNS rebinding protection refuses names it was not given).
    const serve = podSpecs().find((p) => p.where.includes('pathproof-serve'));
    const parsed = parseCli(pathproofArgv(serve!.spec.containers[0]!) ?? [], {});
    if (!parsed.ok) throw new Error(parsed.message);
    for (const hook of webhooks) expect(checkHost(new URL(hook.url as string).host, { listenHost: '0.0.0.0', allowHosts: parsed.args.allowHosts })).toEqual({ ok: true });
  });

  it('the journeys in the ConfigMap are valid journeys', () => {
    const [configMap] = ofKind('ConfigMap');
    const entries = Object.entries(configMap!.data as Record<string, string>);
    expect(entries.length).toBeGreaterThan(0);
    for (const [file, text] of entries) {
      const loaded = loadJourneyText(text, file, { env: { BASE_URL: 'https://shop.example.com', EXPECTED_VERSION: '2.0.3' } });
      expect(loaded.ok ? [] : loaded.diagnostics.map((d) => d.message)).toEqual([]);
    }
  });

  it('the GitHub Actions workflow has triggers and jobs with steps', () => {
    const workflows = docs.filter((d) => d.__file.includes('github-actions')) as Json[];
    expect(workflows).toHaveLength(1);
    const workflow = workflows[0]!;
    expect(workflow.on).toHaveProperty('deployment_status');
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    const jobs = Object.values(workflow.jobs as Record<string, Json>);
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(job['runs-on']).toBeDefined();
      expect(job.steps.length).toBeGreaterThan(0);
      for (const step of job.steps as Json[]) expect(step.uses ?? step.run).toBeDefined();
    }
    // It uses the pathproof action (placeholder owner), with the re-run of failed journeys.
    const steps = jobs.flatMap((j) => j.steps as Json[]);
    const pathproof = steps.filter((s) => /^your-org\/pathproof@v\d+$/.test(s.uses ?? ''));
    expect(pathproof).toHaveLength(1);
    expect(String(pathproof[0]!.with['rerun-failed'])).toBe('true');
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Json;
    for (const input of Object.keys(pathproof[0]!.with as object)) expect(Object.keys(action.inputs as object), input).toContain(input);
    // The matrix shards are i/n over exactly n jobs.
    const shards = jobs[0]!.strategy.matrix.shard as string[];
    expect(shards).toEqual(shards.map((_s, k) => `${k + 1}/${shards.length}`));
    expect(steps.some((s) => (s.run ?? '').includes('playwright install'))).toBe(false);
  });

  it('the shell example is valid sh and has the one-liner', () => {
    const file = join(DEPLOY, 'shell/verify-after-deploy.sh');
    const check = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('docker compose up -d && pathproof run --after deploy --expect-version "$TAG" journeys/ || ./rollback.sh');
  });
});
