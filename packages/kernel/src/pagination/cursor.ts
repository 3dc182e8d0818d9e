import { createHmac, timingSafeEqual } from 'node:crypto';
import { InputError } from '../errors/index.js';

/**
 * Opaque, tamper-checked page cursors: the position is JSON, signed with a key of its own, so a
 * client can neither read meaning into a cursor nor forge one. A garbled cursor is a 400.
 */
export interface CursorCodec {
  encode(position: Record<string, unknown>): string;
  decode<T extends Record<string, unknown>>(cursor: string): T;
}

export function createCursorCodec(key: Uint8Array): CursorCodec {
  const sign = (body: string) => createHmac('sha256', key).update(body).digest().subarray(0, 12);
  return {
    encode(position) {
      const body = Buffer.from(JSON.stringify(position)).toString('base64url');
      return `${body}.${sign(body).toString('base64url')}`;
    },
    decode(cursor) {
      const [body, mac, extra] = cursor.split('.');
      // Compare the mac as text: Node's base64 decoder skips padding, whitespace and stray
      // characters and reads both alphabets, so comparing decoded bytes accepts altered cursors.
      const given = Buffer.from(mac ?? '', 'utf8');
      const expected = Buffer.from(body ? sign(body).toString('base64url') : '', 'utf8');
      if (!body || extra !== undefined || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new InputError('The cursor is not valid: pass next_cursor back unchanged');
      }
      const position: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (typeof position !== 'object' || position === null) throw new InputError('The cursor is not valid');
      return position as never;
    },
  };
}
