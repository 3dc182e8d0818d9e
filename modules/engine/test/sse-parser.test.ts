import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../src/llm/sse-parser.js';

function parseAll(pieces: string[]): SseEvent[] {
  const parser = new SseParser();
  return [...pieces.flatMap((piece) => parser.push(piece)), ...parser.end()];
}

describe('SseParser', () => {
  it('parses events, several per chunk, skipping comments and unknown fields', () => {
    const events = parseAll([': hello\ndata: {"a":1}\n\nid: 7\nretry: 10\ndata: b\n\nevent: done\ndata: [DONE]\n\n']);
    expect(events).toEqual([
      { event: 'message', data: '{"a":1}' },
      { event: 'message', data: 'b' },
      { event: 'done', data: '[DONE]' },
    ]);
  });

  it('joins multi-line data, takes one optional space after the colon, and accepts CR, LF and CRLF', () => {
    expect(parseAll(['data:one\r\ndata:  two\rdata\n\n'])).toEqual([{ event: 'message', data: 'one\n two\n' }]);
  });

  it('returns nothing for an event still open, and completes it in the next chunk', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"par')).toEqual([]);
    expect(parser.push('tial":true}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: '{"partial":true}' }]);
  });

  it('waits on a CR at the end of a chunk, in case an LF follows', () => {
    const parser = new SseParser();
    expect(parser.push('data: x\r')).toEqual([]);
    expect(parser.push('\n\r')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'message', data: 'x' }]);
  });

  it('drops a leading byte-order mark and ignores empty events', () => {
    expect(parseAll(['\uFEFFdata: a\n\n\n\n: only a comment\n\n'])).toEqual([{ event: 'message', data: 'a' }]);
  });

  it('keeps a last event that the stream ended without a blank line', () => {
    expect(parseAll(['data: [DONE]\n'])).toEqual([{ event: 'message', data: '[DONE]' }]);
    expect(parseAll(['data: [DONE]\r'])).toEqual([{ event: 'message', data: '[DONE]' }]);
  });

  it('gives the same events however the stream is split', () => {
    const line = fc.oneof(fc.constant('\n'), fc.constant('\r\n'), fc.constant('\r'));
    const event = fc.record({
      data: fc.array(fc.string({ unit: 'grapheme' }).filter((s) => !/[\r\n]/.test(s)), { minLength: 1, maxLength: 3 }),
      comment: fc.boolean(),
      eol: line,
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (events, cuts) => {
        const text = events.map((e) => `${e.comment ? `: c${e.eol}` : ''}${e.data.map((d) => `data: ${d}${e.eol}`).join('')}${e.eol}`).join('');
        const positions = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...positions, text.length].slice(1).map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end));
        expect(parseAll(pieces)).toEqual(parseAll([text]));
        expect(parseAll([text])).toEqual(events.map((e) => ({ event: 'message', data: e.data.join('\n') })));
      }),
      { numRuns: 500 },
    );
  });
});
