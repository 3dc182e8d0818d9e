import { describe, expect, it } from 'vitest';
import { compileGraph } from '../src/execution/plan.js';
import { NodeTimeoutError } from '../src/execution/attempts.js';
import { toStreamEvent, type RunEvent } from '../src/execution/events.js';
import { aborted, createTestWorld, deferred, eventNames, graphOf, nodeFinished, run } from './engine-fixtures.js';

const startNode = (inputs: unknown[] = []) => ({ id: 'start', type: 'start', data: { inputs } });
const end = (id: string, outputs: Record<string, unknown>) => ({ id, type: 'end', data: { outputs } });
const wait = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'test_wait', data: { key: id }, ...extra });

describe('executeGraph: a run', () => {
  it("runs API.md's example and reports its events in order, with their exact fields", async () => {
    const { catalog } = createTestWorld();
    const graph = graphOf(
      [
        startNode([{ name: 'name', type: 'string', required: true }]),
        { id: 'greet', type: 'template', data: { template: 'Hello {{ start.name }}' } },
        end('end', { greeting: '{{ greet.output }}' }),
      ],
      ['start->greet', 'greet->end'],
    );
    const { result, events } = await run(graph, catalog, { inputs: { name: 'Ada' } });

    expect(result).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello Ada' }, error: null });
    expect(result.elapsed_ms).toBeGreaterThanOrEqual(0);
    expect(eventNames(events)).toEqual([
      'run_started',
      'node_started:start',
      'node_finished:start',
      'node_started:greet',
      'node_finished:greet',
      'node_started:end',
      'node_finished:end',
      'run_finished',
    ]);
    expect(events[0]).toEqual({ event: 'run_started', data: { run_id: 'run_1', workflow_id: 'wf_1', version: 1, started_at: result.started_at } });
    expect(Object.keys(events[1]!.data).sort()).toEqual(['node_id', 'node_type', 'run_id', 'started_at']);
    expect(nodeFinished(events, 'greet')).toMatchObject({
      run_id: 'run_1',
      node_id: 'greet',
      node_type: 'template',
      status: 'succeeded',
      outputs: { output: 'Hello Ada' },
      error: null,
      inputs: { template: 'Hello {{ start.name }}' },
      attempts: 1,
    });
    expect(events.at(-1)).toEqual({
      event: 'run_finished',
      data: { run_id: 'run_1', status: 'succeeded', outputs: { greeting: 'Hello Ada' }, error: null, elapsed_ms: result.elapsed_ms, finished_at: result.finished_at },
    });
    // Streamed, node_finished carries exactly API.md's fields.
    expect(Object.keys(toStreamEvent(events[4]!)!.data).sort()).toEqual(['elapsed_ms', 'error', 'node_id', 'node_type', 'outputs', 'run_id', 'status']);
  });

  it('resolves references keeping types, applies input defaults, and reads env', async () => {
    const { catalog } = createTestWorld();
    const graph = graphOf(
      [
        startNode([{ name: 'n', type: 'number', default: 2 }, { name: 'tags', type: 'array', required: true }]),
        { id: 'vars', type: 'variable_assign', data: { values: { n: '{{ start.n }}', first: '{{ start.tags.0 }}', text: '{{ env.REGION }}:{{ start.tags }}' } } },
        end('end', { n: '{{ vars.n }}', first: '{{ vars.first }}', text: '{{ vars.text }}', literal: 7 }),
      ],
      ['start->vars', 'vars->end'],
    );
    const { result } = await run(graph, catalog, { inputs: { tags: ['a', 'b'], ignored: 1 }, env: { REGION: 'eu' } });
    expect(result.outputs).toEqual({ n: 2, first: 'a', text: 'eu:["a","b"]', literal: 7 });
  });

  it('runs a compiled graph many times, each run with its own inputs', async () => {
    const { catalog } = createTestWorld();
    const compiled = compileGraph(
      graphOf([startNode([{ name: 'x', type: 'string' }]), end('end', { x: '{{ start.x }}' })], ['start->end']),
      catalog,
    );
    const [a, b] = await Promise.all([run(compiled, catalog, { inputs: { x: 'a' } }), run(compiled, catalog, { inputs: { x: 'b' } })]);
    expect([a.result.outputs, b.result.outputs]).toEqual([{ x: 'a' }, { x: 'b' }]);
  });

  it('fails, without throwing, on an invalid graph or invalid inputs', async () => {
    const { catalog } = createTestWorld();
    const bad = await run({ nodes: [], edges: [] }, catalog);
    expect(bad.result).toMatchObject({ status: 'failed', error: 'invalid graph: /nodes: must have exactly one start node (has none); /nodes: must have at least one end node' });
    expect(eventNames(bad.events)).toEqual(['run_started', 'run_finished']);

    const graph = graphOf([startNode([{ name: 'name', type: 'string', required: true }]), end('end', {})], ['start->end']);
    const missing = await run(graph, catalog, { inputs: {} });
    expect(missing.result).toMatchObject({ status: 'failed', error: 'invalid inputs: /inputs/name: is required (string)' });
  });

  it('lets a sub-graph read the variables its caller puts in scope', async () => {
    const { catalog } = createTestWorld();
    const graph = graphOf([startNode(), end('end', { line: '{{ index }}: {{ item.name }} (of {{ outer.output }})' })], ['start->end']);
    const { result } = await run(graph, catalog, { scope: { item: { name: 'x' }, index: 2, outer: { output: 'list' } } });
    expect(result.outputs).toEqual({ line: '2: x (of list)' });
  });

  it('refuses to run deeper than its depth limit', async () => {
    const { catalog } = createTestWorld();
    const { result } = await run(graphOf([startNode(), end('end', {})], ['start->end']), catalog, { depth: 4, maxDepth: 3 });
    expect(result).toMatchObject({ status: 'failed', error: 'runs nest deeper than 3 levels' });
  });

  it('fails a node whose data no longer fits its schema once references are resolved', async () => {
    const { catalog } = createTestWorld();
    const graph = graphOf(
      [startNode([{ name: 'x', type: 'object' }]), { id: 'greet', type: 'template', data: { template: '{{ start.x }}' } }, { id: 'check', type: 'if_else', data: { conditions: '{{ start.x }}' } }, end('end', {})],
      ['start->greet', 'greet->check', 'check-true->end'],
    );
    // `conditions` must be an array: the schema refuses a reference string when the graph is saved.
    expect(() => compileGraph(graph, catalog)).toThrow('the graph is invalid');
    const vars = graphOf(
      [startNode([{ name: 'x', type: 'object' }]), { id: 'greet', type: 'test_wait', data: { key: '{{ start.x }}' } }, end('end', {})],
      ['start->greet', 'greet->end'],
    );
    const { result } = await run(vars, catalog, { inputs: { x: { a: 1 } } });
    expect(result).toMatchObject({ status: 'failed', error: 'node greet failed: data/key is invalid once references are resolved: Expected string' });
  });
});

