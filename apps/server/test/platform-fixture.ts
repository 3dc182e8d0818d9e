import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { startPlatform, type Platform } from '../src/index.js';

/** Settings that keep tests fast and quiet: cheap password hashing, no logs, any free port. */
export const testEnv = {
  FLOWGATE_PORT: '0',
  FLOWGATE_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  FLOWGATE_PASSWORD_HASH_COST: '10',
};

export interface TestPlatform extends Platform {
  dataDir: string;
  call(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Registers (or creates) a user and logs in; returns the access and refresh tokens. */
  login(email: string, password?: string): Promise<{ access_token: string; refresh_token: string }>;
  bearer(token: string): { authorization: string };
}

/** A whole platform in this process on PGlite in a temporary data directory. */
export async function startTestPlatform(env: Record<string, string> = {}, only?: string[]): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-test-'));
  const platform = await startPlatform({ env: { FLOWGATE_DATA_DIR: dataDir, ...testEnv, ...env }, only });
  const call = (options: InjectOptions) => platform.app.inject(options);
  return {
    ...platform,
    dataDir,
    call,
    async login(email, password = 'correct horse battery') {
      const response = await call({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
      if (response.statusCode !== 200) throw new Error(`login ${email} failed: ${response.statusCode} ${response.body}`);
      return response.json();
    },
    bearer: (token) => ({ authorization: `Bearer ${token}` }),
    async close() {
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers the first user (admin) and returns their tokens. */
export async function bootstrapAdmin(platform: TestPlatform, email = 'admin@example.com') {
  const response = await platform.call({ method: 'POST', url: '/api/v1/auth/register', payload: { email, password: 'correct horse battery', name: 'Admin' } });
  if (response.statusCode !== 201) throw new Error(`register failed: ${response.statusCode} ${response.body}`);
  return { user: response.json(), ...(await platform.login(email)) };
}

/** Creates a user through the admin API and logs them in. */
export async function createUser(platform: TestPlatform, adminToken: string, email: string, role: 'viewer' | 'editor' | 'admin') {
  const response = await platform.call({
    method: 'POST',
    url: '/api/v1/users',
    headers: platform.bearer(adminToken),
    payload: { email, password: 'correct horse battery', name: email.split('@')[0], role },
  });
  if (response.statusCode !== 201) throw new Error(`create user failed: ${response.statusCode} ${response.body}`);
  return { user: response.json(), ...(await platform.login(email)) };
}

// The suite's graphs, so the in-process and the black-box tests run the same workflows.
export { greetingGraph, spinningGraph } from '../../../tests/e2e/suite/graphs.js';
