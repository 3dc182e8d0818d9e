import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InputError, UnavailableError } from '@flowgate/kernel';
import type { RunMessage, RunOutcome, SandboxWorkerData, WorkerMessage } from './protocol.js';
import { quickjsEntryPath, sandboxWorkerUrl } from './worker-entry.js';

const MiB = 1024 * 1024;

export interface CodeSandboxOptions {
  /** Worker threads, each running one script at a time. Default: the machine's cores. */
  workers?: number;
  /** Executions that may wait for a busy pool; past them `run` fails at once. Default 100. */
  maxQueued?: number;
  /** The heap of one execution. Default 64 MiB. */
  memoryLimitBytes?: number;
  /** Wall time of one execution once it has a worker. Default 1000 ms. */
  timeLimitMs?: number;
  /** The size of `main`'s result as JSON. Default 4 MiB. */
  maxOutputBytes?: number;
  /** How long past the time limit a silent worker is given before it is terminated. Default 1000 ms. */
  watchdogMarginMs?: number;
}

export interface CodeRequest {
  /** JavaScript defining `function main(inputs)`. */
  code: string;
  inputs: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface CodeResult {
  output: Record<string, unknown>;
  /** Creating and disposing the execution's fresh QuickJS runtime and context. */
  contextMs: number;
  scriptMs: number;
}

export interface CodeSandboxStats {
  workers: number;
  busy: number;
  queued: number;
  /** Workers started since creation: replacements of terminated workers show here. */
  started: number;
}

interface Job {
  id: number;
  code: string;
  inputs: string;
  signal: AbortSignal | undefined;
  settled: boolean;
  resolve(result: CodeResult): void;
  reject(error: unknown): void;
  onAbort(): void;
}

interface Slot {
  /** Absent only while the worker's code is being located (the first start under Vitest). */
  worker: Worker | undefined;
  control: Int32Array;
  ready: boolean;
  retired: boolean;
  job: Job | null;
  watchdog: NodeJS.Timeout | undefined;
}

// QuickJS's stack limit, well inside the worker thread's native stack (WORKER_STACK_MB): each
// QuickJS frame also uses native stack, and the parser and JSON recurse natively faster than
// QuickJS counts; with 8 MiB a deeply nested eval() overflowed the native stack first, with 32 MiB
// QuickJS's "stack overflow" comes first in every case tried. The worker treats a native overflow
// as a stack overflow of the script anyway, and replaces itself.
const QUICKJS_STACK_BYTES = 512 * 1024;
const WORKER_STACK_MB = 32;

/**
 * Runs untrusted JavaScript in QuickJS, one fresh runtime per execution, on a pool of worker
 * threads: a script that loops or allocates without bound costs a worker, never the event loop.
 * Each execution has a memory cap, a time limit enforced by QuickJS's interrupt handler, and a
 * watchdog that terminates and replaces a worker that stops answering. Waiting executions are
 * bounded; past the bound `run` fails at once (back-pressure) rather than queueing without end.
 */
export class CodeSandbox {
  readonly memoryLimitBytes: number;
  readonly timeLimitMs: number;
  readonly maxOutputBytes: number;
  private readonly size: number;
  private readonly maxQueued: number;
  private readonly watchdogMarginMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private started = 0;
  private closed = false;

  constructor(options: CodeSandboxOptions = {}) {
    this.size = Math.max(1, options.workers ?? availableParallelism());
    this.maxQueued = Math.max(0, options.maxQueued ?? 100);
    this.memoryLimitBytes = options.memoryLimitBytes ?? 64 * MiB;
    this.timeLimitMs = options.timeLimitMs ?? 1000;
    this.maxOutputBytes = options.maxOutputBytes ?? 4 * MiB;
    this.watchdogMarginMs = options.watchdogMarginMs ?? 1000;
  }