describe('executeGraph: scheduling', () => {
  it('runs independent branches concurrently', async () => {
    const { catalog, hooks } = createTestWorld();
    const aStarted = deferred();
    const bStarted = deferred();
    // Each branch finishes only once the other has started: run one after the other, this deadlocks.
    hooks.set('a', async () => {
      aStarted.resolve();
      await bStarted.promise;
      return { value: 'a' };
    });
    hooks.set('b', async () => {
      bStarted.resolve();
      await aStarted.promise;
      return { value: 'b' };
    });
    const graph = graphOf([startNode(), wait('a'), wait('b'), end('end', { a: '{{ a.value }}', b: '{{ b.value }}' })], ['start->a', 'start->b', 'a->end', 'b->end']);
    const { result, events } = await run(graph, catalog, { runTimeoutMs: 10_000 });
    expect(result).toMatchObject({ status: 'succeeded', outputs: { a: 'a', b: 'b' } });
    const names = eventNames(events);
    expect(names.indexOf('node_started:b')).toBeLessThan(names.indexOf('node_finished:a'));
  });

  it('starts a join only when every incoming node has finished', async () => {
    const { catalog, hooks } = createTestWorld();
    const release = deferred();
    hooks.set('slow', async () => {
      await release.promise;
      return { value: 'slow' };
    });
    hooks.set('fast', async () => {
      queueMicrotask(() => setImmediate(release.resolve));
      return { value: 'fast' };
    });
    const graph = graphOf([startNode(), wait('fast'), wait('slow'), { id: 'join', type: 'variable_assign', data: { values: { v: '{{ fast.value }}{{ slow.value }}' } } }, end('end', { v: '{{ join.v }}' })], [
      'start->fast',
      'start->slow',
      'fast->join',
      'slow->join',
      'join->end',
    ]);
    const { result, events } = await run(graph, catalog);
    expect(result.outputs).toEqual({ v: 'fastslow' });
    const names = eventNames(events);
    expect(names.indexOf('node_finished:slow')).toBeLessThan(names.indexOf('node_started:join'));
  });

  function branching() {
    return graphOf(
      [
        startNode([{ name: 'flag', type: 'boolean', required: true }]),
        { id: 'check', type: 'if_else', data: { conditions: [{ left: '{{ start.flag }}', op: 'eq', right: true }] } },
        { id: 'yes', type: 'variable_assign', data: { values: { said: 'yes' } } },
        { id: 'no', type: 'variable_assign', data: { values: { said: 'no' } } },
        { id: 'join', type: 'variable_assign', data: { values: { said: '{{ yes.said }}{{ no.said }}' } } },
        { id: 'never', type: 'variable_assign', data: { values: {} } },
        end('end', { said: '{{ join.said }}', never: '{{ never }}' }),
      ],
      ['start->check', 'check-true->yes', 'check-false->no', 'yes->join', 'no->join', 'no->never', 'never->end', 'join->end'],
    );
  }

  it('follows the branch an if_else takes and skips the other, downstream included', async () => {
    const { catalog } = createTestWorld();
    const { result, events } = await run(branching(), catalog, { inputs: { flag: true } });
    expect(result).toMatchObject({ status: 'succeeded', outputs: { said: 'yes' } });
    expect(nodeFinished(events, 'check')?.outputs).toEqual({ result: true });
    expect(nodeFinished(events, 'no')).toMatchObject({ status: 'skipped', outputs: null, error: null, attempts: 0 });
    expect(nodeFinished(events, 'never')).toMatchObject({ status: 'skipped' });
    // The join had one taken and one skipped incoming edge: it runs. So does the end after it.
    expect(nodeFinished(events, 'join')).toMatchObject({ status: 'succeeded' });
    expect(eventNames(events)).not.toContain('node_started:no');

    const other = await run(branching(), catalog, { inputs: { flag: false } });
    expect(other.result.outputs).toEqual({ said: 'no', never: {} });
    expect(nodeFinished(other.events, 'yes')).toMatchObject({ status: 'skipped' });
  });

  it('skips a node whose every incoming path was not taken, and takes the outputs of the end reached', async () => {
    const { catalog } = createTestWorld();
    const graph = graphOf(
      [
        startNode(),
        { id: 'check', type: 'if_else', data: { conditions: [{ left: 1, op: 'eq', right: 1 }] } },
        { id: 'a', type: 'variable_assign', data: { values: {} } },
        { id: 'b', type: 'variable_assign', data: { values: {} } },
        { id: 'join', type: 'variable_assign', data: { values: {} } },
        end('end_false', { path: 'false' }),
        end('end_true', { path: 'true' }),
      ],
      ['start->check', 'check-false->a', 'check-false->b', 'a->join', 'b->join', 'join->end_false', 'check-true->end_true'],
    );
    const { result, events } = await run(graph, catalog);
    expect(result.outputs).toEqual({ path: 'true' });
    for (const id of ['a', 'b', 'join', 'end_false']) expect(nodeFinished(events, id)?.status).toBe('skipped');
  });

  it('takes the outputs of the first end reached when several are', async () => {
    const { catalog, hooks } = createTestWorld();
    const late = deferred();
    hooks.set('slow', async () => {
      await late.promise;
      return {};
    });
    const graph = graphOf([startNode(), wait('slow'), end('first', { which: 'first' }), end('second', { which: 'second' })], ['start->first', 'start->slow', 'slow->second']);
    const done = run(graph, catalog, { onEvent: (event) => event.event === 'node_finished' && event.data.node_id === 'first' && late.resolve() });
    const { result, events } = await done;
    expect(result.outputs).toEqual({ which: 'first' });
    expect(nodeFinished(events, 'second')?.status).toBe('succeeded');
  });
});

