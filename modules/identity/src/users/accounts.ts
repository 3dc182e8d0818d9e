import { and, count, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { AuthenticationError, ConflictError, isUuid, NotAllowedError, NotFoundError, type CallContext, type Role, type SqlExecutor } from '@flowgate/kernel';
import type { Static } from '@sinclair/typebox';
import { identityEvents, type MeSchema, type User, type UserState } from '../contract.js';
import { assertPasswordPolicy } from '../passwords/password-policy.js';
import { callerOf } from '../principals.js';
import { ADMIN_SET_LOCK, type IdentityResources } from '../resources.js';
import { refreshTokens, users, type UserRow } from '../schema.js';
import { decodeUserCursor, encodeUserCursor } from './user-cursor.js';

type Me = Static<typeof MeSchema>;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

interface NewUser {
  email: string;
  password: string;
  name: string;
}

const lockAdminSet = (tx: SqlExecutor) => tx.query('select pg_advisory_xact_lock($1)', [ADMIN_SET_LOCK]);

/** Users and their administration: registration, the admin's CRUD, the last-admin rule. */
export class Accounts {
  constructor(private readonly r: IdentityResources) {}

  /** The first user becomes admin; later ones register only when registration is open. */
  async register(input: NewUser): Promise<User> {
    assertPasswordPolicy(input.password);
    // Cheap refusal first, so a closed registration costs no password hash.
    if (!this.r.config.openRegistration && (await this.anyUserExists(this.r.db))) throw registrationClosed();
    const passwordHash = await this.r.hasher.hash(input.password);
    const row = await this.r.db.transaction(async (tx) => {
      // Two first registrations at once: the lock makes the second see the first.
      await lockAdminSet(tx);
      const first = !(await this.anyUserExists(tx));
      if (!first && !this.r.config.openRegistration) throw registrationClosed();
      return this.insert(tx, { ...input, passwordHash, role: first ? 'admin' : 'viewer' });
    });
    await this.changed(row.id);
    return toUser(row);
  }

  async create(input: NewUser & { role?: Role }): Promise<User> {
    assertPasswordPolicy(input.password);
    const passwordHash = await this.r.hasher.hash(input.password);
    const row = await this.insert(this.r.db, { ...input, passwordHash, role: input.role ?? 'viewer' });
    await this.changed(row.id);
    return toUser(row);
  }

  async list(input: { limit?: number; cursor?: string }): Promise<{ items: User[]; next_cursor: string | null }> {
    const limit = input.limit ?? 50;
    const after = input.cursor === undefined ? undefined : decodeUserCursor(input.cursor);
    const rows = await this.r.db.orm
      .select()
      .from(users)
      .where(after ? sql`(${users.createdAt}, ${users.id}) < (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined)
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toUser), next_cursor: rows.length > limit && last ? encodeUserCursor(last) : null };
  }

  async get(id: string): Promise<User> {
    return toUser(await this.row(id));
  }

  async state(id: string): Promise<UserState> {
    const row = await this.row(id);
    return { user_id: row.id, email: row.email, name: row.name, role: row.role, disabled: row.disabled, created_at: row.createdAt.toISOString() };
  }

  /** The calling user (and the API key it calls with), as stored now. */
  async me(ctx: CallContext): Promise<Me> {
    const caller = callerOf(ctx);
    const keyPart = caller.api_key ? { api_key: { id: caller.api_key.id, scopes: caller.api_key.scopes } } : {};
    // The gateway authenticated this caller against the user's current state just now; when it
    // carries everything /auth/me shows, answer from it rather than read the row again.
    if (caller.created_at) {
      return { id: caller.user_id, email: caller.email, name: caller.name, role: caller.role, created_at: caller.created_at, ...keyPart };
    }
    const [user] = await this.r.db.orm.select().from(users).where(eq(users.id, caller.user_id));
    if (!user || user.disabled) throw new AuthenticationError('The account of this token no longer exists or is disabled');
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      created_at: user.createdAt.toISOString(),
      ...keyPart,
    };
  }

  /** The user row, or NotFoundError. */
  async row(id: string): Promise<UserRow> {
    const [row] = isUuid(id) ? await this.r.db.orm.select().from(users).where(eq(users.id, id)) : [];
    if (!row) throw new NotFoundError(`No user ${id}`);
    return row;
  }

  /** Changes role, name or disabled; disabling also ends the user's sessions. */
  async update(input: { id: string; role?: Role; name?: string; disabled?: boolean }, ctx: CallContext): Promise<User> {
    const now = this.r.clock();
    const row = await this.r.db.transaction(async (tx) => {
      await lockAdminSet(tx);
      const current = await this.rowForUpdate(tx, input.id);
      const role = input.role ?? current.role;
      const disabled = input.disabled ?? current.disabled;
      if (current.role === 'admin' && !current.disabled && (role !== 'admin' || disabled)) {
        await this.assertAnotherEnabledAdmin(tx, current.id, ctx, role !== 'admin' ? 'demote' : 'disable');
      }
      const [updated] = await tx.orm
        .update(users)
        .set({ role, disabled, name: input.name ?? current.name, updatedAt: now })
        .where(eq(users.id, current.id))
        .returning();
      if (disabled && !current.disabled) {
        await tx.orm.update(refreshTokens).set({ revokedAt: now }).where(and(eq(refreshTokens.userId, current.id), isNull(refreshTokens.revokedAt)));
      }
      return updated as UserRow;
    });
    await this.changed(row.id);
    return toUser(row);
  }

  /** Deletes the user; their refresh tokens and API keys go with them (ON DELETE CASCADE). */
  async delete(input: { id: string }, ctx: CallContext): Promise<void> {
    await this.r.db.transaction(async (tx) => {
      await lockAdminSet(tx);
      const current = await this.rowForUpdate(tx, input.id);
      if (current.role === 'admin' && !current.disabled) await this.assertAnotherEnabledAdmin(tx, current.id, ctx, 'delete');
      await tx.orm.delete(users).where(eq(users.id, current.id));
    });
    await this.changed(input.id);
  }

  private async insert(tx: SqlExecutor, user: Omit<NewUser, 'password'> & { passwordHash: string; role: Role }): Promise<UserRow> {
    const now = this.r.clock();
    const [row] = await tx.orm
      .insert(users)
      .values({ id: uuidv7(), email: user.email, name: user.name, role: user.role, passwordHash: user.passwordHash, disabled: false, createdAt: now, updatedAt: now })
      // The only unique index besides the key is lower(email).
      .onConflictDoNothing()
      .returning();
    if (!row) throw new ConflictError(`A user with the email ${user.email} already exists`);
    return row;
  }

  private async rowForUpdate(tx: SqlExecutor, id: string): Promise<UserRow> {
    const [row] = isUuid(id) ? await tx.orm.select().from(users).where(eq(users.id, id)).for('update') : [];
    if (!row) throw new NotFoundError(`No user ${id}`);
    return row;
  }

  private async assertAnotherEnabledAdmin(tx: SqlExecutor, userId: string, ctx: CallContext, action: 'demote' | 'disable' | 'delete') {
    const [others] = await tx.orm
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.disabled, false), ne(users.id, userId)));
    if ((others?.n ?? 0) > 0) return;
    const self = ctx.principal?.user_id === userId;
    throw new ConflictError(
      self
        ? `You are the last enabled admin: make another user admin before you ${action} yourself`
        : `User ${userId} is the last enabled admin: make another user admin before you ${action} them`,
    );
  }

  private async anyUserExists(executor: Pick<SqlExecutor, 'orm'>): Promise<boolean> {
    const rows = await executor.orm.select({ id: users.id }).from(users).limit(1);
    return rows.length > 0;
  }

  private changed(userId: string) {
    return this.r.publish(identityEvents.userChanged, { user_id: userId });
  }
}

const registrationClosed = () => new NotAllowedError('Registration is closed: ask an administrator to create your account');