  /** Calls the code's `main(inputs)` and returns its result, or fails with a clear error. */
  run(request: CodeRequest): Promise<CodeResult> {
    if (this.closed) return Promise.reject(new UnavailableError('the code sandbox is shut down'));
    if (request.signal?.aborted) return Promise.reject(request.signal.reason);
    let inputs: string;
    try {
      inputs = JSON.stringify(request.inputs);
    } catch (error) {
      return Promise.reject(new InputError(`the code's inputs cannot be passed as JSON: ${(error as Error).message}`));
    }
    // Waiting beyond what idle, starting and not yet started workers will take at once.
    const capacity = this.size - this.slots.filter((slot) => slot.job !== null).length;
    if (this.queue.length >= this.maxQueued + capacity) {
      return Promise.reject(new UnavailableError(`the code sandbox is busy: ${this.queue.length} executions are already waiting`, { retryAfterSeconds: 1 }));
    }
    return new Promise<CodeResult>((resolve, reject) => {
      const job: Job = {
        id: this.nextId++,
        code: request.code,
        inputs,
        signal: request.signal,
        settled: false,
        resolve: (result) => this.settle(job, () => resolve(result)),
        reject: (error) => this.settle(job, () => reject(error)),
        onAbort: () => this.abort(job),
      };
      request.signal?.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  stats(): CodeSandboxStats {
    return { workers: this.slots.length, busy: this.slots.filter((slot) => slot.job !== null).length, queued: this.queue.length, started: this.started };
  }

  /** Terminates every worker; waiting and running executions fail. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new UnavailableError('the code sandbox is shutting down');
    for (const job of this.queue.splice(0)) job.reject(error);
    await Promise.all(this.slots.slice().map((slot) => this.retire(slot, error)));
  }

  private settle(job: Job, done: () => void): void {
    if (job.settled) return;
    job.settled = true;
    job.signal?.removeEventListener('abort', job.onAbort);
    done();
  }

  private idleSlot(): Slot | undefined {
    return this.slots.find((slot) => slot.ready && slot.job === null);
  }

  /** Hands waiting jobs to idle workers, and starts workers while jobs wait and the pool has room. */
  private pump(): void {
    for (let slot = this.idleSlot(); slot !== undefined && this.queue.length > 0; slot = this.idleSlot()) {
      this.dispatch(slot, this.queue.shift()!);
    }
    const starting = this.slots.filter((slot) => !slot.ready).length;
    for (let wanted = this.queue.length - starting; wanted > 0 && this.slots.length < this.size; wanted--) {
      void this.spawn();
    }
  }

  private async spawn(): Promise<void> {
    const control = new Int32Array(new SharedArrayBuffer(4));
    const workerData: SandboxWorkerData = {
      quickjsPath: quickjsEntryPath(),
      memoryLimitBytes: this.memoryLimitBytes,
      stackLimitBytes: QUICKJS_STACK_BYTES,
      maxOutputBytes: this.maxOutputBytes,
      control: control.buffer as SharedArrayBuffer,
    };
    // The slot is counted before the (once-per-process) URL lookup so pump() does not over-spawn.
    const slot: Slot = { worker: undefined, control, ready: false, retired: false, job: null, watchdog: undefined };
    this.slots.push(slot);
    this.started++;
    let url: URL;
    try {
      url = await sandboxWorkerUrl();
    } catch (error) {
      this.failToStart(slot, error);
      return;
    }
    if (slot.retired) return;
    const worker = new Worker(url, { workerData, resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
    slot.worker = worker;
    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onWorkerGone(slot, error));
    worker.on('exit', (code) => this.onWorkerGone(slot, new Error(`the worker exited with code ${code}`)));
  }

  private dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    Atomics.store(slot.control, 0, 0);
    slot.worker?.ref();
    slot.worker?.postMessage({ type: 'run', id: job.id, code: job.code, inputs: job.inputs, timeLimitMs: this.timeLimitMs } satisfies RunMessage);
    // The interrupt handler stops a script in time; this is for a worker stuck where it is not
    // called (a long native operation) or wedged for any other reason.
    slot.watchdog = setTimeout(() => void this.retire(slot, this.timeLimitError()), this.timeLimitMs + this.watchdogMarginMs);
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    if (slot.retired) return;
    if (message.type === 'ready') {
      slot.ready = true;
      if (slot.job === null) slot.worker?.unref();
      this.pump();
      return;
    }
    clearTimeout(slot.watchdog);
    const job = slot.job;
    slot.job = null;
    if (job !== null && job.id === message.id) this.finish(job, message.outcome, message.contextMs, message.scriptMs);
    if (message.recycle) {
      void this.retire(slot, new UnavailableError('the code sandbox worker was replaced'));
    } else {
      slot.worker?.unref();
    }
    this.pump();
  }

  private finish(job: Job, outcome: RunOutcome, contextMs: number, scriptMs: number): void {
    if (!outcome.ok) {
      job.reject(this.failureError(outcome));
      return;
    }
    const output = JSON.parse(outcome.output) as unknown;
    if (output === null || typeof output !== 'object' || Array.isArray(output)) {
      job.reject(new InputError('main must return an object'));
      return;
    }
    job.resolve({ output: output as Record<string, unknown>, contextMs, scriptMs });
  }

  private abort(job: Job): void {
    const reason: unknown = job.signal?.reason;
    const waiting = this.queue.indexOf(job);
    if (waiting >= 0) {
      this.queue.splice(waiting, 1);
      job.reject(reason);
      return;
    }
    const slot = this.slots.find((candidate) => candidate.job === job);
    job.reject(reason);
    if (slot === undefined) return;
    // The worker is inside synchronous QuickJS code: its interrupt handler reads this cell. The
    // slot stays busy until the worker answers, or the watchdog ends it.
    Atomics.store(slot.control, 0, 1);
    clearTimeout(slot.watchdog);
    slot.watchdog = setTimeout(() => void this.retire(slot, reason), this.watchdogMarginMs);
  }

  private onWorkerGone(slot: Slot, error: Error): void {
    if (slot.retired) return;
    if (!slot.ready) {
      this.failToStart(slot, error);
      return;
    }
    void this.retire(slot, new UnavailableError(`the code sandbox worker failed: ${error.message}`, { cause: error }));
    this.pump();
  }

  /**
   * A worker that cannot start would fail the same way again: the waiting jobs fail with the
   * reason instead of the pool starting workers in a loop.
   */
  private failToStart(slot: Slot, error: unknown): void {
    const failure = new UnavailableError(`the code sandbox could not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    if (this.slots.every((other) => other === slot || !other.ready)) for (const job of this.queue.splice(0)) job.reject(failure);
    void this.retire(slot, failure);
  }

  /** Removes a worker for good (terminating it), failing its job with `error`, then refills the pool. */
  private async retire(slot: Slot, error: unknown): Promise<void> {
    if (slot.retired) return;
    slot.retired = true;
    clearTimeout(slot.watchdog);
    this.slots.splice(this.slots.indexOf(slot), 1);
    slot.job?.reject(error);
    slot.job = null;
    if (!this.closed) this.pump();
    if (slot.worker !== undefined) await slot.worker.terminate();
  }

  private timeLimitError(): InputError {
    return new InputError(`code exceeded its time limit of ${this.timeLimitMs} ms`, { details: { reason: 'time_limit' } });
  }

  private failureError(outcome: Extract<RunOutcome, { ok: false }>): Error {
    const details = { reason: outcome.reason };
    switch (outcome.reason) {
      case 'time_limit':
        return this.timeLimitError();
      case 'memory_limit':
        return new InputError(`code exceeded its memory limit of ${formatBytes(this.memoryLimitBytes)}`, { details });
      case 'threw':
        return new InputError(`code threw: ${outcome.message}`, { details });
      case 'no_main':
        return new InputError('code must define function main(inputs)', { details });
      case 'not_object':
        return new InputError(`main must return an object, not ${outcome.message}`, { details });
      case 'not_json':
        return new InputError(`main must return JSON-compatible data: ${outcome.message}`, { details });
      case 'output_too_large':
        return new InputError(`main's result exceeds the output limit of ${formatBytes(this.maxOutputBytes)} as JSON`, { details });
      case 'bad_inputs':
        return new InputError(`the code's inputs could not be passed to it: ${outcome.message}`, { details });
      case 'cancelled':
        return new UnavailableError('the code was cancelled');
      case 'sandbox_failed':
        return new UnavailableError(`the code sandbox failed: ${outcome.message}`);
    }
  }
}

function formatBytes(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}
