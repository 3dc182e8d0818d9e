import { desc, gt, isNull, or, sql } from 'drizzle-orm';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey } from 'jose';
import type { Database, SecretBox } from '@flowgate/kernel';
import type { Jwks } from '../contract.js';
import { signingKeys, type SigningKeyRow } from '../schema.js';

export const accessTokenAlgorithm = 'EdDSA';

/** Serializes key creation across processes sharing the database (pg_advisory_xact_lock). */
const SIGNING_KEY_LOCK = 0x1d_51_6e_01;
/** How long a process keeps signing with the key it read before looking for a newer one. */
const CURRENT_KEY_TTL_MS = 60_000;

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

const aadFor = (kid: string) => `identity.signing_key:${kid}`;

/**
 * The Ed25519 key pairs that sign access tokens. The first is made on first use and kept in the
 * database with its private half encrypted by the SecretBox, so every replica signs with the same
 * key and a restart keeps issued tokens valid. After a rotation the retired key stays published
 * for as long as the tokens it signed can live.
 */
export class SigningKeys {
  private current: { key: Promise<SigningKey>; readAt: number } | undefined;

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    private readonly clock: () => Date,
    private readonly accessTokenTtlSeconds: number,
  ) {}

  /** The key that signs new tokens, created on first use. */
  signingKey(): Promise<SigningKey> {
    const now = this.clock().getTime();
    if (!this.current || now - this.current.readAt >= CURRENT_KEY_TTL_MS) {
      const key = this.loadOrCreate();
      this.current = { key, readAt: now };
      // A failed read must not stick: the next call tries again.
      key.catch(() => (this.current = undefined));
    }
    return this.current.key;
  }

  /** Public keys of the current key and of retired keys whose tokens may still be alive. */
  async publicKeys(): Promise<Jwks> {
    await this.signingKey();
    const horizon = new Date(this.clock().getTime() - this.accessTokenTtlSeconds * 1000);
    const rows = await this.db.orm
      .select()
      .from(signingKeys)
      .where(or(isNull(signingKeys.retiredAt), gt(signingKeys.retiredAt, horizon)))
      // The signing key first, then the retired ones, most recently retired first.
      .orderBy(sql`${signingKeys.retiredAt} desc nulls first`, desc(signingKeys.createdAt));
    return { keys: rows.map((row) => ({ ...row.publicJwk, kid: row.kid, alg: row.alg, use: 'sig' }) as Jwks['keys'][number]) };
  }

  /** Makes a new signing key and retires the others; tokens they signed stay valid until they expire. */
  async rotate(): Promise<string> {
    const now = this.clock();
    const fresh = await newKeyRow(this.secrets, now);
    await this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [SIGNING_KEY_LOCK]);
      await tx.orm.update(signingKeys).set({ retiredAt: now }).where(isNull(signingKeys.retiredAt));
      await tx.orm.insert(signingKeys).values(fresh);
    });
    this.current = undefined;
    return fresh.kid;
  }

  private async loadOrCreate(): Promise<SigningKey> {
    const row = await this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [SIGNING_KEY_LOCK]);
      const [existing] = await tx.orm.select().from(signingKeys).where(isNull(signingKeys.retiredAt)).orderBy(desc(signingKeys.createdAt)).limit(1);
      if (existing) return existing;
      const fresh = await newKeyRow(this.secrets, this.clock());
      await tx.orm.insert(signingKeys).values(fresh);
      return fresh;
    });
    return this.unseal(row);
  }

  private async unseal(row: Pick<SigningKeyRow, 'kid' | 'alg' | 'privateKeyEncrypted'>): Promise<SigningKey> {
    const jwk = JSON.parse(this.secrets.decrypt(row.privateKeyEncrypted, aadFor(row.kid))) as Record<string, string>;
    return { kid: row.kid, privateKey: (await importJWK(jwk, row.alg)) as CryptoKey };
  }
}

async function newKeyRow(secrets: SecretBox, now: Date): Promise<typeof signingKeys.$inferInsert> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    alg: accessTokenAlgorithm,
    publicJwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x },
    privateKeyEncrypted: secrets.encrypt(JSON.stringify(privateJwk), aadFor(kid)),
    createdAt: now,
  };
}
