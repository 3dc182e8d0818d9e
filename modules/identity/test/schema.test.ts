import type { PgTable } from 'drizzle-orm/pg-core';
import { describeSchemaAgreement } from '@flowgate/kernel/testing';
import { apiKeys, refreshTokens, signingKeys, users } from '../src/schema.js';
import { migratedPglite } from './support/harness.js';

describeSchemaAgreement('identity', [users, refreshTokens, apiKeys, signingKeys] as PgTable[], async () => (await migratedPglite()).db);
