import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { callContextOf, contractRoutes, handRoutes, type Contract, type HandRouteSpec, type HttpTransport, type ModuleRoute } from '@flowgate/kernel';

/** What of the client's request reaches the service: never its credentials (the assertion replaces them). */
const passedRequestHeaders = ['accept', 'accept-language', 'user-agent', 'last-event-id', 'x-flowgate-trigger'] as const;

/** The body of each request as the client sent it and as parsed, for as long as the request lives. */
const sentBodies = new WeakMap<object, { bytes: Buffer; parsed: unknown }>();

/**
 * Per-connection headers, and those this server sets itself on every answer (the date, the
 * request id, the security headers): the service's copies would only be set a second time.
 */
const unpassedResponseHeaders = new Set([
  'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'date', 'x-request-id',
  'content-security-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster', 'referrer-policy',
  'strict-transport-security', 'x-content-type-options', 'x-dns-prefetch-control', 'x-download-options', 'x-frame-options',
  'x-permitted-cross-domain-policies', 'x-xss-protection',
]);

/**
 * Serves a remote module's public routes at the edge by forwarding them: the same schemas (the
 * request is validated here, and the OpenAPI document is whole) and access rules (authorized
 * here, with the principal asserted to the service), answered by the module's service as it
 * streams back — Server-Sent Events included, chunk by chunk.
 */
export function forwardedRoutesFor(module: { contract: Contract; routes?: Record<string, HandRouteSpec> }, transport: () => HttpTransport): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // The service gets the client's bytes as sent: parsed here only to be validated. Re-encoding
    // would cost time and could make a body that fit the limit longer than it (1e20: 21 digits).
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
      parseJson(request, body as unknown as string, (error, parsed) => {
        if (!error) sentBodies.set(request, { bytes: body as Buffer, parsed });
        done(error, parsed);
      });
    });
    for (const route of [...contractRoutes(module.contract), ...handRoutes(module.routes ?? {})]) {
      app.route({ ...route.definition, handler: forwardingHandler(route, transport) });
    }
  };
}

/**
 * The client's bytes, unless a hook replaced the parsed body (the session cookie puts the refresh
 * token into it): then what the hook made, encoded here. Changes made inside the parsed object
 * (validation's defaults, removed fields) are not a replacement: the service validates again.
 */
function bodyToForward(request: FastifyRequest): Buffer | undefined {
  const sent = sentBodies.get(request);
  if (sent && request.body === sent.parsed) return sent.bytes;
  return request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
}

function forwardingHandler(route: ModuleRoute, transport: () => HttpTransport): RouteHandlerMethod {
  return async (request, reply) => {
    // A client that goes away cancels the upstream request (and so a stream the service writes).
    const abandoned = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abandoned.abort();
    });
    const headers: Record<string, string> = {};
    for (const name of passedRequestHeaders) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const body = bodyToForward(request);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const upstream = await transport().forward({
      method: request.method,
      path: request.url,
      headers,
      body,
      ctx: { ...callContextOf(request), signal: abandoned.signal },
      idempotent: route.idempotent,
      long: route.long,
    });
    reply.code(upstream.status);
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !unpassedResponseHeaders.has(name)) reply.header(name, value);
    }
    // A stream (or a long run's answer) is passed on as it comes; anything else is small JSON,
    // cheaper to hand over whole than to pipe.
    return reply.send(route.long ? upstream.body : Buffer.concat(await upstream.body.toArray()));
  };
}
