import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { coreConfig, parseSecretKey, type ConfigSpec, type Environment } from '@flowgate/kernel';
import { gatewayConfig } from '@flowgate/gateway';
import { loadPlatformConfig, moduleNames, placeModules, platformModules } from '@flowgate/server';
import { migrationSets } from '../../apps/server/src/modules.js';

// deploy/ is written by hand; these checks hold it to the code: the module list, each module's
// needs, the configuration schema, the placement rules and the probes' paths.

const repo = fileURLToPath(new URL('../../', import.meta.url));
const deploy = join(repo, 'deploy');
const kubeDir = join(deploy, 'kubernetes');

const modules: readonly string[] = moduleNames;
const needsOf = (module: string): readonly string[] =>
  module === 'gateway' ? platformModules.map((m) => m.name) : (platformModules.find((m) => m.name === module)?.needs ?? []);
const urlVariable = (module: string) => `FLOWGATE_${module.toUpperCase()}_URL`;

const declaredVariables = new Set([
  ...[coreConfig, gatewayConfig, ...platformModules.map((m) => m.config as ConfigSpec)].flatMap((spec) => Object.values(spec).map((entry) => entry.env)),
  ...modules.map(urlVariable),
]);

/**
 * What an operator supplies, as valid values would look: the compose file's substitutions that
 * have no default, and the values of the Kubernetes Secret template (placeholders in the file).
 */
const supplied: Record<string, string> = {
  FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64'),
  FLOWGATE_DATABASE_URL: 'postgres://flowgate:sample@postgres.example:5432/flowgate',
  FLOWGATE_REDIS_URL: 'redis://redis.example:6379',
};

// Reading the files. Manifests are free-form data: each check below says what shape it expects.
type Json = any;

interface YamlFile {
  path: string;
  documents: Json[];
  errors: string[];
}

function readYaml(path: string): YamlFile {
  // Compose files use merge keys (`<<: *anchor`), which YAML 1.2 leaves off by default.
  const parsed = parseAllDocuments(readFileSync(path, 'utf8'), { merge: true });
  const documents = Array.isArray(parsed) ? parsed : [];
  return {
    path: relative(repo, path),
    documents: documents.map((doc) => doc.toJS()).filter((value) => value !== null && value !== undefined),
    errors: documents.flatMap((doc) => [...doc.errors, ...doc.warnings].map((e) => e.message)),
  };
}

interface DockerInstruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's stages, each a list of instructions with continuations joined and comments dropped. */
function readDockerfile(path: string): DockerInstruction[][] {
  const logical: string[] = [];
  let pending = '';
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (/^\s*(#|$)/.test(line)) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  const stages: DockerInstruction[][] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^\s*(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)?.push({ keyword: keyword.toUpperCase(), args: args.trim() });
  }
  return stages;
}

/** `ENV A=1 B=2` and the older `ENV A 1`. */
function dockerEnvironment(stage: DockerInstruction[]): Environment {
  const env: Environment = {};
  for (const { args } of stage.filter((i) => i.keyword === 'ENV')) {
    const words = args.split(/\s+/);
    if (!words[0]?.includes('=')) env[words[0] ?? ''] = words.slice(1).join(' ');
    else for (const word of words) env[word.slice(0, word.indexOf('='))] = word.slice(word.indexOf('=') + 1).replace(/^"(.*)"$/, '$1');
  }
  return env;
}

/**
 * Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `$VAR` and `$$`. A variable neither supplied nor defaulted fails, where compose
 * would quietly substitute an empty string.
 */
function interpolate(text: string, env: Environment): string {
  return text.replace(/\$(?:\$|\{([A-Za-z_]\w*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_]\w*))/g, (match, braced?: string, operator?: string, argument?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    const missing = value === undefined || (operator?.startsWith(':') === true && value === '');
    if (operator?.endsWith('-')) return missing ? (argument ?? '') : value!;
    if (missing) throw new Error(`compose needs ${name}${argument ? `: ${argument}` : ''}`);
    return value!;
  });
}

function interpolateAll(value: Json, env: Environment): Json {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateAll(v, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v, env)]));
  return value;
}

const asWords = (command: Json): string[] => (typeof command === 'string' ? command.trim().split(/\s+/) : Array.isArray(command) ? command.map(String) : []);

