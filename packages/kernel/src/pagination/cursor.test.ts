import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { createCursorCodec } from './cursor.js';

const key = randomBytes(32);
const codec = createCursorCodec(key);
const position = { created_at: '2026-11-22T10:00:00.000Z', id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' };

function refused(cursor: string) {
  expect(() => codec.decode(cursor)).toThrow(InputError);
}

/** Replaces the character at `index` with a different base64url character. */
function flip(text: string, index: number): string {
  const char = text[index];
  const other = char === 'A' ? 'B' : 'A';
  return text.slice(0, index) + other + text.slice(index + 1);
}

describe('createCursorCodec', () => {
  it('decodes what it encoded', () => {
    const cursor = codec.encode(position);
    expect(codec.decode(cursor)).toEqual(position);
  });

  it('round-trips any JSON object (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        // Through JSON first, so -0 and the like compare the way they travel.
        const normal = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
        expect(codec.decode(codec.encode(normal))).toEqual(normal);
      }),
    );
  });

  it('makes cursors that are safe in a query string and opaque', () => {
    const cursor = codec.encode(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(position.id);
  });

  it('refuses a cursor with any one character of its body changed', () => {
    const cursor = codec.encode(position);
    const dot = cursor.indexOf('.');
    for (let i = 0; i < dot; i++) refused(flip(cursor, i));
  });

  it('refuses a cursor with any one character of its mac changed', () => {
    const cursor = codec.encode(position);
    const dot = cursor.indexOf('.');
    for (let i = dot + 1; i < cursor.length; i++) refused(flip(cursor, i));
  });

  it('refuses a forged body carrying a mac from another cursor', () => {
    const [, mac] = codec.encode(position).split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...position, id: 'someone-elses' })).toString('base64url');
    refused(`${forgedBody}.${mac}`);
  });

  it('refuses truncated cursors', () => {
    const cursor = codec.encode(position);
    const dot = cursor.indexOf('.');
    refused(cursor.slice(0, -1));
    refused(cursor.slice(0, dot + 1));
    refused(cursor.slice(0, dot));
    refused(cursor.slice(1));
    refused(cursor.slice(dot));
  });

  it('refuses extra parts, padding, whitespace and other alphabets around a valid mac', () => {
    const cursor = codec.encode(position);
    refused(`${cursor}.`);
    refused(`${cursor}.x`);
    refused(`${cursor}=`);
    refused(`${cursor}==`);
    refused(`${cursor} `);
    refused(`${cursor}\n`);
    refused(`${cursor}!`);
    refused(cursor.replace('.', '..'));
    const [body, mac] = cursor.split('.') as [string, string];
    // The standard alphabet spells the same bytes differently; it is still not our cursor.
    const standard = Buffer.from(mac, 'base64url').toString('base64').replace(/=+$/, '');
    if (standard !== mac) refused(`${body}.${standard}`);
  });

  it('refuses strings that are not cursors at all', () => {
    for (const garbage of ['', '.', 'abc', 'not base64!.also not!', '%%%.%%%', '{"id":1}', 'eyJpZCI6MX0']) refused(garbage);
  });

  it('refuses any string that it did not make (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => codec.decode(text)).toThrow(InputError);
      }),
    );
  });

  it('refuses a cursor made with another key', () => {
    const other = createCursorCodec(randomBytes(32));
    refused(other.encode(position));
  });

  it('refuses a signed body that is not an object', () => {
    // Only a holder of the key could make these; decode still insists on an object.
    for (const value of [1, 'text', null]) {
      const body = Buffer.from(JSON.stringify(value)).toString('base64url');
      const mac = createHmac('sha256', key).update(body).digest().subarray(0, 12).toString('base64url');
      refused(`${body}.${mac}`);
    }
  });

  it('says what to do in its 400', () => {
    expect(() => codec.decode('garbage')).toThrow(/next_cursor/);
  });
});
