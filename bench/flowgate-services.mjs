// Processes for the benches that run the split topology by hand: flowgate services started one
// by one (`start --only <module>`, optionally pinned to CPUs with taskset), and CPU time read from
// /proc. Each service gets a port chosen here, so every URL is known before anything starts and
// the services may log at `warn` (readiness is polled on /health/startup, as the supervisor does).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli } from './flowgate-child.mjs';

/** A free TCP port on loopback (closed again at once: a port another process takes meanwhile fails start-up loudly). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `command args` (pinned to `cpus` when given, e.g. '0'); taskset execs the command, so the
 * child's pid is the command's. Output is kept (the last 8 KiB) for the error when it fails.
 */
export function spawnPinned(command, args, { cpus, env } = {}) {
  const [file, argv] = cpus === undefined ? [command, args] : ['taskset', ['-c', String(cpus), command, ...args]];
  const child = spawn(file, argv, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-8192));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.output = () => output;
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

/** Polls `<url>/health/startup` until 200; rejects with the child's output if it exits first. */
export async function waitForStartup(child, url, timeoutMs = 60_000) {
  let gone;
  void child.exited.then((exit) => (gone = exit));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (gone) throw new Error(`${child.spawnargs.join(' ')} exited (${gone.code ?? gone.signal}):\n${child.output()}`);
    try {
      const response = await fetch(`${url}/health/startup`, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} not started after ${timeoutMs} ms:\n${child.output()}`);
    await sleep(100);
  }
}

/**
 * Starts the flowgate command (`args`, e.g. ['start'] or ['start', '--only', 'engine']) on a
 * planned port and waits until it has started. `env` is the whole environment it gets (PATH added).
 */
export async function startFlowgateOn(args, port, env, { cpus } = {}) {
  const url = `http://127.0.0.1:${port}`;
  const child = spawnPinned(process.execPath, [cli, ...args], { cpus, env: { PATH: process.env.PATH, ...env, FLOWGATE_PORT: String(port) } });
  await waitForStartup(child, url);
  return { url, pid: child.pid, child };
}

/** One module as its own service: `start --only <module>`. */
export async function startService(module, port, env, options) {
  return { module, ...(await startFlowgateOn(['start', '--only', module], port, env, options)) };
}

/** Stops a child (SIGTERM) and waits for it, killing it after `graceMs`; harmless if it is gone. */
export async function stopChild(child, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** /proc counts CPU time in clock ticks (USER_HZ, 100 on Linux). */
export const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU time (user + system, all threads) a process has used so far, in µs; 0 once it is gone. */
export function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicks;
  } catch {
    return 0;
  }
}

/**
 * Starts `flowgate split` (the supervisor runs every module as its own service, then the gateway)
 * and resolves on its "split topology is ready" line, which lists every service's pid and URL.
 * The services log at info (the supervisor's ready line is at info; requests are not logged).
 */
export async function startSplit(env, { cpus, args = [] } = {}) {
  const supervisor = spawnPinned(process.execPath, [cli, 'split', ...args], { cpus, env: { PATH: process.env.PATH, FLOWGATE_PORT: '0', ...env, FLOWGATE_LOG_LEVEL: 'info' } });
  const ready = await new Promise((resolve, reject) => {
    let pending = '';
    const onData = (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        if (!line.includes('split topology is ready')) continue;
        supervisor.stdout.off('data', onData);
        resolve(JSON.parse(line));
      }
    };
    supervisor.stdout.on('data', onData);
    void supervisor.exited.then((exit) => reject(new Error(`flowgate split exited (${exit.code ?? exit.signal}):\n${supervisor.output()}`)));
  });
  // Each service once, by the pid of its (first) replica.
  const services = Object.fromEntries(Object.entries(ready.services).map(([name, replicas]) => [name, { pid: replicas[0].pid, url: replicas[0].url }]));
  return {
    url: ready.url,
    services,
    supervisor,
    /** SIGINT: the supervisor stops the gateway, then the modules in reverse start order. */
    async stop(graceMs = 30_000) {
      if (supervisor.exitCode !== null || supervisor.signalCode !== null) return;
      supervisor.kill('SIGINT');
      const timer = setTimeout(() => {
        // A supervisor that hangs: its services by pid, then itself.
        for (const { pid } of Object.values(services)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Gone already.
          }
        }
        supervisor.kill('SIGKILL');
      }, graceMs);
      await supervisor.exited;
      clearTimeout(timer);
    },
  };
}
