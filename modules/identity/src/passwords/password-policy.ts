import { ValidationError } from '@flowgate/kernel';

export const MIN_PASSWORD_LENGTH = 8;

/**
 * The contract's schema enforces this at the HTTP boundary; the service checks again so that an
 * in-process caller gets the same 422 rather than a weak password stored.
 */
export function assertPasswordPolicy(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError('The password is too short', [{ path: '/password', message: `must NOT have fewer than ${MIN_PASSWORD_LENGTH} characters` }]);
  }
}
