// A code sandbox worker thread: loads QuickJS's WebAssembly once, then runs one script at a time,
// each in a fresh QuickJS runtime and context that is disposed afterwards.
//
// This file must stay one self-contained module: under Vitest the pool runs it from its
// TypeScript source as a data: URL (see worker-entry.ts), where relative and bare imports do not
// resolve. Hence only `node:` imports, `import type`, and quickjs-emscripten loaded from the path
// the pool passes in.
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import type { FailureReason, RunMessage, RunOutcome, SandboxWorkerData, WorkerMessage } from './protocol.js';

const settings = workerData as SandboxWorkerData;
const control = new Int32Array(settings.control);
const WASM_PAGE = 65_536;
// The project's lib (ES2023, no DOM) does not declare WebAssembly.Memory; this is all we use of it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory } }).WebAssembly.Memory;
// Below the heap the QuickJS build keeps its static data and a ~5 MiB C stack.
const RESERVED_BYTES = 8 * 1024 * 1024;

/**
 * Evaluated in each fresh context before the user's code: it keeps the builtins it needs, so a
 * script that replaces `JSON` cannot change how its own result is checked, and gives scripts a
 * silent `console` (there is nowhere for output to go).
 */
const PRELUDE = `(() => {
  const parse = JSON.parse, stringify = JSON.stringify, getPrototypeOf = Object.getPrototypeOf;
  const isArray = Array.isArray, objectPrototype = Object.prototype, InternalErrorClass = InternalError;
  const silent = () => undefined;
  globalThis.console = { log: silent, info: silent, warn: silent, error: silent, debug: silent };
  const kindOf = (value) => {
    if (value === null) return 'null';
    if (isArray(value)) return 'an array';
    if (typeof value !== 'object') return typeof value === 'undefined' ? 'undefined' : 'a ' + typeof value;
    try { return 'a ' + (getPrototypeOf(value).constructor.name || 'non-plain object'); } catch { return 'a non-plain object'; }
  };
  return {
    parse: (text) => parse(text),
    finish: (value, maxLength) => {
      if (value === null || typeof value !== 'object' || isArray(value)) return ['not_object', kindOf(value)];
      const prototype = getPrototypeOf(value);
      if (prototype !== objectPrototype && prototype !== null) return ['not_object', kindOf(value)];
      let text;
      try {
        text = stringify(value);
      } catch (error) {
        if (error instanceof InternalErrorClass) throw error;
        return ['not_json', String(error)];
      }
      if (text.length > maxLength) return ['output_too_large', ''];
      return text;
    },
  };
})()`;

async function loadQuickJS(): Promise<{ quickjs: QuickJSWASMModule; memory: WasmMemory }> {
  const library = (await import(pathToFileURL(settings.quickjsPath).href)) as typeof import('quickjs-emscripten');
  // Why a memory of our own: in this build runtime.setMemoryLimit() counts allocations rather than
  // bytes (emscripten has no malloc_usable_size), so a script could grow the heap to 2 GiB under a
  // 64 MiB limit. A WebAssembly.Memory with a maximum is a hard cap: growing past it fails, malloc
  // returns NULL and QuickJS throws "out of memory". One instance runs one script at a time.
  const maximum = Math.max(256, Math.ceil((RESERVED_BYTES + settings.memoryLimitBytes) / WASM_PAGE));
  const memory = new WasmMemory({ initial: 256, maximum });
  const quickjs = await library.newQuickJSWASMModuleFromVariant(library.newVariant(library.RELEASE_SYNC, { wasmMemory: memory }));
  return { quickjs, memory };
}

/** Runs one script; everything it allocates goes with its runtime. */
function execute(quickjs: QuickJSWASMModule, message: RunMessage): Extract<WorkerMessage, { type: 'done' }> {
  const started = performance.now();
  // Set by the interrupt handler; an object so that the reads below are not narrowed away.
  const stop: { reason: 'time_limit' | 'cancelled' | null; deadline: number } = { reason: null, deadline: Infinity };
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(settings.memoryLimitBytes);
  runtime.setMaxStackSize(settings.stackLimitBytes);
  runtime.setInterruptHandler(() => {
    if (Atomics.load(control, 0) !== 0) stop.reason = 'cancelled';
    else if (performance.now() > stop.deadline) stop.reason = 'time_limit';
    return stop.reason !== null;
  });
  const context = runtime.newContext();
  const ready = performance.now();
  stop.deadline = ready + message.timeLimitMs;

  let outcome: RunOutcome;
  let recycle = false;
  try {
    outcome = runScript(context, runtime, message, () => stop.reason);
  } catch (error) {
    // Not a script error but a failure of the interpreter itself (a WebAssembly trap, the native
    // stack): the instance may be damaged, so it is not touched again and this worker is replaced.
    recycle = true;
    outcome = hostFailure(error, stop.reason);
  }
  const finished = performance.now();
  if (!recycle) {
    try {
      context.dispose();
      runtime.dispose();
    } catch {
      recycle = true;
    }
  }
  const disposed = performance.now();
  return { type: 'done', id: message.id, outcome, contextMs: ready - started + (disposed - finished), scriptMs: finished - ready, recycle };
}

