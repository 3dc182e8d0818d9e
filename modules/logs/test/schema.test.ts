import type { PgTable } from 'drizzle-orm/pg-core';
import { describeSchemaAgreement } from '@flowgate/kernel/testing';
import { llmUsage, nodeRuns, platformHours, runs, workflowHours } from '../src/schema.js';
import { migratedPglite } from './support/log-database.js';

describeSchemaAgreement('logs', [runs, nodeRuns, llmUsage, workflowHours, platformHours] as PgTable[], migratedPglite);
