import { AuthenticationError, type CallContext } from '@flowgate/kernel';

/** Who is acting, for created_by/updated_by: the user behind a token or API key (or a service). */
export function actorOf(ctx: CallContext): string {
  if (!ctx.principal) throw new AuthenticationError('Authentication required: send a bearer access token or an API key');
  return ctx.principal.user_id;
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a row and must not reach a uuid column. */
export const isUuid = (id: string) => uuidShape.test(id);