function runScript(context: QuickJSContext, runtime: QuickJSRuntime, message: RunMessage, interrupted: () => FailureReason | null): RunOutcome {
  const handles: QuickJSHandle[] = [];
  const keep = (handle: QuickJSHandle): QuickJSHandle => {
    handles.push(handle);
    return handle;
  };
  const fail = (fallback: FailureReason, error: QuickJSHandle): RunOutcome => failure(context, fallback, keep(error), interrupted);
  try {
    // 1. The prelude, before any user code runs.
    const prelude = context.evalCode(PRELUDE, 'flowgate-prelude.js');
    if (prelude.error) return fail('sandbox_failed', prelude.error);
    const helpers = keep(prelude.value);
    const parse = keep(context.getProp(helpers, 'parse'));
    const finish = keep(context.getProp(helpers, 'finish'));

    // 2. The user's code, as a classic script: `function main` becomes a global.
    const evaluated = context.evalCode(message.code, 'code.js');
    if (evaluated.error) return fail('threw', evaluated.error);
    keep(evaluated.value);
    const main = keep(context.getProp(context.global, 'main'));
    if (context.typeof(main) !== 'function') return { ok: false, reason: 'no_main', message: '' };

    // 3. Inputs cross as JSON text, parsed inside.
    const parsed = context.callFunction(parse, context.undefined, keep(context.newString(message.inputs)));
    if (parsed.error) return fail('bad_inputs', parsed.error);
    const inputs = keep(parsed.value);

    // 4. main(inputs); an async main is settled by running the runtime's job queue here.
    const called = context.callFunction(main, context.undefined, inputs);
    if (called.error) return fail('threw', called.error);
    let result = keep(called.value);
    if (context.typeof(result) === 'object') {
      while (runtime.hasPendingJob()) {
        const jobs = runtime.executePendingJobs();
        if (jobs.error) return fail('threw', jobs.error);
      }
      const state = context.getPromiseState(result);
      if (state.type === 'rejected') return fail('threw', state.error);
      if (state.type === 'pending') return { ok: false, reason: 'threw', message: "main's promise never settled" };
      if (!state.notAPromise) result = keep(state.value);
    }

    // 5. The result must be a plain object; it leaves as JSON text, bounded in size.
    const finished = context.callFunction(finish, context.undefined, result, keep(context.newNumber(settings.maxOutputBytes)));
    if (finished.error) return fail('threw', finished.error);
    const checked = keep(finished.value);
    if (context.typeof(checked) === 'string') {
      const output = context.getString(checked);
      if (Buffer.byteLength(output) > settings.maxOutputBytes) return { ok: false, reason: 'output_too_large', message: '' };
      return { ok: true, output };
    }
    const [reason, detail] = context.dump(checked) as [FailureReason, string];
    return { ok: false, reason, message: detail };
  } finally {
    for (const handle of handles.reverse()) if (handle.alive) handle.dispose();
  }
}

function hostFailure(error: unknown, interrupted: FailureReason | null): RunOutcome {
  if (interrupted !== null) return { ok: false, reason: interrupted, message: '' };
  // Some native paths (the parser, deep JSON) recurse on the thread's stack faster than QuickJS's
  // own stack limit notices: still the script's doing.
  if (error instanceof RangeError && /call stack/i.test(error.message)) return { ok: false, reason: 'threw', message: 'InternalError: stack overflow' };
  return { ok: false, reason: 'sandbox_failed', message: error instanceof Error ? error.message : String(error) };
}

/** What a thrown value means: an interrupt, the memory cap, or the script's own error. */
function failure(context: QuickJSContext, fallback: FailureReason, error: QuickJSHandle, interrupted: () => FailureReason | null): RunOutcome {
  const because = (reason: FailureReason): RunOutcome => ({ ok: false, reason, message: '' });
  let thrown: unknown;
  try {
    // Reading a thrown object runs its getters, which may loop until interrupted too.
    thrown = interrupted() === null ? context.dump(error) : undefined;
  } catch {
    // Reading the error needs memory too; when even that fails the heap is exhausted.
    return because(interrupted() ?? 'memory_limit');
  }
  const stopped = interrupted();
  if (stopped !== null) return because(stopped);
  // QuickJS throws null when it cannot allocate the error object itself.
  if (thrown === null || (isErrorLike(thrown) && thrown.name === 'InternalError' && thrown.message === 'out of memory')) return because('memory_limit');
  return { ok: false, reason: fallback, message: describeThrown(thrown) };
}

interface ErrorLike {
  name: string;
  message: string;
  stack?: string;
  lineNumber?: number;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as ErrorLike).name === 'string' && typeof (value as ErrorLike).message === 'string';
}

function describeThrown(thrown: unknown): string {
  if (isErrorLike(thrown)) {
    const line = thrown.lineNumber ?? Number(/code\.js:(\d+)/.exec(thrown.stack ?? '')?.[1] ?? Number.NaN);
    return `${thrown.name}: ${thrown.message}${Number.isFinite(line) ? ` (line ${line})` : ''}`;
  }
  const text = typeof thrown === 'string' ? thrown : JSON.stringify(thrown) ?? String(thrown);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

const port = parentPort;
if (port === null) throw new Error('sandbox-worker.ts runs as a worker thread');
const { quickjs } = await loadQuickJS();
port.on('message', (message: RunMessage) => {
  const done = execute(quickjs, message);
  port.postMessage(done satisfies WorkerMessage);
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
