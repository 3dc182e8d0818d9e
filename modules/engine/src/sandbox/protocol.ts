// The messages between the code sandbox pool (main thread) and its QuickJS workers. Types only:
// the worker imports this file with `import type`, so it stays a single self-contained module.

/** Fixed for a worker's life: its WebAssembly memory is sized from these once. */
export interface SandboxWorkerData {
  /** File path of quickjs-emscripten's entry, resolved by the pool. */
  quickjsPath: string;
  memoryLimitBytes: number;
  /** QuickJS's own stack limit, kept well inside the worker thread's native stack. */
  stackLimitBytes: number;
  maxOutputBytes: number;
  /**
   * One Int32 cell shared with the pool: the pool stores 1 to interrupt the script in flight
   * (cancellation). The worker is busy in synchronous QuickJS code and cannot read messages then;
   * its interrupt handler reads this cell instead.
   */
  control: SharedArrayBuffer;
}

export interface RunMessage {
  type: 'run';
  id: number;
  code: string;
  /** The inputs, already JSON: they cross into QuickJS as a string and are parsed there. */
  inputs: string;
  timeLimitMs: number;
}

/** Why a script produced no output; each becomes one clear node error in the pool. */
export type FailureReason =
  | 'time_limit'
  | 'memory_limit'
  | 'cancelled'
  | 'threw'
  | 'no_main'
  | 'not_object'
  | 'not_json'
  | 'output_too_large'
  | 'bad_inputs'
  | 'sandbox_failed';

export type RunOutcome =
  | { ok: true; output: string }
  | { ok: false; reason: FailureReason; message: string };

export type WorkerMessage =
  | { type: 'ready' }
  | {
      type: 'done';
      id: number;
      outcome: RunOutcome;
      /** Creating and disposing the fresh runtime and context, and running the script. */
      contextMs: number;
      scriptMs: number;
      /** The WebAssembly instance may be damaged (a trap); the pool replaces this worker. */
      recycle: boolean;
    };
