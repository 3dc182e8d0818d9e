import type { PgTable } from 'drizzle-orm/pg-core';
import { describeSchemaAgreement } from '@flowgate/kernel/testing';
import { llmUsage, nodeRuns, platformDays, platformHours, runs, workflowDays, workflowHours } from '../src/schema.js';
import { migratedPglite } from './support/log-database.js';

describeSchemaAgreement('logs', [runs, nodeRuns, llmUsage, workflowHours, workflowDays, platformHours, platformDays] as PgTable[], migratedPglite);
