import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { AuthenticationError, ConflictError, isUuid, NotAllowedError, NotFoundError, scopeAllowedForRole, ValidationError, type CallContext, type FieldProblem, type Principal, type Role, type Scope } from '@flowgate/kernel';
import { identityEvents, type ApiKey, type IssuedApiKey } from '../contract.js';
import { actsAsAdmin, callerOf, type UserPrincipal } from '../principals.js';
import type { IdentityResources } from '../resources.js';
import { apiKeys, users, type ApiKeyRow } from '../schema.js';
import { hashKey, looksLikeKey, newKey, newKeyPrefix } from './key-material.js';
import { applyUsage, type UsageItem } from './usage.js';

const DAY_MS = 86_400_000;
const DEFAULT_EXPIRY_DAYS = 90;
/** One answer for every key that does not work, so a caller learns nothing about why. */
const keyRefused = 'The API key is not valid, has expired or was revoked';

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    expires_at: row.expiresAt?.toISOString() ?? null,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    use_count: row.useCount,
    revoked_at: row.revokedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    user_id: row.userId,
  };
}

const issued = (row: ApiKeyRow, key: string): IssuedApiKey => ({
  id: row.id,
  name: row.name,
  key,
  prefix: row.prefix,
  scopes: row.scopes,
  expires_at: row.expiresAt?.toISOString() ?? null,
  created_at: row.createdAt.toISOString(),
});

/** Scopes an API key caller holds that let it grant anything its owner's role allows. */
const grantsAll = (scopes: readonly Scope[]) => scopes.includes('*') || scopes.includes('admin');

/** API keys: issued to their owner, stored only as hashes, rotated with a grace period, revoked at once. */
export class ApiKeys {
  constructor(private readonly r: IdentityResources) {}

  async create(input: { name: string; scopes?: Scope[]; expires_in_days?: number }, ctx: CallContext): Promise<IssuedApiKey> {
    const caller = callerOf(ctx);
    const [owner] = await this.r.db.orm.select().from(users).where(eq(users.id, caller.user_id));
    if (!owner || owner.disabled) throw new AuthenticationError('The account making this request no longer exists or is disabled');
    const callerKeyScopes = caller.api_key?.scopes;
    // A narrow key that makes a key without naming scopes hands on its own, not `*`.
    const scopes = input.scopes ?? (callerKeyScopes && !grantsAll(callerKeyScopes) ? callerKeyScopes : ['*']);
    assertGrantable(scopes, owner.role, callerKeyScopes);

    const now = this.r.clock();
    const expiresAt = new Date(now.getTime() + (input.expires_in_days ?? DEFAULT_EXPIRY_DAYS) * DAY_MS);
    // 36^8 prefixes: a collision is all but impossible, and retried when it happens.
    for (let attempt = 0; ; attempt++) {
      const prefix = newKeyPrefix();
      const key = newKey(prefix);
      const [row] = await this.r.db.orm
        .insert(apiKeys)
        .values({ id: uuidv7(), userId: owner.id, name: input.name, prefix, secretHash: hashKey(key), scopes: [...scopes], expiresAt, createdAt: now })
        .onConflictDoNothing()
        .returning();
      if (row) return issued(row, key);
      if (attempt >= 3) throw new ConflictError('Could not allocate an API key prefix; try again');
    }
  }

  /** The caller's keys, newest first; an admin may ask for another user's. */
  async list(input: { user_id?: string }, ctx: CallContext): Promise<{ items: ApiKey[] }> {
    const caller = callerOf(ctx);
    const userId = input.user_id ?? caller.user_id;
    if (userId !== caller.user_id && !actsAsAdmin(caller)) throw new NotAllowedError('Only admins may list the API keys of other users');
    if (!isUuid(userId)) return { items: [] };
    const rows = await this.r.db.orm.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
    return { items: rows.map(toApiKey) };
  }

