import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { assertionHeader, type AssertionSigner } from '../auth/index.js';
import { drainingHeader } from '../http/draining.js';
import { RemoteInternalError, UnavailableError, UpstreamTimeoutError } from '../errors/index.js';
import { INVALID_SPAN_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { injectContext, spansAreExported } from '../observability/index.js';
import type { Transport } from './client.js';
import type { CallContext } from './contract.js';

export interface HttpTransportOptions {
  /** The module this transport reaches, for messages and metrics. */
  module: string;
  /** Asked on every call, so a changed placement needs no rebuild. Several URLs are load-balanced. */
  urls: () => readonly string[];
  signer: AssertionSigner;
  timeoutMs?: number;
  /** Extra attempts for idempotent operations, each on the next URL. */
  retries?: number;
  /** Consecutive failures that open the breaker, and how long it stays open. */
  breaker?: { failures?: number; openMs?: number };
  connections?: number;
}

/** A client's request passed through as it is (the gateway forwarding a route). */
export interface ForwardRequest {
  method: string;
  /** Path and query string as the client sent them. */
  path: string;
  /** Headers chosen by the caller; the transport adds the assertion, request id and trace. */
  headers: Record<string, string>;
  body?: string | Buffer;
  ctx: CallContext;
  /** May be sent again to another replica after a failure in flight. */
  idempotent: boolean;
  /** Streams or blocks on long work (a run): no time limit on the answer. */
  long: boolean;
}

export interface ForwardResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The answer's body as it arrives; destroying it aborts the upstream request. */
  body: Readable;
}

export interface HttpTransport extends Transport {
  forward(request: ForwardRequest): Promise<ForwardResponse>;
  /** `closed` (healthy), `open` (failing fast) or `half-open` (probing). */
  breakerState(): 'closed' | 'open' | 'half-open';
  close(): Promise<void>;
}

/** Stands in for a client span when nothing records spans. */
const unrecorded = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Failures before anything was sent: safe to send again elsewhere, whatever the method. */
const connectFailures = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

const connectionFailures = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return (
    (code !== undefined && connectionFailures.has(code)) ||
    error instanceof undiciErrors.SocketError ||
    error instanceof undiciErrors.ConnectTimeoutError
  );
}

/**
 * Reaches a remote module over HTTP: keep-alive pools per origin, round-robin over replicas (one
 * that just failed is skipped for a moment), a request sent again only where that is safe, and a
 * circuit breaker so a dead module costs callers a fast 503 rather than a timeout each.
 */
