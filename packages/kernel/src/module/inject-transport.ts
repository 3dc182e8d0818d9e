import type { FastifyInstance } from 'fastify';
import { assertionHeader, type AssertionSigner } from '../auth/index.js';
import type { Transport } from './client.js';

/**
 * A transport that goes through a Fastify app in-process with `app.inject`: the full HTTP layer
 * (routing, validation, serialization, error mapping) without a socket. Contract tests use it to
 * run the remote client against a module's real routes.
 */
export function injectTransport(app: FastifyInstance, signer: AssertionSigner): Transport {
  return {
    async request({ method, path, body, ctx }) {
      const response = await app.inject({
        method,
        url: path,
        headers: {
          [assertionHeader]: await signer.sign(ctx),
          'x-request-id': ctx.requestId,
          // As the HTTP transport does, so the service joins the caller's trace.
          ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      const text = response.body;
      return { status: response.statusCode, body: text ? JSON.parse(text) : undefined };
    },
  };
}
