const SCHEMA_NAME = /^[a-z][a-z0-9_]*$/;
// PostgreSQL silently truncates longer identifiers, so two long names could land on one schema.
const MAX_IDENTIFIER_BYTES = 63;
// Schemas a module must never claim: PostgreSQL's own, the shared default, and the kernel's.
const RESERVED_SCHEMAS = new Set(['public', 'information_schema', 'flowgate']);

/**
 * Throws unless `name` can be a module's schema: lowercase letters, digits and `_`, starting
 * with a letter, at most 63 characters, not reserved. A valid name never needs quoting, and is
 * the only kind of name ever interpolated into SQL by the database layer.
 */
export function assertSchemaName(name: string): void {
  if (!SCHEMA_NAME.test(name)) {
    throw new TypeError(`invalid schema name ${JSON.stringify(name)}: use lowercase letters, digits and _, starting with a letter`);
  }
  if (name.length > MAX_IDENTIFIER_BYTES) {
    throw new TypeError(`invalid schema name ${JSON.stringify(name)}: longer than ${MAX_IDENTIFIER_BYTES} characters`);
  }
  if (RESERVED_SCHEMAS.has(name) || name.startsWith('pg_')) {
    throw new TypeError(`invalid schema name ${JSON.stringify(name)}: reserved`);
  }
}

/** `name` as a quoted SQL identifier; validate it first with `assertSchemaName`. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a row and must not reach a uuid column. */
export const isUuid = (id: string): boolean => uuidShape.test(id);
