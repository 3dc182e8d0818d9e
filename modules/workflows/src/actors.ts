import { AuthenticationError, type CallContext } from '@flowgate/kernel';

/** Who is acting, for created_by/updated_by: the user behind a token or API key (or a service). */
export function actorOf(ctx: CallContext): string {
  if (!ctx.principal) throw new AuthenticationError('Authentication required: send a bearer access token or an API key');
  return ctx.principal.user_id;
}

