import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Under CI a JSON report too, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        // Tests run against the TypeScript sources, never a stale dist/.
        resolve: {
          alias: [
            { find: /^@flowgate\/kernel\/testing$/, replacement: root('./packages/kernel/src/testing/index.ts') },
            { find: /^@flowgate\/kernel$/, replacement: root('./packages/kernel/src/index.ts') },
            { find: /^@flowgate\/server$/, replacement: root('./apps/server/src/index.ts') },
            { find: /^@flowgate\/([a-z-]+)\/contract$/, replacement: root('./modules/$1/src/contract.ts') },
            { find: /^@flowgate\/([a-z-]+)$/, replacement: root('./modules/$1/src/module.ts') },
          ],
        },
        test: {
          name: 'platform',
          include: ['packages/*/{src,test}/**/*.test.ts', 'modules/*/{src,test}/**/*.test.ts', 'apps/*/{src,test}/**/*.test.ts', 'tests/**/*.test.ts'],
          // The console's own components run in the browser-like project below.
          exclude: ['**/node_modules/**', 'apps/console/src/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      'apps/console/vite.config.ts',
    ],
  },
});