/** `["start", "--only", "engine"]` → `engine`; anything else → undefined. */
function moduleOfCommand(command: Json): string | undefined {
  const words = asWords(command);
  return words.length === 3 && words[0] === 'start' && words[1] === '--only' ? words[2] : undefined;
}

/** Compose durations: `1m30s`, `15s`, `500ms`. */
function seconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 };
  const parts = [...duration.matchAll(/(\d+(?:\.\d+)?)(h|ms|us|m|s)/g)];
  expect(parts.map((p) => p[0]).join(''), `duration ${duration}`).toBe(duration);
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * units[unit!]!, 0);
}

const sameMembers = (actual: readonly string[], expected: readonly string[], message?: string) => expect([...actual].sort(), message).toEqual([...expected].sort());

// What deploy/ holds, read once.

const dockerfilePath = join(deploy, 'Dockerfile');
const stages = readDockerfile(dockerfilePath);
const runtimeStage = stages.at(-1) ?? [];
const imageEnv = dockerEnvironment(runtimeStage);

const composeFile = readYaml(join(deploy, 'compose.yaml'));
const compose: Json = composeFile.documents[0] ?? {};
const composeServices: Record<string, Json> = compose.services ?? {};
// A substitution nobody supplies fails its own test below rather than the whole file.
let interpolationError: Error | undefined;
const interpolatedServices: Record<string, Json> = (() => {
  try {
    return interpolateAll(composeServices, supplied);
  } catch (error) {
    interpolationError = error as Error;
    return composeServices;
  }
})();

const kubeFiles = readdirSync(kubeDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => readYaml(join(kubeDir, name)));
const kubeObjects: Json[] = kubeFiles.flatMap((file) => file.documents.map((doc) => ({ ...doc, file: file.path })));
const ofKind = (kind: string) => kubeObjects.filter((o) => o.kind === kind);
const deployments = ofKind('Deployment');
const named = (kind: string, name: string) => ofKind(kind).find((o) => o.metadata?.name === name);

/** One Flowgate process as a manifest starts it: its module, and its environment with the image's underneath. */
interface FlowgateProcess {
  /** The compose service or the Deployment. */
  name: string;
  where: string;
  module: string;
  env: Environment;
  /** How each variable's value is given before values are filled in: equal where processes share one. */
  origin: Record<string, string>;
}

/** Compose services built from deploy/Dockerfile (the Flowgate image), by name. */
const flowgateServiceNames = Object.keys(composeServices).filter((name) => composeServices[name].build !== undefined);

function composeEnvironment(environment: Json): Record<string, string> {
  // In the list form, a bare `NAME` passes the operator's own value through.
  if (Array.isArray(environment)) return Object.fromEntries(environment.map((e: string) => (e.includes('=') ? [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] : [e, supplied[e] ?? ''])));
  return Object.fromEntries(Object.entries(environment ?? {}).map(([k, v]) => [k, String(v)]));
}

const composeProcesses: FlowgateProcess[] = flowgateServiceNames.map((name) => ({
  name,
  where: `compose service ${name}`,
  module: moduleOfCommand(composeServices[name].command) ?? `(command ${JSON.stringify(composeServices[name].command)})`,
  env: { ...imageEnv, ...composeEnvironment(interpolatedServices[name].environment) },
  origin: composeEnvironment(composeServices[name].environment),
}));

function containerOf(deployment: Json): Json {
  return deployment.spec?.template?.spec?.containers?.[0] ?? {};
}

function kubeEnvironment(container: Json): { env: Environment; origin: Record<string, string> } {
  const env: Environment = { ...imageEnv };
  const origin: Record<string, string> = {};
  // A key the Secret template lacks stays unset here, as it would fail to start the pod there.
  const fromSecret = (name: string, key: string) => (named('Secret', name)?.stringData?.[key] === undefined ? undefined : supplied[key]);
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const data = named('ConfigMap', source.configMapRef.name)?.data ?? {};
      for (const [k, v] of Object.entries(data)) [env[k], origin[k]] = [String(v), `configmap ${source.configMapRef.name}`];
    } else if (source.secretRef) {
      for (const k of Object.keys(named('Secret', source.secretRef.name)?.stringData ?? {})) [env[k], origin[k]] = [fromSecret(source.secretRef.name, k), `secret ${source.secretRef.name}/${k}`];
    }
  }
  for (const entry of container.env ?? []) {
    const { secretKeyRef, configMapKeyRef } = entry.valueFrom ?? {};
    if (secretKeyRef) [env[entry.name], origin[entry.name]] = [fromSecret(secretKeyRef.name, secretKeyRef.key), `secret ${secretKeyRef.name}/${secretKeyRef.key}`];
    else if (configMapKeyRef) [env[entry.name], origin[entry.name]] = [named('ConfigMap', configMapKeyRef.name)?.data?.[configMapKeyRef.key], `configmap ${configMapKeyRef.name}/${configMapKeyRef.key}`];
    else [env[entry.name], origin[entry.name]] = [entry.value, `value ${entry.value}`];
  }
  return { env, origin };
}

