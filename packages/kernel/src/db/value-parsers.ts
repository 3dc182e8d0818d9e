import { types as pgliteTypes, type ParserOptions } from '@electric-sql/pglite';
import pg from 'pg';

// The two drivers disagree on how some PostgreSQL types become JavaScript values. Left alone,
// `select count(*)` is a number on PGlite and a string on PostgreSQL, and module code that works
// in the embedded profile breaks in the distributed one. These tables make both drivers agree,
// starting from node-postgres's conventions (which Drizzle's column mappers also expect) and
// choosing text where a value has no timezone-free JavaScript form (date, interval).

const OID = {
  bytea: 17,
  int8: 20,
  int8Array: 1016,
  textArray: 1009,
  date: 1082,
  dateArray: 1182,
  interval: 1186,
  intervalArray: 1187,
} as const;

const asText = (value: string): string => value;
const asTextArray = (oid: number) => (value: string): unknown => pgliteTypes.arrayParser(value, asText, oid);

/** PGlite parsers that replace its defaults where they differ from node-postgres. */
export const pgliteParsers: ParserOptions = {
  // PGlite: number, or BigInt beyond 2^53. node-postgres: always the exact text.
  [OID.int8]: asText,
  [OID.int8Array]: asTextArray(OID.int8Array),
  // PGlite: Uint8Array. node-postgres: Buffer (a Uint8Array with more methods).
  [OID.bytea]: (value: string) => Buffer.from(value.slice(2), 'hex'),
  // PGlite: a Date at UTC midnight; node-postgres: a Date at local midnight. Text is unambiguous.
  [OID.date]: asText,
  [OID.dateArray]: asTextArray(OID.dateArray),
};

// pg's typings list only scalar type ids, but its registry also holds the array parsers.
const defaultPostgresParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => (value: string) => unknown;
const parseTextArray = defaultPostgresParser(OID.textArray);
const postgresOverrides = new Map<number, (value: string) => unknown>([
  [OID.date, asText],
  [OID.dateArray, parseTextArray],
  // node-postgres: a PostgresInterval object; PGlite (and Drizzle's interval column): the text.
  [OID.interval, asText],
  [OID.intervalArray, parseTextArray],
]);

/** node-postgres `types` option: its defaults, except where PGlite cannot follow them. */
export const postgresTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    postgresOverrides.get(oid) ?? defaultPostgresParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};
