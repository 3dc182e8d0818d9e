import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from './flowgate-process.js';

/** One JSON log line, from the supervisor or from one of its services (they share its stdout). */
export type LogLine = Record<string, unknown> & { msg?: string; service?: string };

export interface ServiceReplica {
  pid: number;
  url: string;
}

export interface SplitProcess {
  /** The gateway's URL. */
  url: string;
  /** Every service with its replicas, in start order, as the "split topology is ready" line lists them. */
  services: Record<string, ServiceReplica[]>;
  supervisor: ChildProcess;
  /** Resolves to the first line of the supervisor (service "supervisor") that `match` accepts. */
  waitForLine(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Every line of the supervisor so far. */
  supervisorLines(): LogLine[];
  output(): string;
  /** Signals the supervisor and resolves to its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** After a test failed half-way: the supervisor and every service it started, killed at once. */
  kill(): void;
}

/**
 * Starts `flowgate split` (the built CLI) and waits for the supervisor's "split topology is ready"
 * line, which carries the gateway's URL and every service's pids and URLs.
 */
export async function startSplit(args: string[], env: Record<string, string>, readyTimeoutMs = 90_000): Promise<SplitProcess> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first (npm test does)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-split-'));
  const supervisor = spawn(process.execPath, [cliPath, 'split', ...args], {
    env: { PATH: process.env.PATH, FLOWGATE_DATA_DIR: dataDir, FLOWGATE_PORT: '0', FLOWGATE_LOG_LEVEL: 'info', FLOWGATE_PASSWORD_HASH_COST: '10', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let pending = '';
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  supervisor.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const text of complete) {
      try {
        const line = JSON.parse(text) as LogLine;
        if (line.service === 'supervisor') lines.push(line);
      } catch {
        // Not JSON (a child's stack trace, say): kept in output only.
      }
    }
    for (const wake of waiters) wake();
  });
  supervisor.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => supervisor.once('exit', (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    for (const wake of waiters) wake();
  });

  const waitForLine = (match: (line: LogLine) => boolean, timeoutMs = 30_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (found) return done(() => resolve(found));
        if (hasExited) return done(() => reject(new Error(`the supervisor exited before the expected line:\n${output.slice(-4000)}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no such supervisor line after ${timeoutMs} ms:\n${output.slice(-4000)}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  let ready: LogLine;
  try {
    ready = await waitForLine((l) => l.msg === 'split topology is ready', readyTimeoutMs);
  } catch (error) {
    if (!hasExited) supervisor.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const services = ready.services as Record<string, ServiceReplica[]>;
  return {
    url: ready.url as string,
    services,
    supervisor,
    waitForLine,
    supervisorLines: () => [...lines],
    output: () => output,
    async stop(signal = 'SIGINT') {
      if (!hasExited) supervisor.kill(signal);
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    kill() {
      const pids = lines.filter((l) => l.msg === 'service started' || l.msg === 'service restarted').map((l) => l.pid as number);
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      if (!hasExited) supervisor.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** True while a process with this pid exists (signal 0 only asks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
