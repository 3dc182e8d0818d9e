import { AuthenticationError, NotAllowedError } from '../errors/index.js';
import { roleAtLeast, scopesCover, type Principal } from '../auth/index.js';
import type { Access } from '../module/contract.js';

/** The one authorization rule for every route, at the edge and inside each service. */
export function authorize(access: Access, principal: Principal | null): void {
  if (access.kind === 'public') return;
  if (access.kind === 'internal') {
    if (principal?.kind !== 'service') throw new NotAllowedError('This operation is internal to Flowgate services');
    return;
  }
  if (!principal) throw new AuthenticationError('Authentication required: send a bearer access token or an API key');
  if (principal.kind === 'service') return;
  if (access.role && !roleAtLeast(principal.role, access.role)) {
    throw new NotAllowedError(`This needs the ${access.role} role; you have ${principal.role}`);
  }
  if (!scopesCover(principal, access.scope)) {
    throw new NotAllowedError(`This API key lacks the ${access.scope} scope`);
  }
}
