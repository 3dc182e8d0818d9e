import { describe, expect, it } from 'vitest';
import { readRunStream, RunStreamError, type RunStreamEvent } from './run-stream';

const encoder = new TextEncoder();

/** A body that delivers `text` as bytes in pieces cut at the given byte offsets, as a network would. */
function bodyOf(text: string, cuts: number[]): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  const edges = [0, ...cuts, bytes.length];
  const chunks = edges.slice(1).map((end, i) => bytes.slice(edges[i], end));
  return new ReadableStream({
    async pull(controller) {
      const chunk = chunks.shift();
      if (chunk === undefined) return controller.close();
      await Promise.resolve();
      controller.enqueue(chunk);
    },
  });
}

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
const run = 'r1';
const started = sse('run_started', { run_id: run, workflow_id: 'w1', version: 0, started_at: '2026-11-22T10:00:00.000Z' });
const nodeStarted = sse('node_started', { run_id: run, node_id: 'llm', node_type: 'llm', started_at: '2026-11-22T10:00:00.010Z' });
const chunk1 = sse('text_chunk', { run_id: run, node_id: 'llm', text: 'Héllo' });
const chunk2 = sse('text_chunk', { run_id: run, node_id: 'llm', text: ' wörld' });
const nodeFinished = sse('node_finished', { run_id: run, node_id: 'llm', node_type: 'llm', status: 'succeeded', outputs: { text: 'Héllo wörld' }, error: null, elapsed_ms: 40 });
const finished = sse('run_finished', { run_id: run, status: 'succeeded', outputs: { answer: 'Héllo wörld' }, error: null, elapsed_ms: 52, finished_at: '2026-11-22T10:00:00.052Z' });

async function collect(body: ReadableStream<Uint8Array>) {
  const events: RunStreamEvent[] = [];
  try {
    for await (const event of readRunStream(body)) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

describe('readRunStream', () => {
  it('yields every event in order from chunks cut mid-event, mid-line and mid-character, skipping pings', async () => {
    const text = started + ': ping\n\n' + nodeStarted + chunk1 + ': ping\n\n' + chunk2 + nodeFinished + finished;
    // Cut every 7 bytes: through field names, JSON, the blank lines and the two-byte é and ö.
    const cuts = Array.from({ length: Math.floor(encoder.encode(text).length / 7) }, (_, i) => (i + 1) * 7);
    const { events, error } = await collect(bodyOf(text, cuts));
    expect(error).toBeUndefined();
    expect(events.map((event) => event.event)).toEqual(['run_started', 'node_started', 'text_chunk', 'text_chunk', 'node_finished', 'run_finished']);
    const texts = events.flatMap((event) => (event.event === 'text_chunk' ? [event.data.text] : []));
    expect(texts.join('')).toBe('Héllo wörld');
    expect(events.at(-1)).toEqual({ event: 'run_finished', data: expect.objectContaining({ status: 'succeeded', outputs: { answer: 'Héllo wörld' } }) });
  });

  it('skips events it does not know and stops at run_finished', async () => {
    const unknown = sse('llm_usage', { run_id: run, node_id: 'llm', total_tokens: 3 });
    const { events, error } = await collect(bodyOf(started + unknown + finished + nodeStarted, [5, 60]));
    expect(error).toBeUndefined();
    expect(events.map((event) => event.event)).toEqual(['run_started', 'run_finished']);
  });

  it('reports a stream cut before run_finished, after yielding what did arrive', async () => {
    const text = started + nodeStarted + chunk1;
    const { events, error } = await collect(bodyOf(text + 'event: text_ch', [30, text.length - 4]));
    expect(events.map((event) => event.event)).toEqual(['run_started', 'node_started', 'text_chunk']);
    expect(error).toBeInstanceOf(RunStreamError);
    expect((error as Error).message).toMatch(/closed before the run finished/);
  });

  it('reports an event whose data is not JSON', async () => {
    const { events, error } = await collect(bodyOf(started + 'event: node_started\ndata: {oops\n\n' + finished, []));
    expect(events.map((event) => event.event)).toEqual(['run_started']);
    expect(error).toBeInstanceOf(RunStreamError);
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(started + nodeStarted));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readRunStream(body)) {
      if (event.event === 'run_started') break;
    }
    expect(cancelled).toBe(true);
  });
});
