import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { InputError, isUuid, type CursorCodec } from '@flowgate/kernel';

/** Where a page ended in a newest-first list: the last row's creation time and id. */
export interface Position {
  createdAt: Date;
  id: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

const garbled = () => new InputError('The cursor is not valid: pass next_cursor back unchanged');

/**
 * Opaque, signed cursors for newest-first lists (the kernel's codec). Each names the list it came
 * from, so a cursor of one list is refused by another.
 */
export class Pages {
  constructor(private readonly codec: CursorCodec) {}

  /** The position after which the next page starts; undefined for the first page. */
  after(list: string, cursor: string | undefined): Position | undefined {
    if (cursor === undefined) return undefined;
    const { k, t, id } = this.codec.decode<{ k?: unknown; t?: unknown; id?: unknown }>(cursor);
    const createdAt = typeof t === 'string' ? new Date(t) : undefined;
    if (k !== list || !createdAt || Number.isNaN(createdAt.getTime()) || typeof id !== 'string' || !isUuid(id)) throw garbled();
    return { createdAt, id };
  }

  /** Cuts the `limit + 1` rows read into a page, with the cursor of its last row when more follow. */
  page<R extends Position, T>(list: string, rows: R[], limit: number, toItem: (row: R) => T): Page<T> {
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const more = rows.length > limit && last !== undefined;
    return { items: page.map(toItem), next_cursor: more ? this.codec.encode({ k: list, t: last.createdAt.toISOString(), id: last.id }) : null };
  }

  /** The version after which the next page of a version list starts. */
  afterVersion(cursor: string | undefined): number | undefined {
    if (cursor === undefined) return undefined;
    const { k, v } = this.codec.decode<{ k?: unknown; v?: unknown }>(cursor);
    if (k !== 'versions' || typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw garbled();
    return v;
  }

  versionPage<R extends { version: number }, T>(rows: R[], limit: number, toItem: (row: R) => T): Page<T> {
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const more = rows.length > limit && last !== undefined;
    return { items: page.map(toItem), next_cursor: more ? this.codec.encode({ k: 'versions', v: last.version }) : null };
  }
}

/** Rows strictly older than a position, in (created_at, id) order; no condition for the first page. */
export function olderThan(createdAt: PgColumn, id: PgColumn, position: Position | undefined): SQL | undefined {
  if (!position) return undefined;
  return sql`(${createdAt}, ${id}) < (${position.createdAt.toISOString()}::timestamptz, ${position.id}::uuid)`;
}

export const DEFAULT_LIMIT = 50;
