import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type RunStatus = 'succeeded' | 'failed' | 'cancelled';

/** The events of a streamed run (API.md "Streaming"), by name, with their data. */
export type RunStreamEvent =
  | { event: 'run_started'; data: { run_id: string; workflow_id: string; version: number; started_at: string } }
  | { event: 'node_started'; data: { run_id: string; node_id: string; node_type: string; started_at: string } }
  | { event: 'text_chunk'; data: { run_id: string; node_id: string; text: string } }
  | {
      event: 'node_finished';
      data: { run_id: string; node_id: string; node_type: string; status: 'succeeded' | 'failed' | 'skipped'; outputs: unknown; error: string | null; elapsed_ms: number };
    }
  | { event: 'run_finished'; data: { run_id: string; status: RunStatus; outputs: Record<string, unknown>; error: string | null; elapsed_ms: number; finished_at: string } };

const eventNames: ReadonlySet<string> = new Set<RunStreamEvent['event']>(['run_started', 'node_started', 'text_chunk', 'node_finished', 'run_finished']);

/** The stream broke the protocol: it ended before `run_finished`, or carried data that is not JSON. */
export class RunStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunStreamError';
  }
}

function toRunEvent(message: EventSourceMessage): RunStreamEvent | undefined {
  // Events this console does not know yet are skipped, so a newer platform does not break it.
  if (message.event === undefined || !eventNames.has(message.event)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    throw new RunStreamError(`The platform sent a ${message.event} event whose data is not JSON.`);
  }
  if (typeof data !== 'object' || data === null) throw new RunStreamError(`The platform sent a ${message.event} event without its data.`);
  return { event: message.event, data } as RunStreamEvent;
}

/**
 * The events of a run's `text/event-stream` body, in order, as they arrive. Chunks may split
 * events anywhere (even inside a UTF-8 character); comments (`: ping`) are skipped. It ends
 * after `run_finished`; a body that ends before it throws a {@link RunStreamError}. Leaving the
 * loop early cancels the body, which closes the connection.
 */
export async function* readRunStream(body: ReadableStream<Uint8Array>): AsyncGenerator<RunStreamEvent, void, undefined> {
  const messages: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => messages.push(message) });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      for (const message of messages.splice(0)) {
        const event = toRunEvent(message);
        if (!event) continue;
        yield event;
        if (event.event === 'run_finished') return;
      }
      if (done) break;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  throw new RunStreamError('The connection closed before the run finished.');
}
