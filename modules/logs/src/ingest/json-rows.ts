/**
 * Rows travel as one JSON document per statement (json_to_recordset): one parameter whatever the
 * batch size, the same on PostgreSQL and PGlite. PostgreSQL text and jsonb cannot hold U+0000, so
 * it is dropped (an escaped backslash before "u0000" is left alone).
 */
export function asJson(rows: Iterable<object>): string {
  const json = JSON.stringify([...rows]);
  return json.includes('\\u0000') ? json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1') : json;
}

/** A map's rows sorted by key, so that two writers lock the same rows in the same order. */
export const inKeyOrder = <T>(map: Map<string, T>): T[] => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
