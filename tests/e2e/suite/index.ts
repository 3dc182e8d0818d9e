import { beforeAll, describe } from 'vitest';
import { setUpAccounts, type Accounts } from './accounts.js';
import { apiClient, type Target } from './client.js';
import { defineIdentitySuite } from './identity.js';
import { defineLogsSuite } from './logs.js';
import { definePlatformSuite } from './platform.js';
import { defineReadmeWalkthrough } from './readme-walkthrough.js';
import { defineRunsSuite } from './runs.js';
import { defineWorkflowsSuite } from './workflows.js';

export type { Target } from './client.js';
export { consoleOrigin, suiteEnv } from './environment.js';

/**
 * The black-box suite: only the public HTTP API through the gateway, asserting what API.md says.
 * It runs unchanged against every topology (monolith, split); only `mode` and `topology` differ.
 * The platform must be fresh (the suite registers its first user) and started with `suiteEnv`.
 */
export function defineApiSuite(target: () => Target) {
  const api = apiClient(target);
  let accounts: Accounts | undefined;
  const people = () => {
    if (!accounts) throw new Error('the suite\'s accounts were not set up (see the first failure)');
    return accounts;
  };

  describe('the public API', () => {
    beforeAll(async () => {
      accounts = await setUpAccounts(api);
    });
    defineReadmeWalkthrough(api, people);
    defineIdentitySuite(api, people);
    defineWorkflowsSuite(api, people);
    defineRunsSuite(api, people);
    defineLogsSuite(api, people);
    definePlatformSuite(api, people, target);
  });
}
