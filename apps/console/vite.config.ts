import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// In development the console runs on Vite's server and reaches a platform started with
// `npm start` through this proxy, so the browser still sees one origin (as it does in production,
// where the gateway serves the built files).
const platform = process.env.FLOWGATE_CONSOLE_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  // '/api/' and not '/api': the console's own /api-keys page must not go to the platform.
  server: { proxy: { '/api/': platform, '/health': platform, '/.well-known': platform } },
  // The manifest lets bench/console-bundle.mjs weigh what each page loads.
  build: { target: 'es2022', manifest: true },
  test: {
    name: 'console',
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/testing/setup.ts'],
  },
});
