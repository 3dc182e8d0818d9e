import { InputError, isUuid } from '@flowgate/kernel';

/** Where a page of users ends: the last row's creation time and id (newest first). */
export interface UserPosition {
  createdAt: Date;
  id: string;
}

const garbled = () => new InputError('The cursor is not valid: pass next_cursor back unchanged');

/** Opaque to clients: they only ever pass back what they were given. */
export function encodeUserCursor(position: UserPosition): string {
  return Buffer.from(JSON.stringify(['u1', position.createdAt.toISOString(), position.id])).toString('base64url');
}

export function decodeUserCursor(cursor: string): UserPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw garbled();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || parsed[0] !== 'u1') throw garbled();
  const [, at, id] = parsed as [string, unknown, unknown];
  const createdAt = typeof at === 'string' ? new Date(at) : undefined;
  if (!createdAt || Number.isNaN(createdAt.getTime()) || typeof id !== 'string' || !isUuid(id)) throw garbled();
  return { createdAt, id };
}
