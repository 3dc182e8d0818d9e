import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { assertionHeader, type AssertionSigner } from '../auth/index.js';
import { RemoteInternalError, UnavailableError, UpstreamTimeoutError } from '../errors/index.js';
import { injectContext } from '../observability/index.js';
import type { Transport, TransportRequest, TransportResponse } from './client.js';

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

export interface HttpTransport extends Transport {
  /** `closed` (healthy), `open` (failing fast) or `half-open` (probing). */
  breakerState(): 'closed' | 'open' | 'half-open';
  close(): Promise<void>;
}

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
 * Reaches a remote module over HTTP: keep-alive pools per origin, round-robin over replicas,
 * retries only where the operation is idempotent, and a circuit breaker so a dead module costs
 * callers a fast 503 rather than a timeout each.
 */
export function httpTransport(options: HttpTransportOptions): HttpTransport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pools = new Map<string, Pool>();
  let next = 0;
  const openMs = options.breaker?.openMs ?? 5_000;
  const breaker: CircuitBreakerPolicy = circuitBreaker(
    // A module that hangs is as broken as one that refuses: both open the breaker.
    handleWhen((error) => error instanceof UnavailableError || error instanceof UpstreamTimeoutError),
    { halfOpenAfter: openMs, breaker: new ConsecutiveBreaker(options.breaker?.failures ?? 5) },
  );

  const poolFor = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: options.connections ?? 32, keepAliveTimeout: 30_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      pools.set(origin, pool);
    }
    return pool;
  };

  async function once(origin: string, request: TransportRequest): Promise<TransportResponse> {
    const headers: Record<string, string> = {
      [assertionHeader]: await options.signer.sign(request.ctx),
      'x-request-id': request.ctx.requestId,
      accept: 'application/json',
    };
    // The active span (the request being served) becomes the remote call's parent.
    injectContext(headers);
    if (!headers.traceparent && request.ctx.traceparent) headers.traceparent = request.ctx.traceparent;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Dispatcher.ResponseData;
    try {
      response = await poolFor(origin).request({
        method: request.method,
        path: request.path,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: request.ctx.signal,
      });
    } catch (error) {
      if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
        throw new UpstreamTimeoutError(`${options.module} did not answer within ${timeoutMs} ms`, { cause: error });
      }
      if (isConnectionFailure(error)) throw new UnavailableError(`${options.module} is unreachable`, { cause: error, retryAfterSeconds: Math.ceil(openMs / 1000) });
      throw error;
    }
    const text = await response.body.text();
    if (response.statusCode === 503) {
      throw new UnavailableError(`${options.module} is unavailable`, { retryAfterSeconds: Math.ceil(openMs / 1000) });
    }
    return { status: response.statusCode, body: parseBody(response.statusCode, text) };
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
    async request(request) {
      const urls = options.urls();
      if (urls.length === 0) throw new UnavailableError(`${options.module} has no configured URL`);
      const attempts = request.idempotent ? 1 + (options.retries ?? 2) : 1;
      let lastError: unknown;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const origin = urls[next++ % urls.length] as string;
        try {
          return await breaker.execute(() => once(origin, request));
        } catch (error) {
          if (error instanceof BrokenCircuitError) {
            throw new UnavailableError(`${options.module} is unavailable (circuit open)`, { retryAfterSeconds: Math.ceil(openMs / 1000) });
          }
          lastError = error;
          if (!(error instanceof UnavailableError)) throw error;
        }
      }
      throw lastError;
    },
    breakerState() {
      const state = breaker.state;
      return state === 0 ? 'closed' : state === 1 ? 'open' : state === 2 ? 'half-open' : 'open';
    },
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
      pools.clear();
    },
  };
}
