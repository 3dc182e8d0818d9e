import { afterAll, beforeAll, describe } from 'vitest';
import type { Database } from '@flowgate/kernel';
import { appCases } from './cases/app-cases.js';
import { deploymentCases } from './cases/deployment-cases.js';
import { providerCases } from './cases/provider-cases.js';
import { versionCases, versionRaceCases } from './cases/version-cases.js';
import { workflowCases } from './cases/workflow-cases.js';
import type { TestDatabase, Via } from './harness.js';
import { workflowsIt } from './suite-context.js';

/**
 * The one behaviour suite of workflows' contract. Each run picks a database and a way in: the
 * local service called directly, or the remote client through the service's HTTP routes. The
 * answers, errors included, must be the same every way.
 */
export function describeWorkflowsSuite(label: string, options: { open: () => Promise<TestDatabase>; via: Via }) {
  describe(label, () => {
    let database: TestDatabase | undefined;
    beforeAll(async () => {
      database = await options.open();
    });
    afterAll(async () => {
      await database?.close();
    });
    const db = (): Database => {
      if (!database) throw new Error('the test database did not open');
      return database.db;
    };
    const it = workflowsIt(db, options.via);
    appCases(it);
    workflowCases(it);
    versionCases(it);
    versionRaceCases(it);
    deploymentCases(it);
    providerCases(it);
  });
}
