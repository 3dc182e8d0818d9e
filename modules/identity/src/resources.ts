import type { Database, Logger } from '@flowgate/kernel';
import type { IdentityConfig } from './config.js';
import type { PublishChange } from './events.js';
import type { PasswordHasher } from './passwords/password-hasher.js';

/** What the parts of the identity service share. */
export interface IdentityResources {
  db: Database;
  config: IdentityConfig;
  clock: () => Date;
  hasher: PasswordHasher;
  publish: PublishChange;
  logger: Logger;
}

/** Serializes changes that decide who is admin (first user, last enabled admin): pg_advisory_xact_lock. */
export const ADMIN_SET_LOCK = 0x1d_51_6e_02;
