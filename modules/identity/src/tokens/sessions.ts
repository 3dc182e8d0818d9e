import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { AuthenticationError, type SqlExecutor } from '@flowgate/kernel';
import type { TokenPair } from '../contract.js';
import type { IdentityResources } from '../resources.js';
import { refreshTokens, users, type UserRow } from '../schema.js';
import type { AccessTokens } from './access-tokens.js';
import { hashRefreshToken, looksLikeRefreshToken, newRefreshToken } from './refresh-token-material.js';

/** One message for every wrong email or password, so the answer does not tell which. */
export const wrongCredentials = 'The email or password is not correct';
const refreshRefused = 'The refresh token is not valid; log in again';
const refreshReplayed = 'This refresh token was already used, so its session has been ended; log in again';

type RefreshOutcome = { ok: true; user: UserRow; token: string } | { ok: false; message: string };

/**
 * Sessions: a login starts a family of refresh tokens; each refresh exchanges the presented token
 * for the next one of the family. A token presented twice means it leaked, so the family ends.
 */
export class Sessions {
  constructor(
    private readonly r: IdentityResources,
    private readonly accessTokens: AccessTokens,
  ) {}

  async login(input: { email: string; password: string }): Promise<TokenPair> {
    const [user] = await this.r.db.orm
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = lower(${input.email.trim()})`);
    if (!user) {
      await this.r.hasher.spend(input.password);
      throw new AuthenticationError(wrongCredentials);
    }
    if (!(await this.r.hasher.verify(input.password, user.passwordHash))) throw new AuthenticationError(wrongCredentials);
    if (user.disabled) throw new AuthenticationError('This account is disabled');
    if (this.r.hasher.needsRehash(user.passwordHash)) await this.rehash(user.id, input.password);
    const token = await this.insertToken(this.r.db, user.id, uuidv7());
    return this.pair(user, token);
  }

  async refresh(input: { refresh_token: string }): Promise<TokenPair> {
    if (!looksLikeRefreshToken(input.refresh_token)) throw new AuthenticationError(refreshRefused);
    const tokenHash = hashRefreshToken(input.refresh_token);
    const now = this.r.clock();
    // The transaction commits a family's revocation even though the caller is then refused.
    const outcome = await this.r.db.transaction(async (tx): Promise<RefreshOutcome> => {
      // Locks the token row: of two simultaneous refreshes with one token, the second is a replay.
      const [token] = await tx.orm.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).for('update');
      if (!token || token.revokedAt) return { ok: false, message: refreshRefused };
      if (token.usedAt) {
        await revokeFamily(tx, token.familyId, now);
        this.r.logger.warn({ user_id: token.userId, family_id: token.familyId }, 'refresh token replayed: session family revoked');
        return { ok: false, message: refreshReplayed };
      }
      const [user] = await tx.orm.select().from(users).where(eq(users.id, token.userId));
      if (!user || user.disabled || token.expiresAt <= now) return { ok: false, message: refreshRefused };
      const nextId = uuidv7();
      await tx.orm.update(refreshTokens).set({ usedAt: now, replacedBy: nextId }).where(eq(refreshTokens.id, token.id));
      const next = await this.insertToken(tx, user.id, token.familyId, nextId);
      return { ok: true, user, token: next };
    });
    if (!outcome.ok) throw new AuthenticationError(outcome.message);
    return this.pair(outcome.user, outcome.token);
  }

  /**
   * Ends the session the token belongs to. Like OAuth token revocation (RFC 7009), an unknown or
   * already revoked token is not an error: the session is over either way.
   */
  async logout(input: { refresh_token: string }): Promise<void> {
    if (!looksLikeRefreshToken(input.refresh_token)) return;
    const family = this.r.db.orm
      .select({ familyId: refreshTokens.familyId })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, hashRefreshToken(input.refresh_token)));
    await this.r.db.orm
      .update(refreshTokens)
      .set({ revokedAt: this.r.clock() })
      .where(and(inArray(refreshTokens.familyId, family), isNull(refreshTokens.revokedAt)));
  }

  private async insertToken(tx: SqlExecutor, userId: string, familyId: string, id = uuidv7()): Promise<string> {
    const token = newRefreshToken();
    const now = this.r.clock();
    await tx.orm.insert(refreshTokens).values({
      id,
      tokenHash: hashRefreshToken(token),
      familyId,
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.r.config.refreshTokenTtlDays * 86_400_000),
    });
    return token;
  }

  private async pair(user: UserRow, refreshToken: string): Promise<TokenPair> {
    const accessToken = await this.accessTokens.issue(user);
    return { access_token: accessToken, refresh_token: refreshToken, token_type: 'Bearer', expires_in: this.accessTokens.ttlSeconds };
  }

  /** The configured cost changed since this hash was made: store one at today's cost. */
  private async rehash(userId: string, password: string) {
    const passwordHash = await this.r.hasher.hash(password);
    await this.r.db.orm.update(users).set({ passwordHash }).where(eq(users.id, userId));
  }
}

function revokeFamily(tx: SqlExecutor, familyId: string, now: Date) {
  return tx.orm
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}
