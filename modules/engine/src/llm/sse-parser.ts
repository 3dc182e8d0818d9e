/** One server-sent event: `event` is `message` unless the stream named it. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * An incremental parser of `text/event-stream` (the WHATWG "event stream interpretation"): feed
 * it text as it arrives, split anywhere (inside a line, between CR and LF), and it returns the
 * events completed so far. Comments (`: ...`) and unknown fields are skipped; `data` lines of one
 * event are joined with `\n`. Decode bytes with a streaming TextDecoder before feeding them, so a
 * character split between chunks is not mangled.
 */
export class SseParser {
  private pending = '';
  private started = false;
  private data: string[] = [];
  private event = '';

  push(text: string): SseEvent[] {
    let input = this.pending + text;
    if (!this.started && input.length > 0) {
      this.started = true;
      if (input.startsWith('\uFEFF')) input = input.slice(1);
    }
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < input.length; i++) {
      const char = input[i];
      if (char !== '\n' && char !== '\r') continue;
      // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
      if (char === '\r' && i === input.length - 1) break;
      this.line(input.slice(start, i), events);
      if (char === '\r' && input[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.pending = input.slice(start);
    return events;
  }

  /**
   * The end of the stream. The standard drops an event not closed by a blank line; this parser
   * still returns one whose last line was complete, since some servers end on `data: [DONE]\n`.
   */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.pending.endsWith('\r')) this.line(this.pending.slice(0, -1), events);
    this.pending = '';
    this.line('', events);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) events.push({ event: this.event || 'message', data: this.data.join('\n') });
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
  }
}
