import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { requestFor } from './client.js';
import { carriesBody, defineContract, isIdempotent, pathParamsOf, type OperationSpec } from './contract.js';
import { httpSchemasOf } from './routes.js';

const op = (overrides: Partial<OperationSpec>): OperationSpec => ({
  method: 'GET',
  path: '/things',
  input: Type.Object({}),
  output: Type.Null(),
  access: { kind: 'user' },
  summary: 'test',
  ...overrides,
});

describe('defineContract', () => {
  it('accepts operations whose path parameters are input fields', () => {
    const contract = defineContract({
      name: 'things',
      version: '1',
      operations: { getThing: op({ path: '/things/:thing_id/parts/:part', input: Type.Object({ thing_id: Type.String(), part: Type.Integer() }) }) },
    });
    expect(contract.operations.getThing.path).toBe('/things/:thing_id/parts/:part');
  });

  it('refuses a path parameter missing from the input, naming the operation and the parameter', () => {
    expect(() =>
      defineContract({
        name: 'things',
        version: '1',
        operations: { getThing: op({ path: '/things/:thing_id', input: Type.Object({ id: Type.String() }) }) },
      }),
    ).toThrow('things.getThing: path parameter :thing_id is not an input field');
  });
});

describe('contract helpers', () => {
  it('finds path parameters in order', () => {
    expect(pathParamsOf('/a/:id/b/:idx/c')).toEqual(['id', 'idx']);
    expect(pathParamsOf('/plain')).toEqual([]);
  });

  it('sends a body for POST, PUT and PATCH only', () => {
    expect(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => carriesBody(m as OperationSpec['method']))).toEqual(['POST', 'PUT', 'PATCH']);
  });

  it('treats GET, PUT and DELETE as idempotent unless told otherwise', () => {
    expect(isIdempotent(op({ method: 'GET' }))).toBe(true);
    expect(isIdempotent(op({ method: 'PUT' }))).toBe(true);
    expect(isIdempotent(op({ method: 'DELETE' }))).toBe(true);
    expect(isIdempotent(op({ method: 'POST' }))).toBe(false);
    expect(isIdempotent(op({ method: 'PATCH' }))).toBe(false);
    expect(isIdempotent(op({ method: 'POST', idempotent: true }))).toBe(true);
    expect(isIdempotent(op({ method: 'GET', idempotent: false }))).toBe(false);
  });
});

describe('requestFor', () => {
  it('fills path parameters, encoded, and puts the rest in the query of a GET', () => {
    const spec = op({ path: '/things/:id', input: Type.Object({ id: Type.String(), limit: Type.Integer(), tags: Type.Array(Type.String()), archived: Type.Boolean() }) });
    expect(requestFor(spec, { id: 'a/b c', limit: 5, tags: ['x', 'y z'], archived: false })).toEqual({ path: '/things/a%2Fb%20c?limit=5&tags=x&tags=y+z&archived=false' });
  });

  it('fills parameters whose names prefix one another', () => {
    const spec = op({ path: '/a/:id/b/:idx', input: Type.Object({ id: Type.String(), idx: Type.String() }) });
    expect(requestFor(spec, { id: '1', idx: '2' }).path).toBe('/a/1/b/2');
  });

  it('leaves out undefined and null query values', () => {
    expect(requestFor(op({}), { a: undefined, b: null, c: 0 })).toEqual({ path: '/things?c=0' });
    expect(requestFor(op({}), {})).toEqual({ path: '/things' });
  });

  it('puts the rest in the body of a POST or PATCH, without the path fields', () => {
    const spec = op({ method: 'PATCH', path: '/things/:id', input: Type.Object({ id: Type.String(), name: Type.String() }) });
    expect(requestFor(spec, { id: 't1', name: 'n' })).toEqual({ path: '/things/t1', body: { name: 'n' } });
  });
});

describe('httpSchemasOf', () => {
  it('splits one input into params and querystring for a GET', () => {
    const schemas = httpSchemasOf(op({ path: '/things/:id', input: Type.Object({ id: Type.String(), limit: Type.Optional(Type.Integer()) }) }));
    expect(Object.keys(schemas.params?.properties ?? {})).toEqual(['id']);
    expect(Object.keys(schemas.querystring?.properties ?? {})).toEqual(['limit']);
    expect(schemas.body).toBeUndefined();
  });

  it('splits one input into params and body for a POST', () => {
    const schemas = httpSchemasOf(op({ method: 'POST', path: '/things/:id/notes', input: Type.Object({ id: Type.String(), text: Type.String() }) }));
    expect(Object.keys(schemas.params?.properties ?? {})).toEqual(['id']);
    expect(schemas.querystring).toBeUndefined();
    expect(Object.keys(schemas.body?.properties ?? {})).toEqual(['text']);
    expect(schemas.body?.required).toEqual(['text']);
  });
});