describe('executeGraph: retries, timeouts and errors', () => {
  it('retries a failing node and counts its attempts', async () => {
    const { catalog, hooks } = createTestWorld();
    let calls = 0;
    hooks.set('flaky', async () => {
      calls++;
      if (calls < 3) throw new Error(`failure ${calls}`);
      return { value: 'ok' };
    });
    const graph = graphOf([startNode(), wait('flaky', { retry: { max_attempts: 3, backoff_ms: 1 } }), end('end', { v: '{{ flaky.value }}' })], ['start->flaky', 'flaky->end']);
    const { result, events } = await run(graph, catalog);
    expect(result).toMatchObject({ status: 'succeeded', outputs: { v: 'ok' } });
    expect(nodeFinished(events, 'flaky')).toMatchObject({ status: 'succeeded', attempts: 3 });
  });

  it('fails the run naming the node once its attempts are used up', async () => {
    const { catalog, hooks } = createTestWorld();
    hooks.set('bad', async () => {
      throw new Error('boom');
    });
    const graph = graphOf([startNode(), wait('bad', { retry: { max_attempts: 2 } }), end('end', {})], ['start->bad', 'bad->end']);
    const { result, events } = await run(graph, catalog);
    expect(result).toMatchObject({ status: 'failed', error: 'node bad failed: boom', outputs: {} });
    expect(nodeFinished(events, 'bad')).toMatchObject({ status: 'failed', error: 'boom', outputs: null, attempts: 2 });
    expect(eventNames(events).at(-1)).toBe('run_finished');
    expect(eventNames(events)).not.toContain('node_started:end');
  });

  it('fails a node past its timeout_ms and aborts its signal', async () => {
    const { catalog, hooks } = createTestWorld();
    let reason: unknown;
    hooks.set('slow', async ({ signal }) => {
      reason = await aborted(signal);
      return new Promise(() => {});
    });
    const graph = graphOf([startNode(), wait('slow', { timeout_ms: 20 }), end('end', {})], ['start->slow', 'slow->end']);
    const { result, events } = await run(graph, catalog);
    expect(result).toMatchObject({ status: 'failed', error: 'node slow failed: timed out after 20 ms' });
    expect(reason).toBeInstanceOf(NodeTimeoutError);
    expect(nodeFinished(events, 'slow')).toMatchObject({ status: 'failed', error: 'timed out after 20 ms', attempts: 1 });
  });

  it('retries after a timeout', async () => {
    const { catalog, hooks } = createTestWorld();
    let calls = 0;
    hooks.set('slow', async () => (++calls === 1 ? new Promise(() => {}) : { value: calls }));
    const graph = graphOf([startNode(), wait('slow', { timeout_ms: 20, retry: { max_attempts: 2 } }), end('end', { v: '{{ slow.value }}' })], ['start->slow', 'slow->end']);
    const { result, events } = await run(graph, catalog);
    expect(result).toMatchObject({ status: 'succeeded', outputs: { v: 2 } });
    expect(nodeFinished(events, 'slow')?.attempts).toBe(2);
  });

  it('goes on after a node with on_error "continue" fails: its outputs are {error}', async () => {
    const { catalog, hooks } = createTestWorld();
    hooks.set('bad', async () => {
      throw new Error('no luck');
    });
    const graph = graphOf([startNode(), wait('bad', { on_error: 'continue' }), end('end', { why: '{{ bad.error }}' })], ['start->bad', 'bad->end']);
    const { result, events } = await run(graph, catalog);
    expect(result).toMatchObject({ status: 'succeeded', outputs: { why: 'no luck' } });
    expect(nodeFinished(events, 'bad')).toMatchObject({ status: 'failed', outputs: { error: 'no luck' }, error: 'no luck' });
  });

  it('skips both branches of an if_else that failed under on_error "continue"', async () => {
    const { catalog } = createTestWorld();
    const graph = graphOf(
      [
        startNode(),
        { id: 'check', type: 'if_else', on_error: 'continue', data: { conditions: [{ left: {}, op: 'gt', right: 1 }] } },
        end('yes', { branch: 'true' }),
        end('no', { branch: 'false' }),
      ],
      ['start->check', 'check-true->yes', 'check-false->no'],
    );
    const { result, events } = await run(graph, catalog);
    expect(result).toMatchObject({ status: 'succeeded', outputs: {} });
    expect([nodeFinished(events, 'yes')?.status, nodeFinished(events, 'no')?.status]).toEqual(['skipped', 'skipped']);
  });

  it('aborts the nodes in flight when another fails, and reports them before run_finished', async () => {
    const { catalog, hooks } = createTestWorld();
    const otherStarted = deferred();
    let otherReason: unknown;
    let lateFinish!: (value: unknown) => void;
    hooks.set('other', async ({ signal }) => {
      otherStarted.resolve();
      otherReason = await aborted(signal);
      return new Promise((resolve) => (lateFinish = resolve));
    });
    hooks.set('bad', async () => {
      await otherStarted.promise;
      throw new Error('boom');
    });
    const graph = graphOf([startNode(), wait('bad'), wait('other'), end('end', {})], ['start->bad', 'start->other', 'bad->end', 'other->end']);
    const { result, events } = await run(graph, catalog);
    expect(result).toMatchObject({ status: 'failed', error: 'node bad failed: boom' });
    expect((otherReason as Error).message).toBe('node bad failed: boom');
    expect(nodeFinished(events, 'other')).toMatchObject({ status: 'failed', error: 'aborted: node bad failed: boom' });
    // Whatever the aborted node does later is not reported: run_finished stays last.
    lateFinish({ value: 'late' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(eventNames(events).at(-1)).toBe('run_finished');
  });
});

describe('executeGraph: cancellation and run timeout', () => {
  it('cancels mid-run: the in-flight node is aborted and run_finished comes last, cancelled', async () => {
    const { catalog, hooks } = createTestWorld();
    const controller = new AbortController();
    const started = deferred();
    let nodeSignal!: AbortSignal;
    // A node that ignores its signal cannot hold the run up.
    hooks.set('slow', async ({ signal }) => {
      nodeSignal = signal;
      started.resolve();
      return new Promise(() => {});
    });
    const graph = graphOf([startNode(), wait('slow'), end('end', {})], ['start->slow', 'slow->end']);
    const running = run(graph, catalog, { signal: controller.signal });
    await started.promise;
    controller.abort();
    const { result, events } = await running;
    expect(result).toMatchObject({ status: 'cancelled', error: 'run cancelled' });
    expect(nodeSignal.aborted).toBe(true);
    expect(nodeFinished(events, 'slow')).toMatchObject({ status: 'failed', error: 'aborted: run cancelled' });
    expect(eventNames(events)).toEqual(['run_started', 'node_started:start', 'node_finished:start', 'node_started:slow', 'node_finished:slow', 'run_finished']);
    expect(events.at(-1)).toMatchObject({ event: 'run_finished', data: { status: 'cancelled' } });
  });

  it('cancels during a retry backoff without waiting it out', async () => {
    const { catalog, hooks } = createTestWorld();
    const controller = new AbortController();
    hooks.set('flaky', async () => {
      setImmediate(() => controller.abort());
      throw new Error('try again later');
    });
    const graph = graphOf([startNode(), wait('flaky', { retry: { max_attempts: 5, backoff_ms: 600_000 } }), end('end', {})], ['start->flaky', 'flaky->end']);
    const { result, events } = await run(graph, catalog, { signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(nodeFinished(events, 'flaky')).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('ends cancelled at once when cancelled before it starts', async () => {
    const { catalog } = createTestWorld();
    const { result, events } = await run(graphOf([startNode(), end('end', {})], ['start->end']), catalog, { signal: AbortSignal.abort() });
    expect(result.status).toBe('cancelled');
    expect(eventNames(events)).toEqual(['run_started', 'run_finished']);
  });

  it('fails a run past its run timeout and aborts what is in flight', async () => {
    const { catalog, hooks } = createTestWorld();
    let nodeSignal!: AbortSignal;
    hooks.set('forever', async ({ signal }) => {
      nodeSignal = signal;
      return new Promise(() => {});
    });
    const graph = graphOf([startNode(), wait('forever'), end('end', {})], ['start->forever', 'forever->end']);
    const { result, events } = await run(graph, catalog, { runTimeoutMs: 20 });
    expect(result).toMatchObject({ status: 'failed', error: 'run timed out after 20 ms' });
    expect(nodeSignal.aborted).toBe(true);
    expect(nodeFinished(events, 'forever')?.error).toBe('aborted: run timed out after 20 ms');
    expect(eventNames(events).at(-1)).toBe('run_finished');
  });
});

describe('executeGraph: events', () => {
  it('relays text chunks and LLM usage between node_started and node_finished, and none after the node ends', async () => {
    const { catalog, hooks } = createTestWorld();
    let emitLater!: () => void;
    hooks.set('talk', async ({ emitText, recordUsage }) => {
      emitText('Hel');
      emitText('lo');
      recordUsage({ provider: 'p1', model: 'm', prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, latency_ms: 9 });
      emitLater = () => emitText('too late');
      return { text: 'Hello' };
    });
    const graph = graphOf([startNode(), wait('talk'), end('end', { text: '{{ talk.text }}' })], ['start->talk', 'talk->end']);
    const { events } = await run(graph, catalog);
    emitLater();
    const talk = events.filter((event) => 'node_id' in event.data && event.data.node_id === 'talk');
    expect(talk.map((event) => event.event)).toEqual(['node_started', 'text_chunk', 'text_chunk', 'llm_usage', 'node_finished']);
    expect(talk[1]).toEqual({ event: 'text_chunk', data: { run_id: 'run_1', node_id: 'talk', text: 'Hel' } });
    expect(talk[3]).toEqual({
      event: 'llm_usage',
      data: { run_id: 'run_1', node_id: 'talk', provider: 'p1', model: 'm', prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, latency_ms: 9 },
    });
    expect(toStreamEvent(talk[3]!)).toBeUndefined();
  });

  it('keeps running when an event listener throws', async () => {
    const { catalog } = createTestWorld();
    const seen: RunEvent[] = [];
    const { result } = await run(graphOf([startNode(), end('end', { a: 1 })], ['start->end']), catalog, {
      onEvent: (event) => {
        seen.push(event);
        throw new Error('listener broke');
      },
    });
    expect(result).toMatchObject({ status: 'succeeded', outputs: { a: 1 } });
    expect(seen.map((event) => event.event)).toEqual(['run_started', 'node_started', 'node_finished', 'node_started', 'node_finished', 'run_finished']);
  });
});
