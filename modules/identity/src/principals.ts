import { AuthenticationError, NotAllowedError, scopesCover, type CallContext, type Principal } from '@flowgate/kernel';

/** A principal acting for a user: a user's token or one of their API keys. */
export type UserPrincipal = Principal & { kind: 'user' | 'api_key' };

export function callerOf(ctx: CallContext): UserPrincipal {
  const principal = ctx.principal;
  if (!principal) throw new AuthenticationError('Authentication required: send a bearer access token or an API key');
  if (principal.kind === 'service') throw new NotAllowedError('This operation acts for a user, not a service');
  return principal as UserPrincipal;
}

/** May act on other users' things: the admin role, and for an API key the admin (or `*`) scope. */
export const actsAsAdmin = (caller: Principal) => caller.role === 'admin' && scopesCover(caller, 'admin');

