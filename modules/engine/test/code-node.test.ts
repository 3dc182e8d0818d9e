import { Value } from '@sinclair/typebox/value';
import { InputError, UnavailableError } from '@flowgate/kernel';
import { afterAll, describe, expect, it } from 'vitest';
import { createCodeNode } from '../src/nodes/code.js';
import { CodeSandbox } from '../src/sandbox/code-sandbox.js';
import { fakeNodeContext } from './support/fake-node-context.js';

const MiB = 1024 * 1024;
const sandboxes: CodeSandbox[] = [];
function sandbox(options: ConstructorParameters<typeof CodeSandbox>[0] = {}): CodeSandbox {
  const created = new CodeSandbox({ workers: 2, memoryLimitBytes: 16 * MiB, timeLimitMs: 300, ...options });
  sandboxes.push(created);
  return created;
}
afterAll(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
});

const shared = sandbox();
const run = (code: string, inputs: Record<string, unknown> = {}) => shared.run({ code, inputs }).then((result) => result.output);

/**
 * A loop whose every iteration is one long native call: QuickJS polls its interrupt handler only
 * every 10,000 iterations, so this script does not stop for ~25 s unless something kills it.
 */
const UNINTERRUPTIBLE = 'function main() { const a = new Array(1e6).fill(0); for (;;) a.indexOf(1); }';