export function httpTransport(options: HttpTransportOptions): HttpTransport {
  const tracer = trace.getTracer('flowgate-http');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pools = new Map<string, Pool>();
  const downUntil = new Map<string, number>();
  let next = 0;
  const openMs = options.breaker?.openMs ?? 2_000;
  const retryAfterSeconds = Math.ceil(openMs / 1000);
  // Errors raised before the request left: another replica may be asked, whatever the method.
  const unsent = new WeakSet<Error>();
  // Failures that say nothing about a replica's health (a draining replica's orderly refusal, a
  // port nobody listens on for a moment): they do not count towards its breaker.
  const refusals = new WeakSet<Error>();
  const drainingRefusals = new WeakSet<Error>();
  // One breaker per replica: a replica that is down (or restarting) must not fail the module
  // while another one answers. The module fails fast only when every replica's breaker is open.
  const breakers = new Map<string, CircuitBreakerPolicy>();
  const breakerFor = (origin: string) => {
    let breaker = breakers.get(origin);
    if (!breaker) {
      breaker = circuitBreaker(
        // A module that hangs is as broken as one that refuses: both open the breaker.
        handleWhen((error) => (error instanceof UnavailableError && !refusals.has(error)) || error instanceof UpstreamTimeoutError),
        { halfOpenAfter: openMs, breaker: new ConsecutiveBreaker(options.breaker?.failures ?? 5) },
      );
      breakers.set(origin, breaker);
    }
    return breaker;
  };

  const poolFor = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) {
      // A dead host must cost a fast failure, not the OS's connect timeout.
      pool = new Pool(origin, { connections: options.connections ?? 32, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: 1_000 } });
      pools.set(origin, pool);
    }
    return pool;
  };

  /** The next replica in turn, skipping those that failed a moment ago unless all did. */
  function pickOrigin(urls: readonly string[], draining: ReadonlySet<string>): string {
    const now = Date.now();
    for (let tried = 0; tried < urls.length; tried++) {
      const origin = urls[next++ % urls.length] as string;
      if ((downUntil.get(origin) ?? 0) <= now && !draining.has(origin)) return origin;
    }
    // Every replica failed a moment ago: one that is not shutting down may well be back.
    for (let tried = 0; tried < urls.length; tried++) {
      const origin = urls[next++ % urls.length] as string;
      if (!draining.has(origin)) return origin;
    }
    return urls[next++ % urls.length] as string;
  }

  async function headersFor(ctx: CallContext, extra: Record<string, string>): Promise<Record<string, string>> {
    const headers: Record<string, string> = { ...extra, [assertionHeader]: await options.signer.sign(ctx), 'x-request-id': ctx.requestId };
    // The active span (the request being served) becomes the remote call's parent.
    injectContext(headers);
    if (!headers.traceparent && ctx.traceparent) headers.traceparent = ctx.traceparent;
    return headers;
  }

  async function send(origin: string, request: Dispatcher.RequestOptions, long: boolean): Promise<Dispatcher.ResponseData> {
    let response: Dispatcher.ResponseData;
    try {
      response = await poolFor(origin).request({ ...request, ...(long ? { headersTimeout: 0, bodyTimeout: 0 } : {}) });
    } catch (error) {
      if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
        throw new UpstreamTimeoutError(`${options.module} did not answer within ${timeoutMs} ms`, { cause: error });
      }
      if (isConnectionFailure(error)) {
        const unavailable = new UnavailableError(`${options.module} is unreachable`, { cause: error, retryAfterSeconds });
        if (connectFailures.has((error as { code?: string }).code ?? '')) unsent.add(unavailable);
        // Refused at once (a replica restarting): skipping it for a moment is enough, and its
        // breaker stays closed so it is back in rotation as soon as it listens again.
        if ((error as { code?: string }).code === 'ECONNREFUSED') refusals.add(unavailable);
        throw unavailable;
      }
      throw error;
    }
    if (response.statusCode === 503 && response.headers[drainingHeader]) {
      await response.body.dump();
      // The replica is going: close our idle connections to it ourselves (requests in flight on
      // them finish first) rather than write a request onto one just as it closes them.
      const pool = pools.get(origin);
      if (pool) {
        pools.delete(origin);
        void pool.close().catch(() => undefined);
      }
      const draining = new UnavailableError(`${options.module} is shutting down`, { retryAfterSeconds });
      unsent.add(draining);
      refusals.add(draining);
      drainingRefusals.add(draining);
      throw draining;
    }
    return response;
  }

  /**
   * One call with fail-over: each attempt goes to the next replica through the breaker; a
   * failure is tried again elsewhere when the request never left or the operation is idempotent.
   */
  async function withFailover<T>(idempotent: boolean, attempt: (origin: string) => Promise<T>): Promise<T> {
    const urls = options.urls();
    if (urls.length === 0) throw new UnavailableError(`${options.module} has no configured URL`);
    const attempts = Math.max(1 + (options.retries ?? 2), urls.length);
    let lastError: unknown;
    // Replicas that refused this call because they are shutting down: not asked again.
    const draining = new Set<string>();
    for (let tried = 0; tried < attempts; tried++) {
      const origin = pickOrigin(urls, draining);
      try {
        return await breakerFor(origin).execute(() => attempt(origin));
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          // Refused here, before anything was sent: another replica may answer.
          lastError = new UnavailableError(`${options.module} is unavailable (circuit open)`, { retryAfterSeconds });
          downUntil.set(origin, Date.now() + 1_000);
          continue;
        }
        lastError = error;
        if (!(error instanceof UnavailableError)) throw error;
        downUntil.set(origin, Date.now() + 1_000);
        if (drainingRefusals.has(error)) draining.add(origin);
        if (!idempotent && !unsent.has(error)) throw error;
      }
    }
    throw lastError;
  }

  /** One attempt as a client span: the service's server span becomes its child. */
  function clientSpan<T>(method: string, origin: string, attempt: (span: Span) => Promise<T>): Promise<T> {
    if (!spansAreExported()) return attempt(unrecorded);
    return tracer.startActiveSpan(`${method} ${options.module}`, { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'server.address': origin, 'flowgate.module': options.module } }, async (span) => {
      try {
        return await attempt(span);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  /** A proxy's HTML error page is an answer too: the client reports its status, not a SyntaxError. */
  function parseBody(status: number, text: string): unknown {
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch (error) {
      if (status >= 400) return undefined;
      throw new RemoteInternalError(`${options.module} answered ${status} with a body that is not JSON`, 502, { cause: error });
    }
  }

  return {
    request(request) {
      return withFailover(request.idempotent, (origin) => clientSpan(request.method, origin, async (span) => {
        const headers = await headersFor(request.ctx, request.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' });
        const response = await send(
          origin,
          { method: request.method, path: request.path, headers, body: request.body === undefined ? undefined : JSON.stringify(request.body), signal: request.ctx.signal },
          false,
        );
        span.setAttribute('http.response.status_code', response.statusCode);
        const text = await response.body.text();
        if (response.statusCode === 503) throw new UnavailableError(`${options.module} is unavailable`, { retryAfterSeconds });
        return { status: response.statusCode, body: parseBody(response.statusCode, text) };
      }));
    },
    forward(request) {
      return withFailover(request.idempotent, (origin) => clientSpan(request.method, origin, async (span) => {
        const headers = await headersFor(request.ctx, request.headers);
        const response = await send(origin, { method: request.method as Dispatcher.HttpMethod, path: request.path, headers, body: request.body, signal: request.ctx.signal }, request.long);
        // The span covers the wait for the answer's head; a stream's body flows on after it.
        span.setAttribute('http.response.status_code', response.statusCode);
        return { status: response.statusCode, headers: response.headers, body: response.body };
      }));
    },
    breakerState() {
      // The module's state is its best replica's: closed if any replica's breaker is.
      const states = options.urls().map((origin) => breakers.get(origin)?.state ?? CircuitState.Closed);
      if (states.includes(CircuitState.Closed)) return 'closed';
      return states.includes(CircuitState.HalfOpen) ? 'half-open' : 'open';
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  };
}