  /** A new secret for the same key; the old secret keeps working for `grace_seconds` (default 0). */
  async rotate(input: { id: string; grace_seconds?: number }, ctx: CallContext): Promise<IssuedApiKey> {
    const caller = callerOf(ctx);
    const now = this.r.clock();
    const grace = input.grace_seconds ?? 0;
    const result = await this.r.db.transaction(async (tx) => {
      const [current] = isUuid(input.id) ? await tx.orm.select().from(apiKeys).where(eq(apiKeys.id, input.id)).for('update') : [];
      assertManageable(current, caller, input.id);
      if (current.revokedAt) throw new ConflictError('This API key was revoked; create a new one');
      if (current.expiresAt && current.expiresAt <= now) throw new ConflictError('This API key has expired; create a new one');
      const key = newKey(current.prefix);
      const [row] = await tx.orm
        .update(apiKeys)
        .set({
          secretHash: hashKey(key),
          previousSecretHash: grace > 0 ? current.secretHash : null,
          previousValidUntil: grace > 0 ? new Date(now.getTime() + grace * 1000) : null,
        })
        .where(eq(apiKeys.id, current.id))
        .returning();
      return { row: row as ApiKeyRow, key };
    });
    await this.changed(result.row);
    return issued(result.row, result.key);
  }

  /** Revokes a key; it fails from the next request on. Revoking a revoked key changes nothing. */
  async revoke(input: { id: string }, ctx: CallContext): Promise<void> {
    const caller = callerOf(ctx);
    const [current] = isUuid(input.id) ? await this.r.db.orm.select().from(apiKeys).where(eq(apiKeys.id, input.id)) : [];
    assertManageable(current, caller, input.id);
    await this.r.db.orm
      .update(apiKeys)
      .set({ revokedAt: this.r.clock() })
      .where(and(eq(apiKeys.id, current.id), isNull(apiKeys.revokedAt)));
    await this.changed(current);
  }

  /**
   * Resolves a key to the principal it acts for, with its owner's current role. One indexed read
   * (the current secret, or the previous one within its grace period) and no write: usage is
   * counted separately, in batches.
   */
  async verify(input: { key: string }): Promise<Principal> {
    if (!looksLikeKey(input.key)) throw new AuthenticationError(keyRefused);
    const secretHash = hashKey(input.key);
    const now = this.r.clock();
    const [found] = await this.r.db.orm
      .select({ key: apiKeys, owner: users })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(or(eq(apiKeys.secretHash, secretHash), and(eq(apiKeys.previousSecretHash, secretHash), gt(apiKeys.previousValidUntil, now))))
      .limit(1);
    if (!found || found.key.revokedAt || (found.key.expiresAt && found.key.expiresAt <= now) || found.owner.disabled) {
      throw new AuthenticationError(keyRefused);
    }
    const { key, owner } = found;
    return { kind: 'api_key', user_id: owner.id, email: owner.email, name: owner.name, role: owner.role, created_at: owner.createdAt.toISOString(), api_key: { id: key.id, scopes: key.scopes } };
  }

  recordUsage(input: { items: UsageItem[] }): Promise<void> {
    return applyUsage(this.r.db, input.items);
  }

  private changed(row: ApiKeyRow) {
    return this.r.publish(identityEvents.apiKeyChanged, { api_key_id: row.id, user_id: row.userId });
  }
}

/** Only the owner, or an admin, may manage a key; to anyone else it does not exist. */
function assertManageable(row: ApiKeyRow | undefined, caller: UserPrincipal, id: string): asserts row is ApiKeyRow {
  if (!row || (row.userId !== caller.user_id && !actsAsAdmin(caller))) throw new NotFoundError(`No API key ${id}`);
}

/** Every scope must be allowed for the owner's role and, when an API key asks, held by that key. */
function assertGrantable(scopes: readonly Scope[], role: Role, callerKeyScopes: readonly Scope[] | undefined) {
  const problems: FieldProblem[] = [];
  scopes.forEach((scope, index) => {
    if (!scopeAllowedForRole(scope, role)) {
      problems.push({ path: `/scopes/${index}`, message: `the ${scope} scope is beyond the ${role} role of the key's owner` });
    } else if (callerKeyScopes && !grantsAll(callerKeyScopes) && !callerKeyScopes.includes(scope)) {
      problems.push({ path: `/scopes/${index}`, message: `the ${scope} scope is beyond the scopes of the API key making this request` });
    }
  });
  if (problems.length > 0) throw new ValidationError('An API key cannot have more rights than its owner', problems);
}
