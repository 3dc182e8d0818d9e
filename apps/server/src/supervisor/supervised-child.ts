import { spawn, type ChildProcess } from 'node:child_process';
import type { Environment, Logger } from '@flowgate/kernel';
import { nextRestartDelay, restartBackoff, type Backoff } from './backoff.js';
import type { ReplicaPlan } from './port-plan.js';
import { waitForStartup } from './startup-probe.js';

export interface ChildExit {
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SupervisedChildOptions {
  plan: ReplicaPlan;
  /** The node binary and its arguments (the cli path, `start --only <service>`). */
  command: string;
  args: string[];
  env: Environment;
  logger: Logger;
  startupTimeoutMs: number;
  backoff?: Backoff;
}

interface Running {
  process: ChildProcess;
  startedAt: number;
  exit?: ChildExit;
  exited: Promise<ChildExit>;
}

export const describeExit = (exit: ChildExit) => (exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`);

/**
 * One service process: spawned, probed until started, and — once supervised — restarted with a
 * growing delay whenever it exits on its own. It runs in a process group of its own (Ctrl-C at a
 * terminal reaches only the supervisor, which stops the services in order) and holds an IPC
 * channel, whose closing tells it the supervisor is gone.
 */
export class SupervisedChild {
  readonly plan: ReplicaPlan;
  /** The supervisor's logger, naming this child (`child`, `replica`) on every line. */
  readonly log: Logger;
  /** Restarts so far. */
  restarts = 0;
  private current: Running | undefined;
  private supervising = false;
  private stopping = false;
  private lastDelayMs: number | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly stopped = new AbortController();

  constructor(private readonly options: SupervisedChildOptions) {
    this.plan = options.plan;
    this.log = options.logger.child({ child: options.plan.service, replica: options.plan.replica });
  }

  get pid(): number | undefined {
    return this.current && !this.current.exit ? this.current.process.pid : undefined;
  }

  spawn(): void {
    const child = spawn(this.options.command, this.options.args, {
      env: { ...this.options.env, FLOWGATE_PORT: String(this.plan.port) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    let settle!: (exit: ChildExit) => void;
    const running: Running = { process: child, startedAt: Date.now(), exited: new Promise((resolve) => (settle = resolve)) };
    const finish = (exit: ChildExit) => {
      if (running.exit) return;
      running.exit = exit;
      settle(exit);
      if (this.current === running) this.exitedOnItsOwn(running, exit);
    };
    child.once('exit', (code, signal) => finish({ pid: child.pid, code, signal }));
    // Only a failed spawn: 'error' also reports signals that could not be sent to a live child.
    child.once('error', (error) => {
      if (child.pid === undefined) {
        this.log.error({ err: error }, 'service could not be spawned');
        finish({ pid: undefined, code: null, signal: null });
      }
    });
    this.current = running;
  }

  /** Resolves once the current process answers /health/startup; rejects with why it did not. */
  async waitUntilStarted(signal: AbortSignal): Promise<void> {
    const running = this.current;
    if (!running) throw new Error('not spawned');
    const gone = running.exited.then((exit) => `exited (${describeExit(exit)})`);
    await waitForStartup(this.plan.url, { timeoutMs: this.options.startupTimeoutMs, signal: AbortSignal.any([signal, this.stopped.signal]), gone });
  }

  /** From now on an exit is a crash: reported and restarted. */
  supervise(): void {
    this.supervising = true;
    const running = this.current;
    if (running?.exit) this.exitedOnItsOwn(running, running.exit);
  }

  /** No more restarts, whatever happens next. */
  holdRestarts(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.stopped.abort();
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`. Undefined when no process was running. */
  async stop(timeoutMs: number): Promise<(ChildExit & { killed: boolean }) | undefined> {
    this.holdRestarts();
    const running = this.current;
    if (!running || running.exit) return undefined;
    running.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    const exit = await Promise.race([running.exited, timedOut]);
    clearTimeout(timer);
    if (exit) return { ...exit, killed: false };
    running.process.kill('SIGKILL');
    return { ...(await running.exited), killed: true };
  }

  /** Synchronous, for the last moments of the supervisor (its `exit` handler, a second Ctrl-C). */
  kill(signal: NodeJS.Signals): void {
    this.holdRestarts();
    const running = this.current;
    if (running && !running.exit) running.process.kill(signal);
  }

  private exitedOnItsOwn(running: Running, exit: ChildExit) {
    if (!this.supervising || this.stopping) return;
    const delay = nextRestartDelay(this.lastDelayMs, Date.now() - running.startedAt, this.options.backoff ?? restartBackoff);
    this.lastDelayMs = delay;
    this.restarts += 1;
    this.log.warn({ pid: exit.pid, code: exit.code, signal: exit.signal, restarts: this.restarts, delay_ms: delay }, 'service exited: restarting');
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.spawn();
      void this.announceRestart();
    }, delay);
  }

  private async announceRestart() {
    const running = this.current;
    const { url } = this.plan;
    try {
      await this.waitUntilStarted(this.stopped.signal);
      this.log.info({ pid: running?.process.pid, url, restarts: this.restarts }, 'service restarted');
    } catch (error) {
      // An exit is reported (and restarted) by the exit handler; a stop needs no word.
      if (running?.exit || this.stopping) return;
      this.log.warn({ pid: running?.process.pid, url, reason: (error as Error).message }, 'restarted service is not ready');
    }
  }
}