const kubeProcesses: FlowgateProcess[] = deployments.map((deployment) => ({
  name: deployment.metadata?.name,
  where: `Deployment ${deployment.metadata?.name} (${deployment.file})`,
  module: moduleOfCommand(containerOf(deployment).args) ?? `(args ${JSON.stringify(containerOf(deployment).args)})`,
  ...kubeEnvironment(containerOf(deployment)),
}));

const moduleUrls = (env: Environment) =>
  Object.fromEntries(modules.filter((m) => env[urlVariable(m)]).map((m) => [m, env[urlVariable(m)]!.split(',').map((u) => new URL(u.trim()))]));
const listeningPort = (env: Environment) => Number(env.FLOWGATE_PORT ?? coreConfig.port.schema.default);
const graceSeconds = (env: Environment) => loadPlatformConfig(env).core.shutdownGraceMs / 1000;

describe('deploy/ files', () => {
  it('parses every YAML document without errors', () => {
    for (const file of [composeFile, ...kubeFiles]) {
      expect(file.errors, file.path).toEqual([]);
      expect(file.documents.length, file.path).toBeGreaterThan(0);
    }
  });

  it('names only FLOWGATE_ and OTEL_ variables the configuration schema declares', () => {
    const files = [dockerfilePath, join(deploy, 'compose.yaml'), join(deploy, 'README.md'), ...readdirSync(kubeDir).map((f) => join(kubeDir, f))];
    for (const file of files) {
      const names = readFileSync(file, 'utf8').match(/\b(?:FLOWGATE|OTEL)_[A-Z0-9_]*[A-Z0-9]\b/g) ?? [];
      expect(names.filter((name) => !declaredVariables.has(name)), relative(repo, file)).toEqual([]);
    }
  });

  it('keeps local, built and secret files out of the image build context', () => {
    const ignored = readFileSync(join(repo, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const path of ['node_modules', 'dist', 'data', 'test-results', '.git', '.env']) {
      expect(ignored.some((line) => line === path || line === `**/${path}`), path).toBe(true);
    }
  });
});

describe('deploy/Dockerfile', () => {
  const text = readFileSync(dockerfilePath, 'utf8');
  const last = (keyword: string) => runtimeStage.filter((i) => i.keyword === keyword).at(-1)?.args;

  it('builds in one stage and runs the built command in a later one', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(last('ENTRYPOINT') ?? '[]')).toEqual(['node', 'apps/server/dist/cli.js']);
    expect(JSON.parse(last('CMD') ?? '[]')).toEqual(['start']);
    expect(stages.some((stage) => stage.some((i) => i.keyword === 'RUN' && i.args.includes('npm run build')))).toBe(true);
  });

  it('installs production dependencies only into the runtime image', () => {
    const stageName = (stage: DockerInstruction[]) => /\bAS\s+(\S+)/i.exec(stage[0]?.args ?? '')?.[1];
    const production = stages.filter((stage) => stage.some((i) => i.keyword === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(i.args))).map(stageName);
    const copiedFrom = runtimeStage.filter((i) => i.keyword === 'COPY').map((i) => /--from=(\S+)/.exec(i.args)?.[1]);
    expect(production.some((name) => name !== undefined && copiedFrom.includes(name))).toBe(true);
    expect(runtimeStage.some((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args))).toBe(false);
  });

  it('runs as a user other than root', () => {
    expect(last('USER')).toBeDefined();
    expect(['root', '0'].includes(last('USER')!.split(':')[0]!)).toBe(false);
  });

  it('listens on every interface and exposes the port it listens on', () => {
    expect(imageEnv.FLOWGATE_HOST).toBe('0.0.0.0');
    const exposed = runtimeStage.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/).map((p) => Number.parseInt(p, 10)));
    expect(exposed).toContain(listeningPort(imageEnv));
    expect(() => loadPlatformConfig(imageEnv)).not.toThrow();
  });

  it('carries every workspace package and its dist/, and every module migrations folder', () => {
    const workspaces: string[] = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).workspaces;
    for (const workspace of workspaces) {
      expect(text, `${workspace}/package.json`).toContain(`${workspace}/package.json`);
      expect(text, `${workspace}/dist`).toContain(`${workspace}/dist`);
    }
    // A module finds its SQL relative to its dist/, at the source path; the Dockerfile copies by glob.
    const globs = text.split(/\s+/).filter((word) => word.includes('migrations'));
    const matches = (glob: string, path: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')}/?$`).test(path);
    for (const set of migrationSets) {
      const path = relative(repo, set.dir);
      expect(existsSync(set.dir), path).toBe(true);
      expect(globs.some((glob) => matches(glob, path)), `${path} is copied into the image`).toBe(true);
    }
  });
});

