import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, jsonb, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { JWK } from 'jose';
import type { Role, Scope } from '@flowgate/kernel';

/** Identity's own schema; nothing outside this module reads or references these tables. */
export const identitySchema = pgSchema('identity');

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = identitySchema.table(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull(),
    passwordHash: text('password_hash').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(sql`lower(${t.email})`),
    index('users_created_at_id_idx').on(t.createdAt, t.id),
    check('users_role_check', sql`${t.role} in ('viewer', 'editor', 'admin')`),
  ],
);

/** One row per refresh token ever issued; a login starts a family, each refresh extends it. */
export const refreshTokens = identitySchema.table(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique('refresh_tokens_token_hash_key'),
    familyId: uuid('family_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    /** Set when the token was exchanged; presenting it again is a replay. */
    usedAt: at('used_at'),
    replacedBy: uuid('replaced_by'),
    revokedAt: at('revoked_at'),
  },
  (t) => [index('refresh_tokens_family_id_idx').on(t.familyId), index('refresh_tokens_user_id_idx').on(t.userId)],
);

export const apiKeys = identitySchema.table(
  'api_keys',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** `fg_` and 8 characters: shown in lists, kept across rotations. */
    prefix: text('prefix').notNull().unique('api_keys_prefix_key'),
    secretHash: text('secret_hash').notNull().unique('api_keys_secret_hash_key'),
    /** The secret replaced by the last rotation, accepted until `previous_valid_until`. */
    previousSecretHash: text('previous_secret_hash').unique('api_keys_previous_secret_hash_key'),
    previousValidUntil: at('previous_valid_until'),
    scopes: text('scopes').array().$type<Scope[]>().notNull(),
    expiresAt: at('expires_at'),
    lastUsedAt: at('last_used_at'),
    useCount: bigint('use_count', { mode: 'number' }).notNull().default(0),
    revokedAt: at('revoked_at'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [index('api_keys_user_id_idx').on(t.userId)],
);

/** Access-token signing keys; the private half is encrypted with the kernel's SecretBox. */
export const signingKeys = identitySchema.table('signing_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  publicJwk: jsonb('public_jwk').$type<JWK>().notNull(),
  privateKeyEncrypted: text('private_key_encrypted').notNull(),
  createdAt: at('created_at').notNull(),
  /** Set when a newer key took over; still published while tokens it signed may be alive. */
  retiredAt: at('retired_at'),
});

export type UserRow = typeof users.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
export type SigningKeyRow = typeof signingKeys.$inferSelect;
