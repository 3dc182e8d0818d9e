import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { distributedInfrastructure, freePort, isListening, type ScratchDatabase } from '@flowgate/kernel/testing';
import { cliPath } from './flowgate-process.js';

/**
 * The split topology built by hand, one `flowgate start --only <module>` process per service, so
 * a test can kill, stop and restart any one of them: every port is chosen before anything starts,
 * so every process knows where the others are and a restarted one comes back at the same URL.
 */

/** One service: the module it runs and what its process gets beyond the shared environment. */
export interface ServiceSpec {
  module: 'gateway' | 'identity' | 'workflows' | 'logs' | 'engine';
  env?: Record<string, string>;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Incarnation {
  child: ChildProcess;
  exited: Promise<ExitStatus>;
  output: string;
}

/** A JSON log line of a service. */
export type LogLine = Record<string, unknown> & { msg?: string };

const READY_TIMEOUT_MS = 60_000;

export class SplitServices {
  private readonly ports = new Map<string, number>();
  /** Every process each service has had, the running one last. */
  private readonly incarnations = new Map<string, Incarnation[]>();
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'flowgate-split-failures-'));

  private constructor(
    private readonly specs: Record<string, ServiceSpec>,
    private readonly env: Record<string, string>,
  ) {}

  /**
   * Plans the services (names are free; several may run one module, as replicas): each gets a
   * free port now, and every process gets `FLOWGATE_<MODULE>_URL` listing that module's services.
   */
  static async plan(specs: Record<string, ServiceSpec>, env: Record<string, string>): Promise<SplitServices> {
    const services = new SplitServices(specs, env);
    for (const name of Object.keys(specs)) services.ports.set(name, await freePort());
    const urls: Record<string, string[]> = {};
    for (const [name, spec] of Object.entries(specs)) {
      if (spec.module !== 'gateway') (urls[spec.module] ??= []).push(services.url(name));
    }
    for (const [module, list] of Object.entries(urls)) services.env[`FLOWGATE_${module.toUpperCase()}_URL`] = list.join(',');
    return services;
  }

  url(name: string): string {
    const port = this.ports.get(name);
    if (port === undefined) throw new Error(`no service named ${name}`);
    return `http://127.0.0.1:${port}`;
  }

  /** Starts the named services at once and waits until each has logged "flowgate is ready". */
  async start(...names: string[]): Promise<void> {
    await Promise.all(names.map((name) => this.startOne(name)));
  }

  /** Every module's services first (they do not wait for each other), then the gateways. */
  async startAll(): Promise<void> {
    const names = Object.keys(this.specs);
    await this.start(...names.filter((n) => this.specs[n]!.module !== 'gateway'));
    await this.start(...names.filter((n) => this.specs[n]!.module === 'gateway'));
  }

  /** The running process of a service (it must be running). */
  pid(name: string): number {
    const current = this.current(name);
    if (!current || current.child.exitCode !== null || current.child.signalCode !== null) throw new Error(`${name} is not running`);
    return current.child.pid!;
  }

  isRunning(name: string): boolean {
    const current = this.current(name);
    return current !== undefined && current.child.exitCode === null && current.child.signalCode === null;
  }

  /** Sends `signal` to the service's process and resolves once it has exited. */
  async signal(name: string, signal: NodeJS.Signals): Promise<ExitStatus> {
    const current = this.current(name);
    if (!current) throw new Error(`${name} was never started`);
    if (current.child.exitCode === null && current.child.signalCode === null) current.child.kill(signal);
    return current.exited;
  }

  /** SIGKILL: the process is gone at once, with whatever it was doing. */
  kill(name: string): Promise<ExitStatus> {
    return this.signal(name, 'SIGKILL');
  }

  /** SIGTERM: a graceful stop (drain, then close). */
  terminate(name: string): Promise<ExitStatus> {
    return this.signal(name, 'SIGTERM');
  }

  /** Everything the service's processes wrote, every incarnation in order. */
  output(name: string): string {
    return (this.incarnations.get(name) ?? []).map((i) => i.output).join('\n--- restarted ---\n');
  }

  /** The JSON log lines of one incarnation (0: the first process of the service). */
  lines(name: string, incarnation: number): LogLine[] {
    const found = this.incarnations.get(name)?.[incarnation];
    if (!found) return [];
    const lines: LogLine[] = [];
    for (const text of found.output.split('\n')) {
      if (!text.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(text) as LogLine);
      } catch {
        // A partial line at the end of the output: not yet whole.
      }
    }
    return lines;
  }

  /** The tail of every service's output, to explain a failure. */
  outputs(tail = 3000): string {
    return [...this.incarnations.keys()].map((name) => `=== ${name}\n${this.output(name).slice(-tail)}`).join('\n');
  }

  /** Kills whatever still runs (the test is over; nothing needs a graceful stop) and cleans up. */
  async close(): Promise<void> {
    await Promise.all([...this.incarnations.keys()].map((name) => this.kill(name)));
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private current(name: string): Incarnation | undefined {
    return this.incarnations.get(name)?.at(-1);
  }

  private async startOne(name: string): Promise<void> {
    const spec = this.specs[name];
    if (!spec) throw new Error(`no service named ${name}`);
    if (this.isRunning(name)) throw new Error(`${name} is already running`);
    if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first (npm test does)`);
    const child = spawn(process.execPath, [cliPath, 'start', '--only', spec.module], {
      env: {
        PATH: process.env.PATH,
        FLOWGATE_DATA_DIR: join(this.dataDir, name),
        FLOWGATE_LOG_LEVEL: 'info',
        FLOWGATE_PASSWORD_HASH_COST: '10',
        ...this.env,
        ...spec.env,
        FLOWGATE_HOST: '127.0.0.1',
        FLOWGATE_PORT: String(this.ports.get(name)),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const incarnation: Incarnation = {
      child,
      output: '',
      // 'close', not 'exit': by then everything the process wrote has been read.
      exited: new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal }))),
    };
    const list = this.incarnations.get(name) ?? [];
    list.push(incarnation);
    this.incarnations.set(name, list);
    child.stdout!.on('data', (chunk: Buffer) => (incarnation.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (incarnation.output += chunk.toString()));

    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not become ready in ${READY_TIMEOUT_MS} ms:\n${incarnation.output.slice(-4000)}`)), READY_TIMEOUT_MS);
        poll = setInterval(() => {
          if (/"msg":"flowgate is ready"/.test(incarnation.output)) resolve();
        }, 25);
        void incarnation.exited.then(({ code, signal }) => reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${incarnation.output.slice(-4000)}`)));
      });
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
      clearInterval(poll);
    }
  }
}

/** The environment every process of one split platform shares (PostgreSQL, NATS, one secret). */
export function sharedEnv(databaseUrl: string, natsUrl: string, logsConsumer: string): Record<string, string> {
  return {
    FLOWGATE_DATABASE_URL: databaseUrl,
    FLOWGATE_NATS_URL: natsUrl,
    FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64'),
    FLOWGATE_LOGS_CONSUMER: logsConsumer,
  };
}

/** A log consumer name of this test file's own, so platforms sharing one NATS server do not mix. */
export const uniqueConsumer = (label: string) => `logs-${label}-${randomBytes(4).toString('hex')}`;

/** One process per module, as `flowgate split` starts them. */
export const processPerModule = {
  identity: { module: 'identity' },
  workflows: { module: 'workflows' },
  logs: { module: 'logs' },
  engine: { module: 'engine' },
  gateway: { module: 'gateway' },
} as const satisfies Record<string, ServiceSpec>;

/**
 * A test file's split platform on the shared PostgreSQL (a scratch database) and NATS, one
 * process per module, started before its tests and removed after them with its log consumer.
 * `skipReason` names what is missing when the platform could not be made (outside CI).
 */
export function splitOnSharedServices(consumerLabel: string) {
  const natsUrl = 'nats://127.0.0.1:4222';
  const consumer = uniqueConsumer(consumerLabel);
  const state: { services?: SplitServices; skipReason?: string; database?: ScratchDatabase | null } = {};
  beforeAll(async () => {
    const { database, reason } = await distributedInfrastructure('fg_fail');
    Object.assign(state, { database, skipReason: reason });
    if (reason) return;
    state.services = await SplitServices.plan(processPerModule, sharedEnv(database!.url, natsUrl, consumer));
    await state.services.startAll();
  }, 120_000);
  afterAll(async () => {
    await state.services?.close();
    await state.database?.drop();
    if (!state.skipReason) await deleteLogsConsumer(natsUrl, consumer);
  });
  return state;
}

/** A durable nobody consumes would make the interest-retention stream keep every run event. */
export async function deleteLogsConsumer(natsUrl: string, consumer: string): Promise<void> {
  const connection = await connect({ servers: natsUrl, timeout: 2_000 });
  try {
    await (await jetstreamManager(connection)).consumers.delete('ENGINE', consumer).catch(() => undefined);
  } finally {
    await connection.close();
  }
}

/**
 * A nats-server of the test's own (JetStream, own store directory, own port), so it can be
 * killed and started again without anything else on the machine noticing.
 */
export class PrivateNats {
  private child: ChildProcess | undefined;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'flowgate-nats-'));

  private constructor(readonly port: number) {}

  /** The binary, or why these tests cannot run. */
  static unavailableReason(): string | undefined {
    return spawnSync('nats-server', ['--version']).status === 0 ? undefined : 'the nats-server binary is not installed';
  }

  static async create(): Promise<PrivateNats> {
    return new PrivateNats(await freePort());
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** Starts it (again: same port, same store, so streams and durables survive) and waits until it listens. */
  async start(): Promise<void> {
    this.child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await isListening('127.0.0.1', this.port))) {
      if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/** The public API through the gateway, as a client sees it. */
export class GatewayClient {
  token = '';

  constructor(readonly url: string) {}

  async call(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Answer> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: kept as text, for the assertion's message.
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** Registers the first user (admin) and logs in as them. */
  async bootstrapAdmin(): Promise<void> {
    const credentials = { email: 'ada@example.com', password: 'correct horse battery' };
    const registered = await this.call('POST', '/api/v1/auth/register', { ...credentials, name: 'Ada' });
    if (registered.status !== 201) throw new Error(`register: ${registered.status} ${JSON.stringify(registered.body)}`);
    const login = await this.call('POST', '/api/v1/auth/login', credentials);
    if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
    this.token = login.body.access_token;
  }

  async createWorkflow(name: string, graph: unknown): Promise<string> {
    const created = await this.call('POST', '/api/v1/workflows', { name, graph });
    if (created.status !== 201) throw new Error(`create workflow: ${created.status} ${JSON.stringify(created.body)}`);
    return created.body.id as string;
  }

  /** A blocking run of the draft. */
  run(workflowId: string, inputs: Record<string, unknown>, signal?: AbortSignal): Promise<Answer> {
    return this.call('POST', `/api/v1/workflows/${workflowId}/run`, { inputs, response_mode: 'blocking' }, signal);
  }

  /** Every run of a workflow in the run history, every page of it (throws when the history does not answer). */
  async recordedRuns(workflowId: string): Promise<{ run_id: string; status: string }[]> {
    const runs: { run_id: string; status: string }[] = [];
    let cursor: string | null = null;
    do {
      const page = await this.call('GET', `/api/v1/workflows/${workflowId}/runs?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (page.status !== 200) throw new Error(`run history: ${page.status} ${JSON.stringify(page.body)}`);
      runs.push(...(page.body.items as { run_id: string; status: string }[]));
      cursor = page.body.next_cursor as string | null;
    } while (cursor);
    return runs;
  }
}

/** How many times each id occurs: a run recorded twice would show as 2. */
export function occurrences(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * Waits until the log system holds every run of `runIds` as succeeded, then checks the workflow's
 * history is exactly those runs, each once: nothing lost, nothing twice.
 */
export async function expectEachRunRecordedOnce(client: GatewayClient, workflowId: string, runIds: readonly string[]) {
  await vi.waitFor(
    async () => {
      const recorded = await client.recordedRuns(workflowId);
      expect(new Set(recorded.filter((r) => r.status === 'succeeded').map((r) => r.run_id))).toEqual(new Set(runIds));
    },
    { timeout: 60_000, interval: 250 },
  );
  const recorded = (await client.recordedRuns(workflowId)).map((r) => r.run_id);
  expect(recorded).toHaveLength(runIds.length);
  expect([...occurrences(recorded).entries()].filter(([, count]) => count !== 1)).toEqual([]);
}

export { greetingGraph } from './suite/graphs.js';
