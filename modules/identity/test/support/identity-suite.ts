import { afterAll, beforeAll, describe } from 'vitest';
import type { Database } from '@flowgate/kernel';
import { apiKeyCases } from './cases/api-key-cases.js';
import { authCases } from './cases/auth-cases.js';
import { userCases } from './cases/user-cases.js';
import type { TestDatabase, Via } from './harness.js';
import { identityIt } from './suite-context.js';

/**
 * The one behaviour suite of identity's contract. Each run picks a database and a way in: the
 * local service called directly, or the remote client through the service's HTTP routes. The
 * answers, errors included, must be the same every way.
 */
export function describeIdentitySuite(label: string, options: { open: () => Promise<TestDatabase>; via: Via }) {
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
    const it = identityIt(db, options.via);
    authCases(it);
    userCases(it);
    apiKeyCases(it);
  });
}
