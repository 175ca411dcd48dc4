/**
 * Container truth against a real Docker engine (DESIGN §7), through the built CLI: the
 * engine is Debian's dockerd on a private socket (test/fixtures/docker/engine.ts), images
 * are busybox rootfs imports, containers run with --network host on 127.0.0.1.
 *
 * Covered: the moved tag, a container not recreated after --deployed-at, a missing
 * artifact, a dead container (exit code), an OOM kill (where the engine can limit
 * memory), an unhealthy one, the wrong volume, no match, an ambiguous selector, an
 * unreachable engine (exit 3, outcome error), endpoint mapping (a port published on a bridge
 * network, by the checked container or another one, a container's own address, the host
 * network where it cannot be told), a container recreated during --wait (the wait holds, the
 * stages pass), every run's posture with intended: (a partial deployment, an engine that
 * cannot be asked, a malformed compose file), and posture against docker-compose v1
 * driving the same engine: consistent, then a stale service and the wrong volume.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './helpers.js';
import type { CliResult, LooseJourney, LooseRun } from './helpers.js';
import { freePort } from './fixtures/nginx/nginx.js';
import { engineSkipReason, startDockerEngine } from './fixtures/docker/engine.js';
import type { DockerEngine } from './fixtures/docker/engine.js';
import { startCountingProxy } from './fixtures/docker/counting-proxy.js';

const skip = engineSkipReason();
if (skip) console.warn(`container truth tests skipped: ${skip}`);

let engine: DockerEngine | undefined;
const ports: Record<string, number> = {};

/** An httpd image: /www served on `port`, the artifact dir when `artifact`. */
const httpd = (port: number) => `CMD ["/bin/httpd", "-f", "-p", "127.0.0.1:${port}", "-h", "/www"]`;

beforeAll(async () => {
  if (skip) return;
  engine = await startDockerEngine();
  for (const name of ['ok', 'moved', 'stale', 'noartifact', 'unhealthy', 'volume', 'twin1', 'twin2', 'compose', 'wait', 'intended', 'published']) ports[name] = await freePort();
}, 60_000);

afterAll(async () => {
  await engine?.stop();
}, 60_000);

interface Run {
  readonly cli: CliResult;
  readonly run: LooseRun;
}

/** Writes journeys (name → YAML lines after `name:`) and runs them with the built CLI against the test engine. */
async function runJourneys(journeys: Record<string, string[]>, args: string[] = [], env: Record<string, string> = {}): Promise<Run> {
  const dir = tempDir('pathproof-container-');
  const journeysDir = join(dir, 'journeys');
  mkdirSync(journeysDir);
  for (const [name, lines] of Object.entries(journeys)) {
    writeFileSync(join(journeysDir, `${name}.yaml`), [`name: ${name}`, ...lines, ''].join('\n'));
  }
  const out = join(dir, 'out');
  const cli = await runCli(['run', journeysDir, '--out', out, '--concurrency', '4', ...args], {
    cwd: dir,
    env: { DOCKER_HOST: engine?.host, ...env },
    timeoutMs: 60_000,
  });
  let run: LooseRun;
  try {
    run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as LooseRun;
  } catch (error) {
    throw new Error(`no run.json (exit ${cli.code}):\n${cli.stdout}\n${cli.stderr}`, { cause: error });
  }
  return { cli, run };
}

function journey(run: LooseRun, name: string): LooseJourney {
  const found = run.journeys.find((j) => j.name === name);
  if (!found) throw new Error(`journey ${name} is not in run.json`);
  return found;
}

/** A journey: a container check (YAML lines under runtime.container) and one HTTP step when it has a port. */
function containerJourney(check: string[], port?: number): string[] {
  return [
    ...(port === undefined ? ['target: http://127.0.0.1:9'] : [`target: http://127.0.0.1:${port}`]),
    'runtime:',
    '  container:',
    ...check.map((line) => `    ${line}`),
    'entry:',
    '  - request: GET /',
  ];
}

