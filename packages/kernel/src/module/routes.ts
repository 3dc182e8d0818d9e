import { Type, type TObject } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { carriesBody, pathParamsOf, type ApiOf, type CallContext, type Contract, type OperationSpec } from './contract.js';

/** What the request chain knows about the operation a route serves (Fastify route config). */
export interface OperationRouteConfig {
  module: string;
  operation: string;
  spec: OperationSpec;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    operation?: OperationRouteConfig;
  }
}

export type ImplementationSource<C extends Contract> = ApiOf<C> | (() => ApiOf<C>);

export interface RoutesOptions {
  /** Mount `internal` operations too: true on a module's own service, false at the edge. */
  internal?: boolean;
}

/** Splits an operation's one input object into the Fastify schemas for path, query and body. */
export function httpSchemasOf(op: OperationSpec) {
  const params = pathParamsOf(op.path);
  const paramSchema = params.length > 0 ? Type.Pick(op.input, params) : undefined;
  const rest: TObject = params.length > 0 ? Type.Omit(op.input, params) : op.input;
  const hasRest = Object.keys(rest.properties).length > 0;
  return {
    params: paramSchema,
    querystring: !carriesBody(op.method) && hasRest ? rest : undefined,
    // An operation with nothing in its body accepts a request without one (POST /runs/:id/cancel).
    body: carriesBody(op.method) && hasRest ? rest : undefined,
  };
}

export function callContextOf(request: FastifyRequest): CallContext {
  return {
    principal: request.principal,
    requestId: request.id,
    ip: request.forwardedIp ?? request.ip,
    traceparent: typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined,
  };
}

/**
 * Exposes a contract over HTTP. The implementation may be the local service or the remote client
 * of the same contract; a function is asked on every call, so placement stays a matter of
 * configuration rather than of construction order.
 */
export function routesFor<C extends Contract>(contract: C, source: ImplementationSource<C>, options: RoutesOptions = {}): FastifyPluginAsync {
  const resolve = typeof source === 'function' ? (source as () => ApiOf<C>) : () => source;
  return async (app: FastifyInstance) => {
    for (const [name, op] of Object.entries(contract.operations)) {
      if (op.access.kind === 'internal' && !options.internal) continue;
      const schemas = httpSchemasOf(op);
      const status = op.status ?? 200;
      // A body whose fields are all optional may be left out altogether (POST …/test, no options).
      const bodyOptional = schemas.body !== undefined && (schemas.body.required ?? []).length === 0;
      app.route({
        method: op.method,
        url: op.path,
        schema: {
          summary: op.summary,
          description: op.description,
          tags: op.tags?.length ? op.tags : [contract.name],
          operationId: `${contract.name}.${name}`,
          ...(op.access.kind === 'public' ? {} : { security: [{ bearer: [] }, { apiKey: [] }] }),
          ...(schemas.params ? { params: schemas.params } : {}),
          ...(schemas.querystring ? { querystring: schemas.querystring } : {}),
          ...(schemas.body ? { body: schemas.body } : {}),
          response: { [status]: status === 204 ? Type.Null() : op.output },
        },
        config: { operation: { module: contract.name, operation: name, spec: op } },
        ...(bodyOptional
          ? {
              preValidation: async (request: { body: unknown }) => {
                request.body ??= {};
              },
            }
          : {}),
        handler: async (request, reply) => {
          const input = { ...(request.query as object), ...(request.body as object), ...(request.params as object) };
          const implementation = resolve() as Record<string, (input: unknown, ctx: CallContext) => Promise<unknown>>;
          const result = await implementation[name]!(input, callContextOf(request));
          reply.code(status);
          return status === 204 ? reply.send() : result;
        },
      });
    }
  };
}
