import type { FastifyInstance } from 'fastify';
import { UnavailableError, toProblem } from '../errors/index.js';

/** A service answers this header with its 503 while it drains: the request was not processed. */
export const drainingHeader = 'x-flowgate-draining';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Stops taking new requests (each is answered 503 with `x-flowgate-draining`, so a gateway
     * sends it to another replica) and resolves once the requests in flight have finished, or
     * after `timeoutMs`. Call it before `close()`.
     */
    drain(timeoutMs: number, options?: { lingerMs?: number }): Promise<void>;
  }
}

/**
 * Graceful hand-over for rolling restarts. While draining, the connections stay open (closing an
 * idle keep-alive connection races with a request the gateway is writing on it), but every
 * answer closes its connection and new requests are refused before any work, which a gateway can
 * retry safely whatever the method.
 */
export function installDraining(app: FastifyInstance) {
  let draining = false;
  let inFlight = 0;
  let settled: (() => void) | undefined;

  app.addHook('onRequest', (request, reply, done) => {
    if (!draining) {
      inFlight++;
      reply.raw.once('close', () => {
        if (--inFlight === 0) settled?.();
      });
      return done();
    }
    const problem = toProblem(new UnavailableError('This service is shutting down', { retryAfterSeconds: 1 }), { instance: request.url.split('?')[0], requestId: request.id });
    void reply
      .code(503)
      .headers({ [drainingHeader]: '1', connection: 'close', 'retry-after': '1', 'x-request-id': request.id })
      .type('application/problem+json')
      .send(problem);
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });

  app.decorate('drain', async (timeoutMs: number, options: { lingerMs?: number } = {}) => {
    draining = true;
    // Refusing for a moment even with nothing in flight lets gateways learn (from a refusal)
    // that this replica is going, and drop their idle connections to it, before close() cuts
    // them: a request written onto a connection the server just closed fails unretryably.
    const linger = new Promise((resolve) => setTimeout(resolve, Math.min(options.lingerMs ?? 0, timeoutMs)));
    if (inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        settled = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
    }
    await linger;
  });
}