describe('code sandbox', () => {
  it("returns main's object, with the inputs it was given as JSON", async () => {
    const inputs = { name: 'Ada', tags: ['a', 'ü', '😀'], nested: { n: 1.5, ok: true, none: null } };
    const output = await run('function main(inputs) {\n  return { greeting: "Hello " + inputs.name, echo: inputs };\n}', inputs);
    expect(output).toEqual({ greeting: 'Hello Ada', echo: inputs });
  });

  it('settles an async main', async () => {
    await expect(run('async function main({ x }) { await null; return { doubled: await Promise.resolve(x * 2) }; }', { x: 21 })).resolves.toEqual({ doubled: 42 });
  });

  it('runs each execution in a fresh context: globals do not leak between runs', async () => {
    const one = sandbox({ workers: 1 });
    const code = 'function main() { const seen = globalThis.leaked ?? null; globalThis.leaked = "from a previous run"; Object.prototype.polluted = 1; return { seen, polluted: ({}).polluted ?? null }; }';
    const first = await one.run({ code, inputs: {} });
    const second = await one.run({ code, inputs: {} });
    expect(first.output).toEqual({ seen: null, polluted: 1 });
    expect(second.output).toEqual({ seen: null, polluted: 1 });
    expect(one.stats().started).toBe(1);
  });

  it('offers no process, require, fetch or other way out', async () => {
    const output = await run('function main() { return { process: typeof process, require: typeof require, fetch: typeof fetch, std: typeof std, os: typeof os, XMLHttpRequest: typeof XMLHttpRequest, setTimeout: typeof setTimeout }; }');
    expect(output).toEqual({ process: 'undefined', require: 'undefined', fetch: 'undefined', std: 'undefined', os: 'undefined', XMLHttpRequest: 'undefined', setTimeout: 'undefined' });
    await expect(run('function main() {\n  const fs = require("fs");\n  return {};\n}')).rejects.toThrow("code threw: ReferenceError: 'require' is not defined (line 2)");
    await expect(run('function main() { return { env: process.env }; }')).rejects.toThrow(/^code threw: ReferenceError: 'process' is not defined/);
    await expect(run('function main() { return { f: Function("return this")().process ?? null }; }')).resolves.toEqual({ f: null });
  });

  it('gives console.log as a silent function, so debugging lines do not fail the node', async () => {
    await expect(run('function main() { console.log("hi"); return { ok: true }; }')).resolves.toEqual({ ok: true });
  });

  it.each([
    ['a plain loop', 'function main() { while (true) {} }'],
    ['a loop that swallows every error', 'function main() { for (;;) { try { for (;;) {} } catch (e) {} } }'],
    ['an async loop', 'async function main() { for (;;) await null; }'],
    ['catastrophic regex backtracking', 'function main() { return { m: /(a+)+$/.test("a".repeat(40) + "b") }; }'],
    ['a result whose getter loops', 'function main() { return { get x() { for (;;) {} } }; }'],
    ['a result whose toJSON loops', 'function main() { return { toJSON() { for (;;) {} } }; }'],
    ['a thrown object whose getters loop', 'function main() { throw new Proxy({}, { get() { for (;;) {} } }); }'],
  ])('stops %s at the time limit', async (_name, code) => {
    const error = await run(code).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('code exceeded its time limit of 300 ms');
  });

  describe('at the memory limit', () => {
    // A generous time limit, so that only memory can stop these scripts even on a loaded machine.
    const memory = sandbox({ workers: 1, timeLimitMs: 20_000 });

    it.each([
      ['strings', 'function main() { const a = []; for (;;) a.push("x".repeat(1e6) + a.length); }'],
      ['arrays', 'function main() { const a = []; for (;;) a.push(new Array(1e5).fill(1)); }'],
      ['small objects', 'function main() { const a = []; for (;;) a.push({ a: 1, b: [1, 2, 3] }); }'],
      ['typed arrays', 'function main() { const a = []; for (;;) a.push(new Uint8Array(1e6)); }'],
      ['one huge string', 'function main() { return { s: "x".repeat(40 * 1024 * 1024) }; }'],
      ['a huge result', 'function main() { const o = {}; for (let i = 0; ; i++) o["key" + i] = "value" + i; }'],
    ])('stops %s, and the worker serves the next run', async (_name, code) => {
      const error = await memory.run({ code, inputs: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toBe('code exceeded its memory limit of 16 MiB');
      await expect(memory.run({ code: 'function main() { return { ok: true }; }', inputs: {} })).resolves.toMatchObject({ output: { ok: true } });
      expect(memory.stats().started).toBe(1);
    });
  });

  it('stops a script that swallows its out-of-memory errors and keeps allocating at the time limit', async () => {
    const error = await run('function main() { const a = []; for (;;) { try { a.push(new Array(1e5).fill(1)); } catch (e) {} } }').catch((e: unknown) => e);
    expect((error as Error).message).toBe('code exceeded its time limit of 300 ms');
    await expect(run('function main() { return { ok: true }; }')).resolves.toEqual({ ok: true });
  });

  it('reports what the code threw, with its line', async () => {
    await expect(run('function main() {\n  throw new Error("boom");\n}')).rejects.toThrow('code threw: Error: boom (line 2)');
    await expect(run('function main() {\n  return { a: \n}')).rejects.toThrow(/^code threw: SyntaxError: .* \(line 3\)$/);
    await expect(run('function main() { throw "plain string"; }')).rejects.toThrow('code threw: plain string');
    await expect(run('function main() { return null.x; }')).rejects.toThrow(/^code threw: TypeError: /);
    await expect(run('function f() { return f() + 1; } function main() { return { n: f() }; }')).rejects.toThrow(/^code threw: InternalError: stack overflow/);
    await expect(run('async function main() { throw new RangeError("later"); }')).rejects.toThrow('code threw: RangeError: later');
    await expect(run('function main() { return { v: eval("(".repeat(1e5) + "1" + ")".repeat(1e5)) }; }')).rejects.toThrow(/^code threw: SyntaxError: stack overflow/);
    await expect(run('function main() { const a = [1]; a.push(a); return { s: String(a) }; }')).rejects.toThrow(/^code threw: InternalError: stack overflow/);
  });

  it('requires a main function', async () => {
    await expect(run('const x = 1;')).rejects.toThrow('code must define function main(inputs)');
    await expect(run('var main = 42;')).rejects.toThrow('code must define function main(inputs)');
  });

  it.each([
    ['an array', 'return [1, 2];'],
    ['null', 'return null;'],
    ['a string', 'return "text";'],
    ['undefined', 'return;'],
    ['a Date', 'return new Date(0);'],
    ['a Map', 'return new Map();'],
    ['a Thing', 'class Thing {} return new Thing();'],
  ])('fails clearly when main returns %s', async (kind, body) => {
    await expect(run(`function main() { ${body} }`)).rejects.toThrow(`main must return an object, not ${kind}`);
  });

  it('refuses results that are not JSON or too large', async () => {
    await expect(run('function main() { return { n: 10n }; }')).rejects.toThrow(/^main must return JSON-compatible data: TypeError/);
    await expect(run('function main() { const o = {}; o.self = o; return o; }')).rejects.toThrow(/^main must return JSON-compatible data: TypeError/);
    const small = sandbox({ workers: 1, maxOutputBytes: 1024 });
    await expect(small.run({ code: 'function main() { return { s: "é".repeat(600) }; }', inputs: {} })).rejects.toThrow("main's result exceeds the output limit of 1024 bytes as JSON");
    await expect(small.run({ code: 'function main() { return { s: "x".repeat(500) }; }', inputs: {} })).resolves.toBeDefined();
  });

  it('passes deeply nested inputs through, or fails clearly', async () => {
    const nested = (depth: number) => {
      let deep: unknown = 'bottom';
      for (let i = 0; i < depth; i++) deep = [deep];
      return deep;
    };
    const code = 'function main(inputs) { let d = 0, x = inputs.deep; while (Array.isArray(x)) { x = x[0]; d++; } return { d, x }; }';
    await expect(run(code, { deep: nested(1000) })).resolves.toEqual({ d: 1000, x: 'bottom' });
    const result = await run(code, { deep: nested(5000) }).catch((e: unknown) => e);
    if (result instanceof Error) {
      expect(result).toBeInstanceOf(InputError);
      expect(result.message).toMatch(/^the code's inputs (cannot|could not) be passed/);
    } else {
      expect(result).toEqual({ d: 5000, x: 'bottom' });
    }
  });

  it('refuses inputs that are not JSON before starting anything', async () => {
    await expect(shared.run({ code: 'function main() { return {}; }', inputs: { n: 1n } })).rejects.toThrow(/^the code's inputs cannot be passed as JSON/);
  });

  it('keeps the event loop free while a script runs away, and runs other scripts meanwhile', async () => {
    const pool = sandbox({ timeLimitMs: 60_000 });
    const controller = new AbortController();
    let runawaySettled = false;
    const runaway = pool.run({ code: 'function main() { for (;;) {} }', inputs: {}, signal: controller.signal }).finally(() => {
      runawaySettled = true;
    });
    // The main thread goes on: timers fire, and the other worker answers.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const other = await pool.run({ code: 'function main() { return { ok: 1 }; }', inputs: {} });
    expect(other.output).toEqual({ ok: 1 });
    expect(runawaySettled).toBe(false);
    controller.abort(new Error('cancelled by the test'));
    await expect(runaway).rejects.toThrow('cancelled by the test');
  });

  it('interrupts a running script on cancellation and keeps its worker', async () => {
    const one = sandbox({ workers: 1, timeLimitMs: 60_000 });
    await one.run({ code: 'function main() { return {}; }', inputs: {} });
    const controller = new AbortController();
    const running = one.run({ code: 'function main() { for (;;) {} }', inputs: {}, signal: controller.signal });
    await waitFor(() => one.stats().busy === 1);
    controller.abort(new Error('run cancelled'));
    await expect(running).rejects.toThrow('run cancelled');
    // The interrupt handler stopped it: the same worker answers the next run.
    await expect(one.run({ code: 'function main() { return { next: true }; }', inputs: {} })).resolves.toMatchObject({ output: { next: true } });
    expect(one.stats().started).toBe(1);
  });

  it('rejects at once when the signal is already aborted, and removes a waiting run that is cancelled', async () => {
    const one = sandbox({ workers: 1, timeLimitMs: 60_000 });
    const aborted = AbortSignal.abort(new Error('too late'));
    await expect(one.run({ code: 'function main() { return {}; }', inputs: {}, signal: aborted })).rejects.toThrow('too late');
    const blocker = new AbortController();
    const busy = one.run({ code: 'function main() { for (;;) {} }', inputs: {}, signal: blocker.signal });
    const waiting = new AbortController();
    const queued = one.run({ code: 'function main() { return {}; }', inputs: {}, signal: waiting.signal });
    await waitFor(() => one.stats().queued === 1 && one.stats().busy === 1);
    waiting.abort(new Error('left the queue'));
    await expect(queued).rejects.toThrow('left the queue');
    expect(one.stats().queued).toBe(0);
    blocker.abort(new Error('done'));
    await expect(busy).rejects.toThrow('done');
  });

  it('terminates and replaces a worker that stops answering (watchdog)', async () => {
    const one = sandbox({ workers: 1, timeLimitMs: 100, watchdogMarginMs: 200 });
    await one.run({ code: 'function main() { return {}; }', inputs: {} });
    await expect(one.run({ code: UNINTERRUPTIBLE, inputs: {} })).rejects.toThrow('code exceeded its time limit of 100 ms');
    await expect(one.run({ code: 'function main() { return { after: true }; }', inputs: {} })).resolves.toMatchObject({ output: { after: true } });
    expect(one.stats().started).toBe(2);
  });

  it('terminates a cancelled worker that does not stop', async () => {
    const one = sandbox({ workers: 1, timeLimitMs: 60_000, watchdogMarginMs: 200 });
    await one.run({ code: 'function main() { return {}; }', inputs: {} });
    const controller = new AbortController();
    const running = one.run({ code: UNINTERRUPTIBLE, inputs: {}, signal: controller.signal });
    // Past QuickJS's first interrupt poll (the script's first milliseconds), the next is ~25 s away.
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort(new Error('cancelled'));
    await expect(running).rejects.toThrow('cancelled');
    await expect(one.run({ code: 'function main() { return { after: true }; }', inputs: {} })).resolves.toMatchObject({ output: { after: true } });
    expect(one.stats().started).toBe(2);
  });

  it('refuses new runs with a clear error when the queue is full', async () => {
    const one = sandbox({ workers: 1, maxQueued: 1, timeLimitMs: 60_000 });
    const controller = new AbortController();
    const loop = { code: 'function main() { for (;;) {} }', inputs: {}, signal: controller.signal };
    const running = one.run(loop);
    await waitFor(() => one.stats().busy === 1);
    const queued = one.run(loop);
    const refused = await one.run(loop).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnavailableError);
    expect((refused as Error).message).toBe('the code sandbox is busy: 1 executions are already waiting');
    controller.abort(new Error('stop'));
    await expect(running).rejects.toThrow('stop');
    await expect(queued).rejects.toThrow('stop');
  });

  it('counts workers still to start as room, so a pool with no queue serves its first runs', async () => {
    const unqueued = sandbox({ workers: 2, maxQueued: 0 });
    const code = 'function main() { return { ok: true }; }';
    await expect(Promise.all([unqueued.run({ code, inputs: {} }), unqueued.run({ code, inputs: {} })])).resolves.toHaveLength(2);
    await expect(Promise.all([1, 2, 3].map(() => unqueued.run({ code, inputs: {} })))).rejects.toThrow('the code sandbox is busy');
  });

  it('keeps concurrent runs apart', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => run('function main({ i }) { let s = 0; for (let k = 0; k < 1000; k++) s += k; return { i, s }; }', { i })));
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => ({ i, s: 499500 })));
  });

  it('fails runs after close', async () => {
    const closing = sandbox({ workers: 1 });
    await closing.run({ code: 'function main() { return {}; }', inputs: {} });
    await closing.close();
    await expect(closing.run({ code: 'function main() { return {}; }', inputs: {} })).rejects.toThrow('the code sandbox is shut down');
  });
});

