/**
 * What a compose file says should run: per service the image, env and volumes, with
 * compose's own naming (project name, `<project>_<volume>`) and `${VAR}` interpolation
 * (shell env over `.env` beside the file). Read with the journey loader's YAML machinery, so
 * a malformed file is one line with file:line:col; user input never throws.
 *
 * Not modelled (said in the README): `extends`, `include`, several `-f` files merged,
 * secrets/configs. Services under an inactive profile are listed as such, not as missing.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Diagnostic, LocatedProblem } from '../journey/diagnostics.js';
import { sortDiagnostics } from '../journey/diagnostics.js';
import { parseYamlSource, schemaProblems, withoutConsequences } from '../journey/yaml-source.js';

/** compose normalises a project name this way (v1 and v2 agree on the result for plain names). */
export function normaliseProjectName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[^a-z0-9]+/, '');
}

/** The files `docker compose` looks for when none is named, in its order. */
export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;

export interface IntendedMount {
  /** Where it is mounted in the container. */
  readonly target: string;
  readonly kind: 'volume' | 'bind' | 'anonymous';
  /** The engine's volume name (`<project>_<name>` unless external or named) or the absolute bind source. */
  readonly source?: string;
  /** As written in the file (`shop_data_v2`, `./data`). */
  readonly written?: string;
}

export interface IntendedService {
  readonly name: string;
  /** The image reference, interpolated; undefined for a `build:` service without `image:`. */
  readonly image?: string;
  readonly build: boolean;
  /** Name → value; null when the value passes through from the shell at `up` time (unknown to us). */
  readonly environment: Readonly<Record<string, string | null>>;
  readonly volumes: readonly IntendedMount[];
  readonly replicas: number;
  readonly profiles: readonly string[];
}

export interface IntendedCompose {
  readonly file: string;
  readonly project: string;
  /** Where the project name came from: `--project`, `intended.project`, `COMPOSE_PROJECT_NAME`, `name:`, `directory`. */
  readonly projectSource: string;
  readonly services: readonly IntendedService[];
}

export type ComposeResult = { ok: true; compose: IntendedCompose } | { ok: false; diagnostics: Diagnostic[] };

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const ComposeService = z.looseObject({
  image: z.string().optional(),
  build: z.unknown().optional(),
  environment: z.union([z.array(z.string()), z.record(z.string(), Scalar)]).optional(),
  env_file: z.union([z.string(), z.array(z.union([z.string(), z.looseObject({ path: z.string(), required: z.boolean().optional() })]))]).optional(),
  volumes: z
    .array(
      z.union([
        z.string(),
        z.looseObject({ type: z.string().optional(), source: z.string().optional(), target: z.string() }),
      ]),
    )
    .optional(),
  scale: z.number().int().min(0).optional(),
  deploy: z.looseObject({ replicas: z.number().int().min(0).optional() }).nullable().optional(),
  profiles: z.array(z.string()).optional(),
});

const ComposeFile = z.looseObject({
  name: z.string().optional(),
  services: z.record(z.string(), ComposeService.nullable()),
  volumes: z
    .record(
      z.string(),
      z
        .looseObject({
          name: z.string().optional(),
          external: z.union([z.boolean(), z.looseObject({ name: z.string().optional() })]).optional(),
        })
        .nullable(),
    )
    .optional(),
});
type ComposeFile = z.infer<typeof ComposeFile>;

export interface ComposeOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** --project, then `intended.project`: both beat COMPOSE_PROJECT_NAME and `name:`. */
  readonly project?: { readonly name: string; readonly source: string };
}

/** Reads and interprets one compose file. `file` is as the user named it (relative to `cwd`). */
export async function readCompose(file: string, options: ComposeOptions): Promise<ComposeResult> {
  const absolute = path.resolve(options.cwd, file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = code === 'ENOENT' ? 'compose file not found' : code === 'EISDIR' ? 'is a directory, not a compose file' : `cannot read the compose file (${code ?? String(error)})`;
    return { ok: false, diagnostics: [{ file, line: 0, column: 0, path: '', message, severity: 'error' }] };
  }
  const dotEnv = await readEnvFile(path.join(path.dirname(absolute), '.env'));
  return parseCompose(bytes, file, { ...options, dir: path.dirname(absolute), dotEnv: dotEnv ?? {} });
}

