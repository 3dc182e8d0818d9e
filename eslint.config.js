import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', fetch: 'readonly', performance: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', setImmediate: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only packages/kernel/src/config reads process.env.' }],
    },
  },
  {
    // Tests, fixtures and bench scripts read the environment directly, and Vitest fixtures
    // destructure an empty context (`async ({}, use) => …`).
    files: ['packages/kernel/src/config/**', 'packages/kernel/src/testing/**', 'bench/**', 'tests/**', '**/test/**', '**/*.test.ts', 'vitest.config.ts', 'apps/console/vite.config.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-empty-pattern': 'off' },
  },
);
