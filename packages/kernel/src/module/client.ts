import { fromProblem, isProblem, RemoteInternalError } from '../errors/index.js';
import { carriesBody, isIdempotent, pathParamsOf, type ApiOf, type CallContext, type Contract, type OperationSpec } from './contract.js';

export interface TransportRequest {
  method: OperationSpec['method'];
  /** Path with parameters filled in and the query string appended. */
  path: string;
  body?: unknown;
  ctx: CallContext;
  idempotent: boolean;
}

export interface TransportResponse {
  status: number;
  body: unknown;
}

/** Moves one HTTP exchange: over the network (httpTransport) or in-process (injectTransport). */
export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
}

function queryString(values: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, typeof item === 'object' ? JSON.stringify(item) : String(item));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Fills an operation's path and splits its input the same way routesFor does. */
export function requestFor(op: OperationSpec, input: Record<string, unknown>): { path: string; body?: unknown } {
  const params = new Set(pathParamsOf(op.path));
  let path = op.path;
  for (const name of params) path = path.replace(`:${name}`, encodeURIComponent(String(input[name])));
  const rest = Object.fromEntries(Object.entries(input).filter(([key]) => !params.has(key)));
  return carriesBody(op.method) ? { path, body: rest } : { path: path + queryString(rest) };
}

/**
 * The remote implementation of a contract, derived from it: every operation becomes one HTTP call,
 * and a problem answer is rebuilt as the error class the service threw.
 */
export function clientFor<C extends Contract>(contract: C, transport: Transport): ApiOf<C> {
  const client: Record<string, (input: Record<string, unknown>, ctx: CallContext) => Promise<unknown>> = {};
  for (const [name, op] of Object.entries(contract.operations)) {
    client[name] = async (input, ctx) => {
      const { path, body } = requestFor(op, input ?? {});
      const response = await transport.request({ method: op.method, path, body, ctx, idempotent: isIdempotent(op) });
      if (response.status >= 400) {
        if (isProblem(response.body)) throw fromProblem(response.body);
        throw new RemoteInternalError(`${contract.name}.${name} answered ${response.status}`, response.status);
      }
      return response.status === 204 ? null : response.body;
    };
  }
  return client as ApiOf<C>;
}
