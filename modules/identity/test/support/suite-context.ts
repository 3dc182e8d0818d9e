import { test, type TestAPI } from 'vitest';
import type { CallContext, Database, Principal, Role } from '@flowgate/kernel';
import type { TokenPair, User } from '../../src/contract.js';
import { createAccessTokenVerifier } from '../../src/tokens/access-token-verifier.js';
import { resetIdentity, startTarget, type IdentityTarget, type TargetOptions, type Via } from './harness.js';

export type Start = (options?: TargetOptions) => Promise<IdentityTarget>;
export type IdentityIt = TestAPI<{ start: Start }>;

/** A `test` whose `start` fixture builds identity on an emptied database, and stops it afterwards. */
export function identityIt(database: () => Database, via: Via): IdentityIt {
  return test.extend<{ start: Start }>({
    start: async ({}, use) => {
      await resetIdentity(database());
      const started: IdentityTarget[] = [];
      await use(async (options) => {
        const target = await startTarget(database(), via, options);
        started.push(target);
        return target;
      });
      await Promise.all(started.map((target) => target.close()));
    },
  });
}

export const password = 'correct horse battery staple';
export const anonymous: CallContext = { principal: null, requestId: 'test-anonymous' };
export const asService: CallContext = {
  principal: { kind: 'service', user_id: 'gateway', email: 'gateway@flowgate.internal', name: 'gateway', role: 'admin' },
  requestId: 'test-service',
};
export const as = (principal: Principal): CallContext => ({ principal, requestId: 'test-user' });

/** Resolves a value or the error it failed with, to compare failures with each other. */
export const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

export interface SignedIn {
  user: User;
  pair: TokenPair;
  ctx: CallContext;
}

/** The context the gateway would build from an access token, through the verifier it uses. */
export async function ctxOf(t: IdentityTarget, accessToken: string): Promise<CallContext> {
  const verifier = createAccessTokenVerifier(() => t.api.getJwks({}, anonymous), { clock: t.clock });
  return as({ kind: 'user', ...(await verifier.verify(accessToken)) });
}

/** The context the gateway would build from an API key. */
export async function keyCtxOf(t: IdentityTarget, key: string): Promise<CallContext> {
  return as(await t.api.verifyApiKey({ key }, asService));
}

export async function signIn(t: IdentityTarget, user: User): Promise<SignedIn> {
  const pair = await t.api.login({ email: user.email, password }, anonymous);
  return { user, pair, ctx: await ctxOf(t, pair.access_token) };
}

/** Registers the first user (who becomes admin) and logs them in. */
export async function firstAdmin(t: IdentityTarget): Promise<SignedIn> {
  const { user } = await t.api.register({ email: 'ada@example.com', password, name: 'Ada' }, anonymous);
  return signIn(t, user);
}

let serial = 0;

/** An admin creates a user with a role, who then logs in. */
export async function addUser(t: IdentityTarget, admin: SignedIn, role: Role, name = `${role} ${++serial}`): Promise<SignedIn> {
  const email = `${name.replaceAll(' ', '.').toLowerCase()}@example.com`;
  const user = await t.api.createUser({ email, password, name, role }, admin.ctx);
  return signIn(t, user);
}

export const DAY_MS = 86_400_000;
