import type { PgTable } from 'drizzle-orm/pg-core';
import { describeSchemaAgreement } from '@flowgate/kernel/testing';
import { apps, deployments, llmProviders, versionProviders, workflows, workflowVersions } from '../src/schema.js';
import { migratedPglite } from './support/harness.js';

describeSchemaAgreement('workflows', [apps, workflows, workflowVersions, versionProviders, deployments, llmProviders] as PgTable[], async () => (await migratedPglite()).db);