describe('deploy/compose.yaml', () => {
  it('has only known top-level sections', () => {
    for (const key of Object.keys(compose)) expect(['name', 'services', 'volumes', 'networks', 'configs', 'secrets'].includes(key) || key.startsWith('x-'), key).toBe(true);
  });

  it('needs from the operator only what the README says: FLOWGATE_SECRET_KEY', () => {
    expect(interpolationError?.message).toBeUndefined();
  });

  it('builds every Flowgate service from deploy/Dockerfile at the repository root', () => {
    for (const name of flowgateServiceNames) {
      const build = composeServices[name].build;
      expect(resolve(deploy, build.context ?? '.'), name).toBe(resolve(repo));
      expect(resolve(deploy, build.context ?? '.', build.dockerfile ?? 'Dockerfile'), name).toBe(dockerfilePath);
    }
  });

  it('runs each module exactly once, as start --only <module>', () => {
    sameMembers(
      composeProcesses.map((p) => p.module),
      modules,
    );
  });

  it('publishes the gateway port and no other Flowgate port', () => {
    for (const instance of composeProcesses) {
      const published = (composeServices[instance.name].ports ?? []).map((p: Json) => Number(String(p.target ?? p).split(':').at(-1)));
      expect(published, instance.where).toEqual(instance.module === 'gateway' ? [listeningPort(instance.env)] : []);
    }
  });

  it('points every module URL at the service of that module, on the port it listens on', () => {
    for (const instance of composeProcesses) {
      for (const [module, urls] of Object.entries(moduleUrls(instance.env))) {
        const where = `${instance.where}: ${urlVariable(module)}`;
        const target = composeProcesses.find((p) => p.module === module);
        if (!target) throw new Error(`${where}: no compose service runs ${module}`);
        for (const url of urls) {
          expect(url.hostname, where).toBe(target.name);
          expect(Number(url.port || 80), where).toBe(listeningPort(target.env));
          const exposed = composeServices[target.name].expose;
          if (exposed) expect(exposed.map(Number), `${target.name} exposes the port it listens on`).toContain(listeningPort(target.env));
        }
      }
    }
  });

  it('probes each Flowgate service on /health/ready or /health/live at its own port', () => {
    for (const instance of composeProcesses) {
      const service = interpolatedServices[instance.name];
      const test = asWords(service.healthcheck?.test).join(' ');
      expect(test, instance.where).toMatch(/\/health\/(ready|live)\b/);
      expect(test.includes('process.env.FLOWGATE_PORT') || test.includes(`:${listeningPort(instance.env)}/health/`), `${instance.where} probes its port`).toBe(true);
    }
  });

  it('waits for the infrastructure each process connects to, healthy', () => {
    for (const instance of composeProcesses) {
      const service = composeServices[instance.name];
      const dependsOn: Record<string, Json> = Array.isArray(service.depends_on) ? Object.fromEntries(service.depends_on.map((s: string) => [s, {}])) : (service.depends_on ?? {});
      for (const name of Object.keys(dependsOn)) expect(composeServices, `${instance.where} depends on ${name}`).toHaveProperty([name]);
      for (const variable of ['FLOWGATE_DATABASE_URL', 'FLOWGATE_NATS_URL', 'FLOWGATE_REDIS_URL']) {
        if (!instance.env[variable]) continue;
        const host = new URL(instance.env[variable]!).hostname;
        expect(composeServices[host]?.healthcheck, `${variable} host ${host} is a compose service with a healthcheck`).toBeDefined();
        expect(dependsOn[host]?.condition, `${instance.where} waits for ${host}`).toBe('service_healthy');
      }
    }
  });

  it('gives each process longer to stop than its shutdown grace', () => {
    for (const instance of composeProcesses) {
      const stopGrace = seconds(composeServices[instance.name].stop_grace_period ?? '10s');
      expect(stopGrace, instance.where).toBeGreaterThan(graceSeconds(instance.env));
    }
  });
});

