import { Type, type TObject } from '@sinclair/typebox';
import type { FastifyContextConfig, FastifyInstance, FastifyPluginAsync, FastifyRequest, FastifySchema, RouteHandlerMethod } from 'fastify';
import { carriesBody, isIdempotent, pathParamsOf, type Access, type ApiOf, type CallContext, type Contract, type HttpMethod, type OperationSpec } from './contract.js';

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
 * One route of a module's public face: a contract operation, or a hand-written route (a stream)
 * declared by its module. Either way the gateway can serve it from the local implementation or
 * forward it to the module's service, with the same schema, access rule and OpenAPI entry.
 */
export interface ModuleRoute {
  /** Fastify's route options but the handler: the server adds the local one or a forwarder. */
  definition: {
    method: HttpMethod;
    url: string;
    schema: FastifySchema;
    config: FastifyContextConfig;
    preValidation?: (request: FastifyRequest) => Promise<void>;
  };
  /** Safe to send again to another replica after a failure in flight. */
  idempotent: boolean;
  /** Answers only when long work is done, or streams: no upstream time limit when forwarded. */
  long: boolean;
}

/** A hand-written route, declared statically in its module's definition (see ModuleDefinition.routes). */
export interface HandRouteSpec {
  method: HttpMethod;
  url: string;
  access: Access;
  schema: FastifySchema;
  /** Blocks until long work is done, or streams (a run). */
  long?: boolean;
}

/** OpenAPI: a bearer token or an API key. */
const authenticated: { [label: string]: string[] }[] = [{ bearer: [] }, { apiKey: [] }];

/** The routes of a contract's operations, without handlers. */
export function contractRoutes(contract: Contract, options: RoutesOptions = {}): (ModuleRoute & { operation: string; status: number })[] {
  return Object.entries(contract.operations)
    .filter(([, op]) => options.internal || op.access.kind !== 'internal')
    .map(([name, op]) => {
      const schemas = httpSchemasOf(op);
      const status = op.status ?? 200;
      // A body whose fields are all optional may be left out altogether (POST …/test, no options).
      const bodyOptional = schemas.body !== undefined && (schemas.body.required ?? []).length === 0;
      return {
        operation: name,
        status,
        idempotent: isIdempotent(op),
        long: false,
        definition: {
          method: op.method,
          url: op.path,
          schema: {
            summary: op.summary,
            description: op.description,
            tags: op.tags?.length ? op.tags : [contract.name],
            operationId: `${contract.name}.${name}`,
            ...(op.access.kind === 'public' ? {} : { security: authenticated }),
            ...(schemas.params ? { params: schemas.params } : {}),
            ...(schemas.querystring ? { querystring: schemas.querystring } : {}),
            ...(schemas.body ? { body: schemas.body } : {}),
            response: { [status]: status === 204 ? Type.Null() : op.output },
          },
          config: { operation: { module: contract.name, operation: name, spec: op } },
          ...(bodyOptional
            ? {
                preValidation: async (request: FastifyRequest) => {
                  request.body ??= {};
                },
              }
            : {}),
        },
      };
    });
}

/** The routes of hand-written specs, without handlers. */
export function handRoutes(specs: Record<string, HandRouteSpec>): (ModuleRoute & { name: string })[] {
  return Object.entries(specs).map(([name, spec]) => ({
    name,
    definition: { method: spec.method, url: spec.url, schema: spec.schema, config: { access: spec.access } },
    idempotent: spec.method === 'GET',
    long: spec.long ?? false,
  }));
}

/**
 * Exposes a contract over HTTP. The implementation may be the local service or the remote client
 * of the same contract; a function is asked on every call, so placement stays a matter of
 * configuration rather than of construction order.
 */
export function routesFor<C extends Contract>(contract: C, source: ImplementationSource<C>, options: RoutesOptions = {}): FastifyPluginAsync {
  const resolve = typeof source === 'function' ? (source as () => ApiOf<C>) : () => source;
  return async (app: FastifyInstance) => {
    for (const { operation, status, definition } of contractRoutes(contract, options)) {
      app.route({
        ...definition,
        handler: async (request, reply) => {
          const input = { ...(request.query as object), ...(request.body as object), ...(request.params as object) };
          const implementation = resolve() as Record<string, (input: unknown, ctx: CallContext) => Promise<unknown>>;
          const result = await implementation[operation]!(input, callContextOf(request));
          reply.code(status);
          return status === 204 ? reply.send() : result;
        },
      });
    }
  };
}

/** Mounts hand-written routes with the handlers of the module's local side. */
export function handRoutesFor(specs: Record<string, HandRouteSpec>, handlers: Record<string, RouteHandlerMethod>): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    for (const { name, definition } of handRoutes(specs)) {
      const handler = handlers[name];
      if (!handler) throw new Error(`no handler for the hand-written route ${name} (${definition.method} ${definition.url})`);
      app.route({ ...definition, handler });
    }
  };
}