describe.skipIf(skip !== undefined)('runtime.container against a real engine', () => {
  let result: Run;
  let deployedAt: string;

  beforeAll(async () => {
    const docker = engine!.docker;
    const www = (text: string) => ({ 'www/index.html': text });
    // The intended build: the artifact, its env and labels.
    await engine!.importImage('shop-api:2.0.3', {
      files: { ...www('shop 2.0.3'), 'app/dist/modules/workflow/': '' },
      changes: ['ENV APP_ENV=production DB_PASSWORD=hunter2-never-shown', 'LABEL org.opencontainers.image.version=2.0.3', httpd(ports.ok!)],
    });
    // A build without the artifact.
    await engine!.importImage('shop-api:2.0.3-noartifact', { files: www('no artifact'), changes: ['ENV APP_ENV=production'] });
    // The tag that will move: the container is created from the first build.
    await engine!.importImage('shop-web:1', { files: www('web build 1') });
    await docker(['run', '-d', '--name', 'web-moved', '--network', 'host', 'shop-web:1', '/bin/httpd', '-f', '-p', `127.0.0.1:${ports.moved}`, '-h', '/www']);
    await engine!.importImage('shop-web:1', { files: { ...www('web build 2'), 'extra.txt': 'new' } });

    // Created before the deploy…
    await docker(['run', '-d', '--name', 'api-stale', '--network', 'host', 'shop-api:2.0.3', '/bin/httpd', '-f', '-p', `127.0.0.1:${ports.stale}`, '-h', '/www']);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    deployedAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // …and everything else after it.
    await docker(['run', '-d', '--name', 'api-ok', '--network', 'host', 'shop-api:2.0.3']);
    await docker(['run', '-d', '--name', 'api-noartifact', '--network', 'host', 'shop-api:2.0.3-noartifact', '/bin/httpd', '-f', '-p', `127.0.0.1:${ports.noartifact}`, '-h', '/www']);
    await docker(['run', '-d', '--name', 'api-dead', '--network', 'host', 'shop-api:2.0.3', '/bin/sh', '-c', 'exit 3']);
    await docker([
      'run', '-d', '--name', 'api-unhealthy', '--network', 'host',
      '--health-cmd', 'exit 1', '--health-interval', '200ms', '--health-retries', '1', '--health-timeout', '2s',
      'shop-api:2.0.3', '/bin/httpd', '-f', '-p', `127.0.0.1:${ports.unhealthy}`, '-h', '/www',
    ]);
    await docker(['volume', 'create', 'shop_data_v1']);
    await docker(['run', '-d', '--name', 'api-volume', '--network', 'host', '-v', 'shop_data_v1:/data', 'shop-api:2.0.3', '/bin/httpd', '-f', '-p', `127.0.0.1:${ports.volume}`, '-h', '/www']);
    for (const twin of ['twin1', 'twin2']) {
      await docker(['run', '-d', '--name', `api-${twin}`, '--label', 'app=twins', '--network', 'host', 'shop-api:2.0.3', '/bin/httpd', '-f', '-p', `127.0.0.1:${ports[twin]}`, '-h', '/www']);
    }
    await engine!.waitFor('api-dead', '{{.State.Status}}', (s) => s === 'exited');
    await engine!.waitFor('api-unhealthy', '{{.State.Health.Status}}', (s) => s === 'unhealthy');

    result = await runJourneys(
      {
        ok: containerJourney(
          [
            'name: api-ok',
            'expect:',
            '  image: shop-api:2.0.3',
            '  health: running',
            '  createdAfter: deploy',
            '  files: [/app/dist/modules/workflow, /www/index.html]',
            '  env: { APP_ENV: production }',
            '  labels: { org.opencontainers.image.version: "2.0.3" }',
          ],
          ports.ok,
        ),
        'moved-tag': containerJourney(['name: web-moved', 'expect: { image: "shop-web:1" }'], ports.moved),
        'not-recreated': containerJourney(['name: api-stale', 'expect: { image: "shop-api:2.0.3", createdAfter: deploy }'], ports.stale),
        'missing-artifact': containerJourney(['name: api-noartifact', 'expect: { files: [/app/dist/modules/workflow] }'], ports.noartifact),
        dead: containerJourney(['name: api-dead']),
        unhealthy: containerJourney(['name: api-unhealthy'], ports.unhealthy),
        'wrong-volume': containerJourney(['name: api-volume', 'expect: { mounts: { /data: shop_data_v2 } }'], ports.volume),
        'no-match': containerJourney(['name: api-nowhere']),
        ambiguous: containerJourney(['label: { app: twins }']),
      },
      ['--deployed-at', deployedAt],
    );
  }, 90_000);

  it('a run with broken containers exits 1 and records what the engine said', () => {
    expect(result.cli.code).toBe(1);
    expect(result.run.trigger.deployedAt).toBe(deployedAt);
  });

  it('everything as intended passes, serving over HTTP, with the container truth recorded', () => {
    const ok = journey(result.run, 'ok');
    expect(ok.outcome).toBe('passed');
    const truth = ok.runtime?.container;
    expect(truth?.container).toMatchObject({ name: 'api-ok', image: { reference: 'shop-api:2.0.3' }, state: { status: 'running' } });
    expect(truth?.intendedImage?.id).toBe(truth?.container?.image.id);
    expect(truth?.deploy).toEqual({ at: deployedAt, source: '--deployed-at' });
    expect(truth?.files?.map((f) => [f.path, f.exists, f.type])).toEqual([
      ['/app/dist/modules/workflow', true, 'directory'],
      ['/www/index.html', true, 'file'],
    ]);
    const step = ok.attempts[0]?.steps[0];
    expect(step?.kind).toBe('runtime.container');
    expect(step?.assertions?.every((a) => a.passed)).toBe(true);
    // Env: every name, only the listed value; a secret never reaches run.json.
    expect(truth?.container?.env).toEqual({ names: ['APP_ENV', 'DB_PASSWORD'], values: { APP_ENV: 'production' } });
    expect(JSON.stringify(result.run)).not.toContain('hunter2');
  });

  it('the moved tag: same tag string, another build → drift', () => {
    const moved = journey(result.run, 'moved-tag');
    expect(moved).toMatchObject({ outcome: 'failed', stage: 'runtime', layer: 'drift' });
    expect(moved.hint).toMatch(/^container web-moved runs sha256:[0-9a-f]{12} but shop-web:1 is now sha256:[0-9a-f]{12}: the tag moved to a new build and the container was not recreated/);
    expect(moved.message).toMatch(/^image \(sha256:[0-9a-f]{12} from shop-web:1\) == shop-web:1 @ sha256:[0-9a-f]{12}$/);
    const truth = moved.runtime?.container;
    expect(truth?.intendedImage?.id).not.toBe(truth?.container?.image.id);
  });

  it('not recreated after the deploy → drift, saying which deploy time was used', () => {
    const stale = journey(result.run, 'not-recreated');
    expect(stale).toMatchObject({ outcome: 'failed', layer: 'drift' });
    expect(stale.hint).toContain(`before the deploy at ${deployedAt} (--deployed-at): it was not recreated`);
  });

  it('the artifact missing in the running container → drift', () => {
    const missing = journey(result.run, 'missing-artifact');
    expect(missing).toMatchObject({ outcome: 'failed', layer: 'drift', message: 'file /app/dist/modules/workflow (missing) exists' });
    expect(missing.hint).toContain('/app/dist/modules/workflow is missing in container api-noartifact');
  });

  it('a dead container → endpoint, with its exit code', () => {
    const dead = journey(result.run, 'dead');
    expect(dead).toMatchObject({ outcome: 'failed', layer: 'endpoint', message: 'state (exited, exit code 3) == running' });
    expect(dead.hint).toMatch(/^container api-dead exited \(exit code 3\) at \S+: nothing serves this path/);
    // The stages after the runtime check never ran: the verdict is about the container.
    expect(dead.attempts[0]?.steps.at(-1)?.status).toBe('skipped');
  });

  it('an unhealthy container → app', () => {
    const unhealthy = journey(result.run, 'unhealthy');
    expect(unhealthy).toMatchObject({ outcome: 'failed', layer: 'app', message: 'health (unhealthy) != unhealthy' });
    expect(unhealthy.hint).toMatch(/^container api-unhealthy is unhealthy \(failing streak \d+, last check exit 1\)/);
  });

  it('the wrong volume → drift', () => {
    const volume = journey(result.run, 'wrong-volume');
    expect(volume).toMatchObject({ outcome: 'failed', layer: 'drift', message: 'mount /data (volume shop_data_v1) == shop_data_v2' });
  });

  it('no container matching → endpoint', () => {
    const none = journey(result.run, 'no-match');
    expect(none).toMatchObject({ outcome: 'failed', layer: 'endpoint', message: 'container (none) matches name api-nowhere' });
  });

  it('several running containers matching → error (could not verify), naming them', () => {
    const ambiguous = journey(result.run, 'ambiguous');
    expect(ambiguous.outcome).toBe('error');
    expect(ambiguous.error?.code).toBe('CONTAINER_AMBIGUOUS');
    expect(ambiguous.error?.message).toMatch(/^2 containers match label app=twins: api-twin[12] \(running\), api-twin[12] \(running\) — narrow runtime.container/);
  });

  it('endpoint mapping on the host network: recorded as not determined, saying why', () => {
    const ok = journey(result.run, 'ok');
    expect(ok.runtime?.container?.endpoint).toMatchObject({ kind: 'unmapped', target: `127.0.0.1:${ports.ok}` });
    const endpoint = ok.runtime?.container?.endpoint;
    expect(endpoint?.kind === 'unmapped' && endpoint.why).toMatch(new RegExp(`^no container publishes port ${ports.ok}; \\d+ containers run \\(.*\\) on the host network, where the engine cannot tell which one listens on it$`));
    expect(result.cli.stdout).toMatch(/target {2}127\.0\.0\.1:\d+ → not determined: no container publishes port \d+; .* on the host network/);
  });

  it('the console shows the verdicts in one line each', () => {
    expect(result.cli.stdout).toContain('moved-tag');
    expect(result.cli.stdout).toMatch(/served {2}container web-moved \(sha256:[0-9a-f]{12} from shop-web:1, running\)/);
  });

  it('createdAfter: deploy without --deployed-at is the creation of the intended image', async () => {
    const { cli, run } = await runJourneys({ ok: containerJourney(['name: api-ok', 'expect: { image: "shop-api:2.0.3", createdAfter: deploy }'], ports.ok) });
    expect(cli.code).toBe(0);
    expect(journey(run, 'ok').runtime?.container?.deploy?.source).toBe('creation of image shop-api:2.0.3');
  });

  it('an OOM-killed container → endpoint, OOM in the hint', async (ctx) => {
    if (!(await engine!.memoryLimits())) ctx.skip('this engine cannot limit memory (no memory cgroup); the OOM flag is unit-tested on recorded inspect JSON');
    await engine!.docker(['run', '-d', '--name', 'api-oom', '--network', 'host', '-m', '16m', '--memory-swap', '16m', 'shop-api:2.0.3', '/bin/sh', '-c', 'head -c 64000000 /dev/zero | tail > /dev/null']);
    await engine!.waitFor('api-oom', '{{.State.Status}}', (s) => s === 'exited');
    const { cli, run } = await runJourneys({ oom: containerJourney(['name: api-oom']) });
    expect(cli.code).toBe(1);
    const oom = journey(run, 'oom');
    expect(oom).toMatchObject({ layer: 'endpoint', message: 'state (exited, exit code 137, OOM-killed) == running' });
    expect(oom.hint).toContain('it ran out of memory');
  });

  it('an unreachable engine → outcome error, exit 3, never drift', async () => {
    const { cli, run } = await runJourneys({ ok: containerJourney(['name: api-ok'], ports.ok) }, [], { DOCKER_HOST: `unix://${engine!.dir}/nowhere.sock` });
    expect(cli.code).toBe(3);
    const ok = journey(run, 'ok');
    expect(ok.outcome).toBe('error');
    expect(ok.layer).toBeUndefined();
    expect(ok.error?.code).toBe('ENGINE_UNREACHABLE');
    expect(ok.error?.message).toContain(`no engine socket at ${engine!.dir}/nowhere.sock (ENOENT)`);
  });
});

