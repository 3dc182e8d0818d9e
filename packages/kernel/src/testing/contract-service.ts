import { randomBytes } from 'node:crypto';
import { authenticateByAssertion, createAssertionSigner, type AssertionSigner } from '../auth/index.js';
import { createHttpServer, type HttpServer } from '../http/index.js';
import { clientFor, injectTransport, routesFor, type ApiOf, type Contract } from '../module/index.js';
import { createLogger, type Logger } from '../observability/index.js';

/** A clock a test moves by hand: expiry and ordering are tested by advancing it, never by waiting. */
export interface TestClock {
  (): Date;
  advance(ms: number): void;
}

export function testClock(start = '2026-11-22T10:00:00.000Z'): TestClock {
  let now = new Date(start).getTime();
  const clock = (() => new Date(now)) as TestClock;
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

/**
 * A module as it runs behind the gateway in split mode: every route of its contract, internal
 * ones included, trusting only principals asserted by the returned signer; and the remote client
 * of that contract reaching it in-process. Contract tests run their cases against `client` and
 * against the local implementation.
 */
export async function contractService<C extends Contract>(
  contract: C,
  implementation: ApiOf<C>,
  options: { logger?: Logger } = {},
): Promise<{ app: HttpServer; signer: AssertionSigner; client: ApiOf<C> }> {
  const signer = createAssertionSigner(randomBytes(32));
  const app = await createHttpServer({
    logger: options.logger ?? createLogger({ level: 'silent' }),
    authenticateAll: true,
    authenticate: authenticateByAssertion(signer),
  });
  await app.register(routesFor(contract, implementation, { internal: true }));
  await app.ready();
  return { app, signer, client: clientFor(contract, injectTransport(app, signer)) };
}