describe('deploy/kubernetes', () => {
  const apiVersions: Record<string, string> = {
    ConfigMap: 'v1',
    Secret: 'v1',
    Service: 'v1',
    Deployment: 'apps/v1',
    HorizontalPodAutoscaler: 'autoscaling/v2',
    PodDisruptionBudget: 'policy/v1',
    Kustomization: 'kustomize.config.k8s.io/v1beta1',
  };
  const labelsMatch = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);
  const selected = (selector: Record<string, string>) => deployments.filter((d) => labelsMatch(selector, d.spec?.template?.metadata?.labels));
  const servicesOf = (deployment: Json) => ofKind('Service').filter((s) => labelsMatch(s.spec?.selector ?? {}, deployment.spec?.template?.metadata?.labels));
  const deploymentOf = (module: string) => deployments.find((d, i) => kubeProcesses[i]!.module === module);

  it('holds only known kinds, at their API versions, namespace-free', () => {
    for (const object of kubeObjects) {
      expect(apiVersions[object.kind], `${object.file}: kind ${object.kind}`).toBeDefined();
      expect(object.apiVersion, `${object.file}: ${object.kind}`).toBe(apiVersions[object.kind]);
      expect(object.metadata?.namespace, `${object.file}: ${object.kind} ${object.metadata?.name}`).toBeUndefined();
    }
  });

  it('applies every manifest through kustomization.yaml, except the Secret template', () => {
    const kustomization = ofKind('Kustomization')[0];
    const listed: string[] = kustomization?.resources ?? [];
    const templates = kubeFiles.filter((f) => f.documents.some((d) => d.kind === 'Secret')).map((f) => f.path.split('/').at(-1)!);
    sameMembers(
      listed,
      kubeFiles.map((f) => f.path.split('/').at(-1)!).filter((name) => name !== 'kustomization.yaml' && !templates.includes(name)),
    );
    const image = containerOf(deployments[0]).image?.split(':')[0];
    expect(kustomization?.images?.map((i: Json) => i.name)).toContain(image);
  });

  it('keeps only placeholders in the Secret template', () => {
    for (const secret of ofKind('Secret')) {
      expect(secret.data, 'values go in stringData, readable as placeholders').toBeUndefined();
      for (const [key, value] of Object.entries(secret.stringData ?? {})) {
        expect(String(value), `${secret.metadata.name}/${key}`).toContain('REPLACE_ME');
        expect(supplied[key], `a sample value for ${key} in this test`).toBeDefined();
      }
    }
  });

  it('refers only to ConfigMaps, Secrets and keys that exist', () => {
    for (const deployment of deployments) {
      const container = containerOf(deployment);
      const where = deployment.metadata.name;
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef) expect(named('ConfigMap', source.configMapRef.name), `${where}: ConfigMap ${source.configMapRef.name}`).toBeDefined();
        if (source.secretRef) expect(named('Secret', source.secretRef.name), `${where}: Secret ${source.secretRef.name}`).toBeDefined();
      }
      for (const { name, valueFrom } of container.env ?? []) {
        if (valueFrom?.secretKeyRef) expect(named('Secret', valueFrom.secretKeyRef.name)?.stringData, `${where}: ${name}`).toHaveProperty([valueFrom.secretKeyRef.key]);
        if (valueFrom?.configMapKeyRef) expect(named('ConfigMap', valueFrom.configMapKeyRef.name)?.data, `${where}: ${name}`).toHaveProperty([valueFrom.configMapKeyRef.key]);
      }
    }
  });

  it('gives env and ConfigMap values as strings, as the API requires', () => {
    for (const configMap of ofKind('ConfigMap')) for (const [k, v] of Object.entries(configMap.data ?? {})) expect(typeof v, `${configMap.metadata.name}: ${k}`).toBe('string');
    for (const deployment of deployments) for (const entry of containerOf(deployment).env ?? []) if (!entry.valueFrom) expect(typeof entry.value, `${deployment.metadata.name}: ${entry.name}`).toBe('string');
  });

  it('runs each module in exactly one Deployment, as start --only <module>, with exactly one Service', () => {
    sameMembers(
      kubeProcesses.map((p) => p.module),
      modules,
    );
    deployments.forEach((deployment, i) => {
      const where = kubeProcesses[i]!.where;
      expect(deployment.spec.template.spec.containers, where).toHaveLength(1);
      expect(containerOf(deployment).command, `${where} keeps the image's entrypoint`).toBeUndefined();
      expect(labelsMatch(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels), where).toBe(true);
      expect(servicesOf(deployment), where).toHaveLength(1);
    });
    for (const service of ofKind('Service')) expect(selected(service.spec.selector), `Service ${service.metadata.name} selects one Deployment`).toHaveLength(1);
  });

  it('labels objects with known modules only', () => {
    for (const object of kubeObjects) {
      const component = object.metadata?.labels?.['app.kubernetes.io/component'];
      if (component !== undefined) expect(modules, `${object.file}: ${object.kind} ${object.metadata.name}`).toContain(component);
    }
    deployments.forEach((deployment, i) => expect(deployment.spec.template.metadata.labels['app.kubernetes.io/component']).toBe(kubeProcesses[i]!.module));
  });

  it('runs one image everywhere', () => {
    expect(new Set(deployments.map((d) => containerOf(d).image)).size).toBe(1);
  });

  /** A container port, by number or by name. */
  const containerPort = (container: Json, port: number | string) => (container.ports ?? []).find((p: Json) => p.containerPort === port || p.name === port)?.containerPort;

  it('points every module URL at that module Service, whose target is the port the module listens on', () => {
    for (const instance of kubeProcesses) {
      for (const [module, urls] of Object.entries(moduleUrls(instance.env))) {
        const where = `${instance.where}: ${urlVariable(module)}`;
        const deployment = deploymentOf(module);
        const [service] = deployment ? servicesOf(deployment) : [];
        if (!deployment || !service) throw new Error(`${where}: no Deployment with a Service runs ${module}`);
        const target = kubeProcesses[deployments.indexOf(deployment)]!;
        for (const url of urls) {
          expect(url.hostname, where).toBe(service.metadata.name);
          const servicePort = service.spec.ports.find((p: Json) => p.port === Number(url.port || 80));
          expect(servicePort, `${where}: the Service has port ${url.port}`).toBeDefined();
          const port = containerPort(containerOf(deployment), servicePort.targetPort ?? servicePort.port);
          expect(port, `${where}: the targetPort is a container port`).toBeDefined();
          expect(port, `${where}: the container listens on FLOWGATE_PORT`).toBe(listeningPort(target.env));
        }
      }
    }
  });

  it('probes startup, liveness and readiness on their own paths at the container port', () => {
    const paths = { startupProbe: '/health/startup', livenessProbe: '/health/live', readinessProbe: '/health/ready' };
    deployments.forEach((deployment, i) => {
      const container = containerOf(deployment);
      for (const [probe, path] of Object.entries(paths)) {
        const where = `${kubeProcesses[i]!.where}: ${probe}`;
        expect(container[probe]?.httpGet?.path, where).toBe(path);
        expect(containerPort(container, container[probe]?.httpGet?.port), where).toBe(listeningPort(kubeProcesses[i]!.env));
      }
    });
  });

  it('sets CPU and memory requests and limits on every container', () => {
    for (const deployment of deployments) {
      for (const container of deployment.spec.template.spec.containers) {
        for (const bound of ['requests', 'limits']) for (const resource of ['cpu', 'memory']) expect(container.resources?.[bound]?.[resource], `${deployment.metadata.name}: ${bound}.${resource}`).toBeDefined();
      }
    }
  });

  it('runs as a non-root user on a read-only root filesystem', () => {
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec.securityContext ?? {};
      const container = containerOf(deployment).securityContext ?? {};
      const where = deployment.metadata.name;
      expect(container.runAsNonRoot ?? pod.runAsNonRoot, where).toBe(true);
      expect(container.runAsUser ?? pod.runAsUser, `${where}: a numeric user, so that runAsNonRoot can be verified`).toBeGreaterThan(0);
      expect(container.readOnlyRootFilesystem, where).toBe(true);
      expect(container.allowPrivilegeEscalation, where).toBe(false);
    }
  });

  it('lets a pod stop for longer than its preStop pause plus its shutdown grace', () => {
    deployments.forEach((deployment, i) => {
      const preStop = asWords(containerOf(deployment).lifecycle?.preStop?.exec?.command);
      const pause = preStop[0] === 'sleep' ? Number(preStop[1]) : 0;
      const allowed = deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30;
      expect(allowed, kubeProcesses[i]!.where).toBeGreaterThan(pause + graceSeconds(kubeProcesses[i]!.env));
    });
  });

  it('autoscales the engine on CPU, and leaves the replica count of autoscaled Deployments to the autoscaler', () => {
    const autoscalers = ofKind('HorizontalPodAutoscaler');
    for (const hpa of autoscalers) {
      const target = named('Deployment', hpa.spec.scaleTargetRef.name);
      expect(hpa.spec.scaleTargetRef.kind, hpa.metadata.name).toBe('Deployment');
      expect(target, `${hpa.metadata.name} targets an existing Deployment`).toBeDefined();
      expect(target?.spec.replicas, `${target?.metadata.name}: applying a count would reset the autoscaler`).toBeUndefined();
      expect(hpa.spec.metrics.some((m: Json) => m.type === 'Resource' && m.resource?.name === 'cpu'), hpa.metadata.name).toBe(true);
    }
    expect(autoscalers.map((hpa) => hpa.spec.scaleTargetRef.name)).toContain(deploymentOf('engine')?.metadata.name);
  });

  it('selects exactly one Deployment with each PodDisruptionBudget', () => {
    for (const budget of ofKind('PodDisruptionBudget')) expect(selected(budget.spec.selector.matchLabels), budget.metadata.name).toHaveLength(1);
  });
});

