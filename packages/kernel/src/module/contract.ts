import type { Static, TObject, TSchema } from '@sinclair/typebox';
import type { Principal, Role, Scope } from '../auth/index.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call an operation. `public` needs no credentials; `user` needs an authenticated
 * principal with at least `role` and, for API keys, `scope`; `internal` is for services only
 * and is never exposed at the edge.
 */
export type Access = { kind: 'public' } | { kind: 'user'; role?: Role; scope?: Scope } | { kind: 'internal' };

export interface OperationSpec<I extends TObject = TObject, O extends TSchema = TSchema> {
  method: HttpMethod;
  /** Fastify-style path; `:name` segments are taken from the input field of the same name. */
  path: string;
  /** One object: path fields go to the path, the rest to the query (GET, DELETE) or body. */
  input: I;
  output: O;
  /** Success status: 200 by default; 204 sends no body. */
  status?: 200 | 201 | 202 | 204;
  access: Access;
  summary: string;
  description?: string;
  /** Safe to retry on a transport failure. Defaults to true for GET, PUT and DELETE. */
  idempotent?: boolean;
  /** Rate-limit or audit hints read by the gateway's request chain. */
  tags?: string[];
}

export interface Contract<Ops extends Record<string, OperationSpec> = Record<string, OperationSpec>> {
  name: string;
  version: string;
  operations: Ops;
}

/** Everything an implementation learns about the call besides its input. */
export interface CallContext {
  principal: Principal | null;
  requestId: string;
  /** The client's address as the edge saw it. */
  ip?: string;
  traceparent?: string;
  signal?: AbortSignal;
}

export type InputOf<O extends OperationSpec> = Static<O['input']>;
export type OutputOf<O extends OperationSpec> = Static<O['output']>;

/** The TypeScript interface of a contract: what the local service and the remote client implement. */
export type ApiOf<C extends Contract> = {
  [K in keyof C['operations']]: (input: InputOf<C['operations'][K]>, ctx: CallContext) => Promise<OutputOf<C['operations'][K]>>;
};

const pathParam = /:([A-Za-z_][A-Za-z0-9_]*)/g;

export const pathParamsOf = (path: string) => [...path.matchAll(pathParam)].map((m) => m[1] as string);

export const carriesBody = (method: HttpMethod) => method === 'POST' || method === 'PUT' || method === 'PATCH';

export const isIdempotent = (op: OperationSpec) => op.idempotent ?? (op.method === 'GET' || op.method === 'PUT' || op.method === 'DELETE');

/** Declares a module's operations; checks that every path parameter is an input field. */
export function defineContract<const Ops extends Record<string, OperationSpec>>(contract: Contract<Ops>): Contract<Ops> {
  for (const [name, op] of Object.entries(contract.operations)) {
    for (const param of pathParamsOf(op.path)) {
      if (!(param in op.input.properties)) throw new Error(`${contract.name}.${name}: path parameter :${param} is not an input field`);
    }
  }
  return contract;
}