/** Pure apart from reading `env_file`s; exported for tests. */
export async function parseCompose(
  source: string | Uint8Array,
  file: string,
  options: ComposeOptions & { readonly dir: string; readonly dotEnv: Readonly<Record<string, string>> },
): Promise<ComposeResult> {
  const parsed = parseYamlSource(source, file, { what: 'a compose file (a mapping with services)' });
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics.filter((d) => d.severity === 'error') };
  const { value, locate } = parsed.parsed;
  // Shell env beats .env, as compose does.
  const vars = { ...options.dotEnv, ...definedOnly(options.env) };
  const interpolation: LocatedProblem[] = [];
  const interpolated = interpolateTree(value, vars, [], interpolation);
  const validated = schemaProblems(ComposeFile, interpolated);
  if (interpolation.length > 0 || !validated.ok) {
    const causes = locate(interpolation);
    const consequences = validated.ok ? [] : withoutConsequences(locate(validated.problems), causes);
    return { ok: false, diagnostics: sortDiagnostics([...causes, ...consequences]) };
  }
  const compose = validated.data as ComposeFile;

  const projectFromName = compose.name !== undefined && compose.name !== '' ? { name: compose.name, source: 'name: in the file' } : undefined;
  const projectFromEnv = options.env.COMPOSE_PROJECT_NAME ? { name: options.env.COMPOSE_PROJECT_NAME, source: 'COMPOSE_PROJECT_NAME' } : undefined;
  const chosen = options.project ?? projectFromEnv ?? projectFromName ?? { name: path.basename(options.dir), source: 'the directory name' };
  const project = normaliseProjectName(chosen.name);
  if (project === '') {
    return {
      ok: false,
      diagnostics: [{ file, line: 0, column: 0, path: '', message: `project name "${chosen.name}" (${chosen.source}) is empty once normalised: name it with --project`, severity: 'error' }],
    };
  }

  const services: IntendedService[] = [];
  for (const [name, raw] of Object.entries(compose.services)) {
    const service = raw ?? {};
    const fileEnv: Record<string, string> = {};
    const envFiles = service.env_file === undefined ? [] : Array.isArray(service.env_file) ? service.env_file : [service.env_file];
    for (const entry of envFiles) {
      const envPath = typeof entry === 'string' ? entry : entry.path;
      Object.assign(fileEnv, (await readEnvFile(path.resolve(options.dir, envPath))) ?? {});
    }
    const environment: Record<string, string | null> = { ...fileEnv };
    if (Array.isArray(service.environment)) {
      for (const entry of service.environment) {
        const eq = entry.indexOf('=');
        if (eq === -1) environment[entry] = null;
        else environment[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
    } else {
      for (const [key, v] of Object.entries(service.environment ?? {})) environment[key] = v === null ? null : String(v);
    }
    services.push({
      name,
      ...(service.image !== undefined ? { image: service.image } : {}),
      build: service.build !== undefined,
      environment,
      volumes: (service.volumes ?? []).flatMap((v) => intendedMount(v, project, compose, options)),
      replicas: service.scale ?? service.deploy?.replicas ?? 1,
      profiles: service.profiles ?? [],
    });
  }
  return { ok: true, compose: { file, project, projectSource: chosen.source, services } };
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function volumeName(name: string, project: string, compose: ComposeFile): string {
  const declared = compose.volumes?.[name];
  if (declared?.name) return declared.name;
  const external = declared?.external;
  if (external === true) return name;
  if (typeof external === 'object' && external !== null) return external.name ?? name;
  return `${project}_${name}`;
}

function isPathLike(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~') || source.includes('/');
}

function bindSource(source: string, options: ComposeOptions & { dir: string }): string {
  if (source.startsWith('~')) return path.join(options.env.HOME ?? '~', source.slice(1));
  return path.resolve(options.dir, source);
}

function intendedMount(
  volume: string | { type?: string; source?: string; target: string },
  project: string,
  compose: ComposeFile,
  options: ComposeOptions & { dir: string },
): IntendedMount[] {
  if (typeof volume !== 'string') {
    const type = volume.type ?? 'volume';
    if (type === 'bind' && volume.source) return [{ target: volume.target, kind: 'bind', source: bindSource(volume.source, options), written: volume.source }];
    if (type === 'volume') {
      return volume.source
        ? [{ target: volume.target, kind: 'volume', source: volumeName(volume.source, project, compose), written: volume.source }]
        : [{ target: volume.target, kind: 'anonymous' }];
    }
    return []; // tmpfs, npipe, cluster: nothing to compare
  }
  // "src:dst[:mode]" or "dst"
  const parts = volume.split(':');
  if (parts.length === 1) return [{ target: volume, kind: 'anonymous' }];
  const [source = '', target = ''] = parts;
  if (isPathLike(source)) return [{ target, kind: 'bind', source: bindSource(source, options), written: source }];
  return [{ target, kind: 'volume', source: volumeName(source, project, compose), written: source }];
}

// ---------------------------------------------------------------------------
// Interpolation, as compose does it

const VAR_RE = /\$(?:\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, `$VAR`, `$$`. */
export function interpolateCompose(text: string, vars: Readonly<Record<string, string>>): { ok: true; value: string } | { ok: false; message: string } {
  let error: string | undefined;
  const value = text.replace(VAR_RE, (whole, braced: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    if (bare !== undefined) return vars[bare] ?? '';
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s.exec(braced ?? '');
    if (!match) {
      error ??= `invalid interpolation "${whole}"`;
      return whole;
    }
    const [, name = '', op, arg = ''] = match;
    const set = Object.hasOwn(vars, name);
    const value = vars[name];
    const nonEmpty = set && value !== '';
    switch (op) {
      case ':-':
        return nonEmpty ? (value as string) : arg;
      case '-':
        return set ? (value as string) : arg;
      case ':?':
      case '?':
        if (op === ':?' ? nonEmpty : set) return value as string;
        error ??= `required variable ${name} is missing${arg ? `: ${arg}` : ''}`;
        return '';
      case ':+':
        return nonEmpty ? arg : '';
      case '+':
        return set ? arg : '';
      default:
        return value ?? '';
    }
  });
  return error === undefined ? { ok: true, value } : { ok: false, message: error };
}

function interpolateTree(value: unknown, vars: Readonly<Record<string, string>>, at: PropertyKey[], problems: LocatedProblem[]): unknown {
  if (typeof value === 'string') {
    const result = interpolateCompose(value, vars);
    if (!result.ok) {
      problems.push({ path: at, message: result.message, at: 'value' });
      return value;
    }
    return result.value;
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateTree(item, vars, [...at, index], problems));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateTree(item, vars, [...at, key], problems);
    return out;
  }
  return value;
}

/**
 * A `.env` / `env_file`: `KEY=VALUE` lines, `#` comments, optional `export `, quotes
 * stripped. Undefined when the file does not exist (compose treats `.env` as optional).
 */
export async function readEnvFile(file: string): Promise<Record<string, string> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseEnvText(text);
}

export function parseEnvText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key = '', rest = ''] = match;
    const quoted = /^(['"])(.*)\1$/.exec(rest);
    out[key] = quoted ? (quoted[2] ?? '') : rest.replace(/\s+#.*$/, '');
  }
  return out;
}

/**
 * The compose project a run's `service:` selectors default to: `intended.project`, else the
 * directory of `intended.compose` as compose would name it. Undefined without `intended`.
 */
export function intendedProject(
  intended: { readonly compose: string; readonly project?: string } | undefined,
  context: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> },
): string | undefined {
  if (!intended) return undefined;
  if (intended.project) return normaliseProjectName(intended.project);
  if (context.env.COMPOSE_PROJECT_NAME) return normaliseProjectName(context.env.COMPOSE_PROJECT_NAME);
  return normaliseProjectName(path.basename(path.dirname(path.resolve(context.cwd, intended.compose)))) || undefined;
}
