/**
 * Our files against the public schemas their consumers apply: `action.yml` against
 * SchemaStore's github-action.json, every workflow under deploy/github-actions/ against
 * github-workflow.json (vendored in test/fixtures/schemas/, see its README for the revision),
 * and every Kubernetes manifest under deploy/ against the Kubernetes OpenAPI shapes
 * (kubernetes-models, @kubernetes-models/argo-rollouts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from './helpers.js';

const addFormats = addFormatsModule as unknown as FormatsPlugin;
const SCHEMAS = join(ROOT, 'test/fixtures/schemas');

function validator(file: string) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as object);
}

const validateAction = validator('github-action.json');
const validateWorkflow = validator('github-workflow.json');

function errorsOf(validate: ReturnType<typeof validator>, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]));
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Json;
const workflows = walk(join(ROOT, 'deploy/github-actions')).filter((f) => /\.ya?ml$/.test(f));

describe('action.yml', () => {
  it('is valid against SchemaStore github-action.json', () => {
    expect(errorsOf(validateAction, action)).toEqual([]);
  });

  it('the schema check can fail: a composite run step without a shell is refused', () => {
    const broken = structuredClone(action);
    delete broken.runs.steps.find((s: Json) => s.run).shell;
    expect(errorsOf(validateAction, broken).length).toBeGreaterThan(0);
  });

  it('passes inputs to scripts through env, never pasted into the script text', () => {
    for (const step of action.runs.steps as Json[]) {
      if (step.run) expect(step.run, step.name).not.toMatch(/\$\{\{/);
    }
  });

  it('pins the actions it uses to a major version', () => {
    const uses = (action.runs.steps as Json[]).flatMap((s) => (s.uses ? [s.uses as string] : []));
    expect(uses).toEqual(expect.arrayContaining([expect.stringMatching(/^actions\/upload-artifact@v\d+$/), expect.stringMatching(/^actions\/setup-node@v\d+$/)]));
    for (const use of uses) expect(use).toMatch(/@v\d+$/);
  });

  it('every input it reads is declared, and every declared input is read', () => {
    const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');
    const used = new Set([...text.matchAll(/inputs\.([a-z-]+)/g)].map((m) => m[1]!));
    const declared = new Set(Object.keys(action.inputs as object));
    expect([...used].filter((name) => !declared.has(name))).toEqual([]);
    expect([...declared].filter((name) => !used.has(name))).toEqual([]);
  });
});

describe('workflows under deploy/github-actions/', () => {
  it.each(workflows.map((f) => [relative(ROOT, f), f]))('%s is valid against SchemaStore github-workflow.json', (_name, file) => {
    expect(errorsOf(validateWorkflow, parse(readFileSync(file, 'utf8')))).toEqual([]);
  });

  it('the schema check can fail: a job without runs-on is refused', () => {
    const workflow = parse(readFileSync(workflows[0]!, 'utf8')) as Json;
    for (const job of Object.values(workflow.jobs as Record<string, Json>)) delete job['runs-on'];
    expect(errorsOf(validateWorkflow, workflow).length).toBeGreaterThan(0);
  });
});

/** The kubernetes-models class for a manifest's apiVersion and kind. */
async function modelOf(apiVersion: string, kind: string): Promise<(new (data: object) => { validate(): void }) | undefined> {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const module =
    group === 'argoproj.io'
      ? `@kubernetes-models/argo-rollouts/argoproj.io/${version}/${kind}`
      : `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
  try {
    return ((await import(module)) as Record<string, new (data: object) => { validate(): void }>)[kind];
  } catch {
    return undefined;
  }
}

const manifests = walk(join(ROOT, 'deploy'))
  .filter((f) => /\.ya?ml$/.test(f) && !f.includes('github-actions'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((doc) => doc.toJS() as Json | null)
      .filter((doc): doc is Json => doc !== null)
      .map((doc) => ({ where: `${relative(ROOT, file)} ${doc.kind as string}/${doc.metadata?.name as string}`, doc })),
  );

/** Kinds with no published schema package: checked by test/deploy-examples.test.ts only. */
const NO_SCHEMA = new Set(['flagger.app/v1beta1 Canary']);

describe('Kubernetes manifests under deploy/', () => {
  it.each(manifests.map((m) => [m.where, m.doc] as const))('%s matches its OpenAPI shape', async (_where, doc) => {
    const kind = `${doc.apiVersion as string} ${doc.kind as string}`;
    const Model = await modelOf(doc.apiVersion as string, doc.kind as string);
    if (NO_SCHEMA.has(kind)) {
      expect(Model).toBeUndefined();
      return;
    }
    expect(Model, `a schema for ${kind}`).toBeDefined();
    expect(() => new Model!(doc).validate()).not.toThrow();
  });

  it('the shape check can fail: a container without a name, args as a string', async () => {
    const job = manifests.find((m) => m.doc.kind === 'Job')!.doc;
    const broken = structuredClone(job);
    const container = broken.spec.template.spec.containers[0];
    delete container.name;
    container.args = 'run';
    const Model = (await modelOf('batch/v1', 'Job'))!;
    expect(() => new Model(broken).validate()).toThrow(/must have required property 'name'|must be array/);
  });
});