describe('code node', () => {
  const node = createCodeNode(shared);

  it('runs the raw code with the resolved inputs and outputs the returned object', async () => {
    const context = fakeNodeContext({ language: 'javascript' as const, code: 'function main({ a, b }) { return { sum: a + b }; }', inputs: { a: 2, b: 3 } });
    await expect(node.execute(context)).resolves.toEqual({ sum: 5 });
    expect(node.raw).toEqual(['code']);
  });

  it('passes an empty object when the node has no inputs', async () => {
    const context = fakeNodeContext({ language: 'javascript' as const, code: 'function main(inputs) { return { keys: Object.keys(inputs) }; }' });
    await expect(node.execute(context)).resolves.toEqual({ keys: [] });
  });

  it('stops when the node is cancelled', async () => {
    const controller = new AbortController();
    const context = fakeNodeContext({ language: 'javascript' as const, code: 'function main() { for (;;) {} }' }, { signal: controller.signal });
    const running = createCodeNode(sandbox({ timeLimitMs: 60_000 })).execute(context);
    setTimeout(() => controller.abort(new Error('node cancelled')), 20);
    await expect(running).rejects.toThrow('node cancelled');
  });

  it('has a data schema for javascript only, and flags code without main', () => {
    expect(Value.Check(node.data, { language: 'javascript', code: 'function main() {}', inputs: { x: '{{ start.x }}' } })).toBe(true);
    expect(Value.Check(node.data, { language: 'python', code: 'def main(): pass' })).toBe(false);
    expect(node.validate?.({ language: 'javascript', code: 'return 1' })).toEqual([{ path: '/code', message: 'must define function main(inputs)' }]);
    expect(node.validate?.({ language: 'javascript', code: 'function main() {}' })).toEqual([]);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