describe.each([
  ['compose', composeProcesses],
  ['kubernetes', kubeProcesses],
])('the %s split, process by process', (_topology, processes) => {
  it('passes the code configuration validation and placement', () => {
    expect(processes.length).toBeGreaterThan(0);
    for (const instance of processes) {
      expect(() => loadPlatformConfig(instance.env), instance.where).not.toThrow();
      expect(() => placeModules([instance.module], instance.env), instance.where).not.toThrow();
      const placement = placeModules([instance.module], instance.env);
      expect([...placement.local], instance.where).toEqual([instance.module]);
      expect(placement.topology, instance.where).toBe('split');
    }
  });

  it('has what the distributed profile requires: PostgreSQL, NATS and a valid secret key', () => {
    for (const instance of processes) {
      const { core } = loadPlatformConfig(instance.env);
      expect(core.databaseUrl, `${instance.where}: FLOWGATE_DATABASE_URL`).toBeDefined();
      expect(core.natsUrl, `${instance.where}: FLOWGATE_NATS_URL (events between processes)`).toBeDefined();
      expect(() => parseSecretKey(core.secretKey ?? ''), instance.where).not.toThrow();
      // The platform's own start-up rule, stated for the split: run events leave this instance.
      if (instance.module === 'engine') expect(core.natsUrl, `${instance.where}: a local engine with a remote log system`).toBeDefined();
      if (instance.module === 'gateway') expect(core.redisUrl, `${instance.where}: FLOWGATE_REDIS_URL (rate limits shared by replicas)`).toBeDefined();
      expect(core.host, `${instance.where} listens beyond its container`).toBe('0.0.0.0');
    }
  });

  it('shares one secret key and one database between every process', () => {
    for (const variable of ['FLOWGATE_SECRET_KEY', 'FLOWGATE_DATABASE_URL']) {
      expect(new Set(processes.map((p) => p.origin[variable])).size, variable).toBe(1);
    }
  });

  it('names the URLs of exactly the modules a process needs (another would add a readiness check on it)', () => {
    for (const instance of processes) {
      sameMembers(Object.keys(moduleUrls(instance.env)), needsOf(instance.module), instance.where);
    }
  });
});
