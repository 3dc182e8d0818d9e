import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const shared: Options = { allErrors: true, removeAdditional: true, useDefaults: true, strict: false };

/**
 * Two validators: query strings and path parameters arrive as text, so they are coerced to the
 * schema's types; JSON bodies already carry types, so `{"name": 5}` is a 422, not "5".
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = new Ajv({ ...shared, coerceTypes: false });
  const coercing = new Ajv({ ...shared, coerceTypes: 'array' });
  for (const ajv of [strict, coercing]) addFormats.default(ajv);
  return ({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema as object) as never;
}