describe.skipIf(skip !== undefined)('endpoint mapping on a real engine: the container that owns the target’s port', () => {
  let network: string | undefined;
  let edgeAddress = '';
  let result: Run;

  beforeAll(async () => {
    const docker = engine!.docker;
    // Published ports need a bridge network; the test engine has no default one (--bridge=none).
    try {
      await docker(['network', 'create', 'pp-edge']);
      network = 'pp-edge';
    } catch (error) {
      console.warn(`published-port mapping not tested: ${(error as Error).message}`);
      return;
    }
    await engine!.importImage('pp-edge:1', { files: { 'www/index.html': 'edge' } });
    const compose = (service: string) => ['--label', 'com.docker.compose.project=edgeshop', '--label', `com.docker.compose.service=${service}`];
    await docker(['run', '-d', '--name', 'edge', '--network', network, '-p', `127.0.0.1:${ports.published}:80`, ...compose('edge'), 'pp-edge:1', '/bin/httpd', '-f', '-p', '80', '-h', '/www']);
    await docker(['run', '-d', '--name', 'backend', '--network', network, ...compose('backend'), 'pp-edge:1', '/bin/httpd', '-f', '-p', '80', '-h', '/www']);
    edgeAddress = await engine!.waitFor('edge', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, (ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
    result = await runJourneys({
      // The target's port is published by the container checked…
      mapped: containerJourney(['name: edge'], ports.published),
      // …by another one than the container checked (a proxy in front of it, or the wrong one)…
      elsewhere: containerJourney(['name: backend'], ports.published),
      // …while the check names a container that does not exist: the hint says who answers.
      'wrong-name': containerJourney(['name: api-gone'], ports.published),
      // A container's own address (pathproof inside the network, the target a service name).
      address: ['target: http://' + edgeAddress + ':80', 'runtime:', '  container: { name: edge }', 'entry:', '  - request: GET /'],
    });
  }, 90_000);

  it('the port published by the container checked: mapped to it, with its compose service', (ctx) => {
    if (!network) ctx.skip('no bridge network on this engine');
    const mapped = journey(result.run, 'mapped');
    expect(mapped.outcome).toBe('passed');
    expect(mapped.runtime?.container?.endpoint).toMatchObject({
      kind: 'mapped',
      target: `127.0.0.1:${ports.published}`,
      container: { name: 'edge', port: '80/tcp', image: 'pp-edge:1', compose: { project: 'edgeshop', service: 'edge' } },
      selected: true,
    });
    expect(result.cli.stdout).not.toContain('mapped (');
  });

  it('published by another container than the one checked: recorded, and the console says which', (ctx) => {
    if (!network) ctx.skip('no bridge network on this engine');
    const elsewhere = journey(result.run, 'elsewhere');
    expect(elsewhere.runtime?.container?.endpoint).toMatchObject({ kind: 'mapped', container: { name: 'edge' }, selected: false });
  });

  it('no container matches, but another serves the target: endpoint, and the hint names who answers', (ctx) => {
    if (!network) ctx.skip('no bridge network on this engine');
    const wrong = journey(result.run, 'wrong-name');
    expect(wrong).toMatchObject({ outcome: 'failed', layer: 'endpoint' });
    expect(wrong.hint).toBe(
      `no container matches name api-gone, but the target 127.0.0.1:${ports.published} is served by container edge (service edge): the check names another container than the one that answers — fix the selector or the target before the proxy or the code`,
    );
    expect(result.cli.stdout).toContain(`target  127.0.0.1:${ports.published} → container edge (service edge, 80/tcp)`);
  });

  it('a target at a container’s own address: mapped to that container', (ctx) => {
    if (!network) ctx.skip('no bridge network on this engine');
    expect(journey(result.run, 'address').runtime?.container?.endpoint).toMatchObject({ kind: 'mapped', target: `${edgeAddress}:80`, container: { name: 'edge', port: '80/tcp' }, selected: true });
  });
});

describe.skipIf(skip !== undefined)('--wait on a real engine: a container recreated during the wait', () => {
  it('the old container runs when the run starts; the wait holds once the new one runs, then the stages pass', async () => {
    const docker = engine!.docker;
    const serve = (image: string) => ['run', '-d', '--name', 'cart', '--network', 'host', image, '/bin/httpd', '-f', '-p', `127.0.0.1:${ports.wait}`, '-h', '/www'];
    await engine!.importImage('shop-cart:1', { files: { 'www/index.html': 'cart 1' } });
    const intended = await engine!.importImage('shop-cart:2', { files: { 'www/index.html': 'cart 2', 'app/dist/cart/': '' } });
    await docker(serve('shop-cart:1'));
    // pathproof talks to the engine through a counting pipe: the container is recreated once
    // the first poll has asked for it, never after a guessed delay.
    const proxy = await startCountingProxy(engine!.socketPath, engine!.dir);
    try {
      const running = runJourneys(
        { cart: containerJourney(['name: cart', 'expect: { image: "shop-cart:2", files: [/app/dist/cart] }'], ports.wait) },
        ['--wait', '1m'],
        { DOCKER_HOST: proxy.host },
      );
      await proxy.seen('/containers/json', 1);
      await docker(['rm', '-f', 'cart']);
      await docker(serve('shop-cart:2'));
      const { cli, run } = await running;
      expect(cli.code, cli.stdout + cli.stderr).toBe(0);
      expect(run.trigger.waitMs).toBe(60_000);
      const cart = journey(run, 'cart');
      expect(cart.outcome).toBe('passed');
      expect(cart.runtime?.wait?.ended).toBe('held');
      expect(cart.runtime?.wait?.polls).toBeGreaterThanOrEqual(2);
      expect(cart.runtime?.container?.container?.image.id).toBe(intended);
      // Every poll asked the engine, and the attempt looked once more before the stages.
      expect(proxy.count('/containers/json')).toBeGreaterThanOrEqual((cart.runtime?.wait?.polls ?? 0) + 1);
    } finally {
      await proxy.close();
    }
  }, 90_000);
});

const compose = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].some((p) => {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
});

describe.skipIf(skip !== undefined || !compose)('pathproof posture against docker-compose v1 on the same engine', () => {
  let dir: string;
  const posture = (args: string[] = []) =>
    runCli(['posture', '--compose', 'docker-compose.yml', ...args], { cwd: dir, env: { DOCKER_HOST: engine?.host }, timeoutMs: 60_000 });
  const composeFile = (volume: string) =>
    [
      'version: "3.7"',
      'services:',
      '  api:',
      '    image: pp-api:1',
      '    network_mode: host',
      `    command: ["/bin/httpd", "-f", "-p", "127.0.0.1:${ports.compose}", "-h", "/www"]`,
      '    environment:',
      '      APP_ENV: production',
      '      API_TOKEN: ${API_TOKEN:-s3cret-from-compose}',
      '    volumes:',
      `      - ${volume}:/data`,
      '  worker:',
      '    image: pp-worker:1',
      '    network_mode: host',
      '    command: ["/bin/sleep", "3600"]',
      'volumes:',
      '  data_v2: {}',
      '  data_v3: {}',
      '',
    ].join('\n');

  beforeAll(async () => {
    dir = join(tempDir('pathproof-posture-'), 'Shop.Front');
    mkdirSync(dir);
    await engine!.importImage('pp-api:1', { files: { 'www/index.html': 'api' } });
    await engine!.importImage('pp-worker:1', {});
    writeFileSync(join(dir, 'docker-compose.yml'), composeFile('data_v2'));
    const up = await engine!.run('docker-compose', ['up', '-d'], { cwd: dir });
    if (up.code !== 0) throw new Error(`docker-compose up failed: ${up.stderr}`);
  }, 60_000);

  it('as intended → a table, exit 0 (the project named as compose names it)', async () => {
    const result = await posture();
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toContain('posture of project shopfront (docker-compose.yml) on docker engine at unix://');
    expect(lines[2]).toMatch(/^SERVICE\s+STATUS\s+CONTAINER\s+IMAGE\s+PROBLEMS$/);
    expect(lines.find((l) => l.startsWith('api '))).toMatch(/^api\s+ok\s+shopfront_api_1\s+pp-api:1 @ sha256:[0-9a-f]{12}$/);
    expect(lines.find((l) => l.startsWith('worker '))).toMatch(/^worker\s+ok\s+shopfront_worker_1\s+pp-worker:1 @ sha256:[0-9a-f]{12}$/);
    expect(result.stdout).toContain('consistent: 2 of 2 services run as intended');
  });

  it('a rebuilt image not rolled out and a changed volume → exactly which service, exit 1', async () => {
    await engine!.importImage('pp-worker:1', { files: { 'new.txt': 'build 2' } });
    writeFileSync(join(dir, 'docker-compose.yml'), composeFile('data_v3'));
    const result = await posture();
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^worker\s+stale\s+shopfront_worker_1\s+pp-worker:1 @ sha256:[0-9a-f]{12}\s+old image: runs sha256:[0-9a-f]{12}, pp-worker:1 is sha256:[0-9a-f]{12}$/m);
    expect(result.stdout).toMatch(/^api\s+wrong-volume\s+.*\/data has volume shopfront_data_v2, intended shopfront_data_v3$/m);
    expect(result.stdout).toContain('drift: stale: worker · wrong-volume: api');
    expect(result.stdout + result.stderr).not.toContain('s3cret');
  });

  it('--reporter json for machines; env compared, values never printed', async () => {
    const result = await runCli(['posture', '--compose', 'docker-compose.yml', '--reporter', 'json'], {
      cwd: dir,
      env: { DOCKER_HOST: engine?.host, API_TOKEN: 'rotated-token-value' },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { consistent: boolean; rows: { service: string; problems: { status: string; text: string }[] }[] };
    expect(parsed.consistent).toBe(false);
    const api = parsed.rows.find((r) => r.service === 'api');
    expect(api?.problems.map((p) => p.text)).toContain('env API_TOKEN differs');
    expect(result.stdout).not.toContain('rotated-token-value');
    expect(result.stdout).not.toContain('s3cret');
  });

  it('an unreachable engine → exit 3, one line', async () => {
    const result = await runCli(['posture', '--compose', 'docker-compose.yml'], { cwd: dir, env: { DOCKER_HOST: 'tcp://127.0.0.1:9' }, timeoutMs: 60_000 });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('could not verify the posture (ENGINE_REFUSED)');
  });

  it('a malformed compose file → file:line:col, exit 2', async () => {
    writeFileSync(join(dir, 'broken.yml'), 'services:\n  api:\n    image: [pp-api\n');
    const result = await runCli(['posture', '--compose', 'broken.yml'], { cwd: dir, env: { DOCKER_HOST: engine?.host }, timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^broken\.yml:\d+:\d+ {2}YAML: /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe.skipIf(skip !== undefined || !compose)('every run records the posture (intended: in pathproof.yaml)', () => {
  let dir: string;
  const run = async (out: string, args: string[] = [], env: Record<string, string> = {}) => {
    const cli = await runCli(['run', '--out', out, ...args], { cwd: dir, env: { DOCKER_HOST: engine?.host, ...env }, timeoutMs: 60_000 });
    let result: LooseRun;
    try {
      result = JSON.parse(readFileSync(join(dir, out, 'run.json'), 'utf8')) as LooseRun;
    } catch (error) {
      throw new Error(`no run.json (exit ${cli.code}):\n${cli.stdout}\n${cli.stderr}`, { cause: error });
    }
    return { cli, run: result };
  };

  beforeAll(async () => {
    dir = join(tempDir('pathproof-intended-'), 'shop');
    mkdirSync(join(dir, 'journeys'), { recursive: true });
    await engine!.importImage('pi-web:1', { files: { 'www/index.html': 'web' } });
    await engine!.importImage('pi-worker:1', {});
    writeFileSync(
      join(dir, 'docker-compose.yml'),
      [
        'version: "3.7"',
        'services:',
        '  web:',
        '    image: pi-web:1',
        '    network_mode: host',
        `    command: ["/bin/httpd", "-f", "-p", "127.0.0.1:${ports.intended}", "-h", "/www"]`,
        '  worker:',
        '    image: pi-worker:1',
        '    network_mode: host',
        '    command: ["/bin/sleep", "3600"]',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'pathproof.yaml'), 'intended: { compose: docker-compose.yml }\n');
    // A journey that never asks the engine itself: the posture is the run's, not the journey's.
    writeFileSync(join(dir, 'journeys', 'home.yaml'), ['name: home', `target: http://127.0.0.1:${ports.intended}`, 'entry:', '  - request: GET /', ''].join('\n'));
    const up = await engine!.run('docker-compose', ['up', '-d'], { cwd: dir });
    if (up.code !== 0) throw new Error(`docker-compose up failed: ${up.stderr}`);
    await engine!.waitFor('shop_web_1', '{{.State.Status}}', (s) => s === 'running');
  }, 60_000);

  it('as intended: run.json records a consistent posture', async () => {
    const { cli, run: result } = await run('out-ok');
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    expect(result.posture).toMatchObject({ status: 'read', project: 'shop', file: 'docker-compose.yml', consistent: true, summary: 'consistent: 2 of 2 services run as intended' });
  });

  it('a partial deployment (worker rebuilt, never recreated) is named exactly; the verdict stays the journeys’; the investigation leads with it', async () => {
    await engine!.importImage('pi-worker:1', { files: { 'build.txt': '2' } });
    const { cli, run: result } = await run('out-partial', ['--investigate']);
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    expect(result.outcome).toBe('passed');
    expect(result.posture?.status === 'read' && result.posture.summary).toBe('partial deployment: stale: worker — as intended: web');
    expect(result.posture?.status === 'read' && result.posture.rows.map((r) => [r.service, r.status, r.containers])).toEqual([
      ['web', 'ok', ['shop_web_1']],
      ['worker', 'stale', ['shop_worker_1']],
    ]);
    expect(cli.stdout).toContain('posture  partial deployment: stale: worker — as intended: web (project shop)');
    const investigation = readFileSync(join(dir, 'out-partial', 'investigation.md'), 'utf8');
    expect(investigation.split('\n').find((l) => l.startsWith('## '))).toBe('## Posture: intended vs running');
    expect(investigation).toMatch(/\| `worker` \| \*\*stale\*\* \| shop_worker_1 \| pi-worker:1 @ sha256:[0-9a-f]{12} \| old image: runs sha256:[0-9a-f]{12}, pi-worker:1 is sha256:[0-9a-f]{12} \|/);
    const record = JSON.parse(readFileSync(join(dir, 'out-partial', 'investigation.json'), 'utf8')) as { posture?: { summary?: string } };
    expect(record.posture?.summary).toBe('partial deployment: stale: worker — as intended: web');
  });

  it('an engine that cannot be asked: a warning, and the verdict is the journeys’ (exit 0)', async () => {
    const { cli, run: result } = await run('out-noengine', [], { DOCKER_HOST: `unix://${engine!.dir}/nowhere.sock` });
    expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    expect(result.posture).toMatchObject({ status: 'unavailable', code: 'ENGINE_UNREACHABLE', project: 'shop' });
    expect(result.warnings?.some((w) => w.startsWith('posture not read (ENGINE_UNREACHABLE): no engine socket at'))).toBe(true);
    expect(cli.stdout).toContain('warning: posture not read (ENGINE_UNREACHABLE)');
  });

  it('a malformed compose file named by intended: is exit 2 with file:line:col, before anything runs', async () => {
    const broken = join(tempDir('pathproof-intended-broken-'), 'shop');
    mkdirSync(join(broken, 'journeys'), { recursive: true });
    writeFileSync(join(broken, 'pathproof.yaml'), 'intended: { compose: compose.yml }\n');
    writeFileSync(join(broken, 'compose.yml'), 'services:\n  web:\n    image: [pi-web\n');
    writeFileSync(join(broken, 'journeys', 'home.yaml'), ['name: home', `target: http://127.0.0.1:${ports.intended}`, 'entry:', '  - request: GET /', ''].join('\n'));
    const cli = await runCli(['run', '--out', 'out'], { cwd: broken, env: { DOCKER_HOST: engine?.host }, timeoutMs: 60_000 });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/^compose\.yml:\d+:\d+ {2}YAML: /);
  });
});
