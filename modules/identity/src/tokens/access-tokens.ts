import { SignJWT } from 'jose';
import { uuidv7 } from 'uuidv7';
import type { Role } from '@flowgate/kernel';
import { accessTokenAlgorithm, type SigningKeys } from './signing-keys.js';

export const accessTokenIssuer = 'flowgate';

export interface AccessTokenSubject {
  id: string;
  role: Role;
  email: string;
  name: string;
}

/** Signs short-lived access tokens (EdDSA JWTs) that the gateway verifies on its own. */
export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    private readonly clock: () => Date,
    readonly ttlSeconds: number,
  ) {}

  async issue(user: AccessTokenSubject): Promise<string> {
    const { kid, privateKey } = await this.keys.signingKey();
    const issuedAt = Math.floor(this.clock().getTime() / 1000);
    return new SignJWT({ role: user.role, email: user.email, name: user.name })
      .setProtectedHeader({ alg: accessTokenAlgorithm, kid, typ: 'JWT' })
      .setIssuer(accessTokenIssuer)
      .setSubject(user.id)
      .setJti(uuidv7())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.ttlSeconds)
      .sign(privateKey);
  }
}
