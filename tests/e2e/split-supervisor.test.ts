import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, requireService, type ScratchDatabase } from '@flowgate/kernel/testing';
import { runFlowgate } from './flowgate-process.js';
import { isAlive, startSplit, type SplitProcess } from './split-process.js';

/**
 * `flowgate split`: the supervisor starts every module as its own service and the gateway in
 * front, restarts a service that dies, and stops them all, in order, on Ctrl-C.
 */
let database: ScratchDatabase | null = null;
let split: SplitProcess | undefined;
let reason: string | undefined;
const logsConsumer = `logs-split-${randomBytes(4).toString('hex')}`;
/** Every service pid seen, restarted ones included: none may outlive the supervisor. */
const pids = new Set<number>();

beforeAll(async () => {
  const nats = await requireService('NATS', '127.0.0.1', 4222);
  if (nats.skip) reason = nats.reason;
  database = await createScratchDatabase('fg_sup');
  if (!database) reason ??= 'PostgreSQL is not available';
  if (reason) return;
  split = await startSplit(
    ['--replicas', 'logs=2'],
    {
      FLOWGATE_DATABASE_URL: database!.url,
      FLOWGATE_NATS_URL: 'nats://127.0.0.1:4222',
      FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64'),
      // Other platforms on this NATS server have their own log consumer.
      FLOWGATE_LOGS_CONSUMER: logsConsumer,
    },
    50_000,
  );
  for (const replica of Object.values(split.services).flat()) pids.add(replica.pid);
});

afterAll(async () => {
  // Only when a test failed before the supervisor was stopped.
  split?.kill();
  await database?.drop();
  // A durable nobody consumes would make the stream keep every run event (interest retention).
  if (!reason) {
    const connection = await connect({ servers: 'nats://127.0.0.1:4222' });
    await (await jetstreamManager(connection)).consumers.delete('ENGINE', logsConsumer).catch(() => undefined);
    await connection.close();
  }
});

/** Polls until `probe` holds, for at most `timeoutMs`; false if it never did. */
async function eventually(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await sleep(200);
  }
  return false;
}

const readyStatus = async (url: string) => (await fetch(`${url}/health/ready`)).status;
const post = (url: string, body: unknown, token?: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
const admin = { email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' };
const login = (url: string) => post(`${url}/api/v1/auth/login`, { email: admin.email, password: admin.password });

describe('flowgate split: command line', () => {
  it.concurrent('names split and its options in the usage', async () => {
    const result = await runFlowgate(['--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('split [--replicas m=n,...] [--base-port p]');
  });

  const infra = { FLOWGATE_DATABASE_URL: 'postgres://127.0.0.1:1/none', FLOWGATE_NATS_URL: 'nats://127.0.0.1:1' };
  it.concurrent.each([
    ['without PostgreSQL', {}, [], 'FLOWGATE_DATABASE_URL'],
    ['without NATS', { FLOWGATE_DATABASE_URL: infra.FLOWGATE_DATABASE_URL }, [], 'FLOWGATE_NATS_URL'],
    ['with a bad --replicas', infra, ['--replicas', 'engine=two'], '--replicas'],
  ])('refuses to start %s, in one line naming the variable', async (_case, env, args, variable) => {
    const result = await runFlowgate(['split', ...args], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(`configuration error: ${variable}: `)]);
  });
});

describe('flowgate split: the supervised topology (PostgreSQL, NATS)', () => {
  it('serves the API through the gateway, with every module a remote service', async ({ skip }) => {
    if (reason) skip(reason);
    const { url, services } = split!;
    expect(Object.keys(services)).toEqual(['identity', 'workflows', 'logs', 'engine', 'gateway']);
    expect(services.logs).toHaveLength(2);
    expect(await eventually(async () => (await readyStatus(url)) === 200, 15_000)).toBe(true);

    expect((await post(`${url}/api/v1/auth/register`, admin)).status).toBe(201);
    const { access_token } = (await (await login(url)).json()) as { access_token: string };
    const registry = (await (await fetch(`${url}/api/v1/services`, { headers: { authorization: `Bearer ${access_token}` } })).json()) as {
      topology: string;
      items: { name: string; mode: string; urls: string[] }[];
    };
    expect(registry.topology).toBe('split');
    for (const name of ['identity', 'workflows', 'logs', 'engine']) {
      const entry = registry.items.find((s) => s.name === name);
      expect(entry, name).toMatchObject({ mode: 'remote', urls: services[name]!.map((r) => r.url) });
    }
  });

  it('leaves a service useless around the gateway', async ({ skip }) => {
    if (reason) skip(reason);
    const identity = split!.services.identity![0]!;
    expect((await fetch(`${identity.url}/api/v1/users`)).status).toBe(401);
    expect((await fetch(`${identity.url}/health/live`)).status).toBe(200);
  });

  it('reports a service that dies and restarts it', async ({ skip }) => {
    if (reason) skip(reason);
    const { url, services, waitForLine } = split!;
    const killed = services.identity![0]!.pid;
    process.kill(killed, 'SIGKILL');

    const exited = await waitForLine((l) => l.msg === 'service exited: restarting' && l.pid === killed);
    expect(exited).toMatchObject({ child: 'identity', replica: 1, signal: 'SIGKILL', code: null, restarts: 1 });
    expect(exited.delay_ms).toEqual(expect.any(Number));
    const restarted = await waitForLine((l) => l.msg === 'service restarted' && l.child === 'identity');
    const pid = restarted.pid as number;
    pids.add(pid);
    expect(pid).not.toBe(killed);
    expect(isAlive(pid)).toBe(true);

    expect(await eventually(async () => (await readyStatus(url)) === 200, 20_000)).toBe(true);
    expect((await login(url)).status).toBe(200);
  });

  it('stops the gateway, then the modules in reverse start order, on Ctrl-C', async ({ skip }) => {
    if (reason) skip(reason);
    const running = split!;
    const code = await running.stop('SIGINT');
    split = undefined;

    expect(code).toBe(0);
    for (const pid of pids) expect(isAlive(pid), `pid ${pid}`).toBe(false);
    const stopped = running.supervisorLines().filter((l) => l.msg === 'service stopped');
    expect(stopped.map((l) => l.child)).toEqual(['gateway', 'engine', 'logs', 'logs', 'workflows', 'identity']);
    expect(running.output()).not.toContain('did not stop in time');
  });
});
