import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import { context, isSpanContextValid, propagation, SpanKind, SpanStatusCode, trace, TraceFlags, type Span, type SpanContext } from '@opentelemetry/api';
import { spansAreExported } from '../observability/index.js';
import type { Logger } from 'pino';
import { uuidv7 } from 'uuidv7';
import { assertionHeader, type Principal } from '../auth/index.js';
import { authorize } from './authorize.js';
import { createValidatorCompiler } from './validation.js';
import { installDraining } from './draining.js';
import { installProblemHandler, sendFrameworkProblem } from './problem-handler.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; null until authenticated or for public routes without credentials. */
    principal: Principal | null;
    /** Behind the gateway: the client address the edge saw (request.ip is the gateway's). */
    forwardedIp: string | null;
    /** The request's server span, ended with the response. */
    span?: Span;
  }
}

export interface HttpServerOptions {
  logger: Logger;
  bodyLimit?: number;
  /** Finds the principal for a request (edge: tokens and keys; service: the gateway's assertion). */
  authenticate?: (request: FastifyRequest) => Promise<Principal | null>;
  /**
   * Authenticate every request except probes, public routes included. A service sets this: it
   * answers only callers that came through the gateway, so its login route cannot be reached
   * around the gateway's throttling.
   */
  authenticateAll?: boolean;
  /**
   * Runs after authentication and before authorization, also when authentication failed, so that
   * floods of bad credentials are limited like everything else (the gateway's rate limits).
   */
  admit?: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Called once per response with the route template, for RED metrics. */
  observe?: (sample: { method: string; route: string; status: number; seconds: number }) => void;
  /** Served behind a TLS-terminating proxy: trust its X-Forwarded-For. */
  trustProxy?: boolean | string;
}

/** A trace of its own for a request that came without one (not sampled: nothing records it). */
const newSpanContext = (): SpanContext => ({ traceId: randomUUID().replaceAll('-', ''), spanId: randomUUID().replaceAll('-', '').slice(0, 16), traceFlags: TraceFlags.NONE });

const acceptableRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

export type HttpServer = FastifyInstance;

/**
 * The one way Flowgate builds an HTTP server: request ids, problem+json errors, security headers,
 * body limit, tracing context, metrics, and the authenticate → authorize chain for every route.
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestIdHeader: false,
    genReqId: (request) => {
      const sent = request.headers['x-request-id'];
      return typeof sent === 'string' && acceptableRequestId.test(sent) ? sent : uuidv7();
    },
    // One access line per request at debug (below), not Fastify's two at info.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    trustProxy: options.trustProxy ?? false,
    // Refused while draining instead (installDraining), as problem+json a gateway can retry.
    return503OnClosing: false,
    // A malformed URL is answered before routing: still problem+json with a request id.
    frameworkErrors: sendFrameworkProblem,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON only: anything else (text/plain included, which Fastify parses by default) is a 415.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(createValidatorCompiler());
  app.decorateRequest('principal', null);
  app.decorateRequest('forwardedIp', null);
  installProblemHandler(app);
  installDraining(app);
  await app.register(helmet, { global: true, contentSecurityPolicy: false, crossOriginEmbedderPolicy: false, hsts: false });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // Run the rest of the request inside the caller's trace, so logs, spans and outgoing calls join it.
    const parent = propagation.extract(context.active(), request.headers);
    if (!spansAreExported()) {
      // Nothing would see a recorded span: carry the caller's trace, or start one, for the logs
      // and outgoing calls, without paying for the SDK's span on every request.
      const caller = trace.getSpanContext(parent);
      return context.with(trace.setSpan(parent, trace.wrapSpanContext(caller && isSpanContextValid(caller) ? caller : newSpanContext())), done);
    }
    const route = request.routeOptions.url ?? 'unmatched';
    const span = trace.getTracer('flowgate-http').startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route } },
      parent,
    );
    request.span = span;
    context.with(trace.setSpan(parent, span), done);
  });

  app.addHook('onRequest', async (request, reply) => {
    // Secure by default: a matched route that declares no access rule needs an authenticated user.
    const declared = request.routeOptions.config.operation?.spec.access ?? request.routeOptions.config.access;
    const access = declared ?? (request.is404 ? undefined : ({ kind: 'user' } as const));
    let failure: unknown;
    // Credentials on a public route still say who is calling: bearer or API key at the edge, the
    // gateway's assertion in a service (else a public operation sees no caller only in split mode).
    const credentials = request.headers.authorization || request.headers['x-api-key'] || request.headers[assertionHeader];
    if (options.authenticate && (access === undefined || access.kind !== 'public' || credentials)) {
      try {
        request.principal = await options.authenticate(request);
      } catch (error) {
        failure = error;
      }
    }
    await options.admit?.(request, reply);
    if (failure !== undefined && (options.authenticateAll || access?.kind !== 'public')) throw failure;
    if (access) authorize(access, request.principal);
  });

  app.addHook('onResponse', async (request, reply) => {
    request.span?.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) request.span?.setStatus({ code: SpanStatusCode.ERROR });
    request.span?.end();
    const route = request.routeOptions.url ?? 'unmatched';
    options.observe?.({ method: request.method, route, status: reply.statusCode, seconds: reply.elapsedTime / 1000 });
    request.log.debug({ method: request.method, route, status: reply.statusCode, elapsed_ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });

  return app as unknown as HttpServer;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Access rule for hand-written routes (contract routes carry it in `operation`). */
    access?: import('../module/contract.js').Access;
    /** Health and metrics: answered without credentials on every kind of server. */
    probe?: boolean;
  }
}
