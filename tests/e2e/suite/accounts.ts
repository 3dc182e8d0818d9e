import { expect } from 'vitest';
import type { Answer, ApiClient } from './client.js';

export const password = 'correct horse battery';

/** The README's first user: registering makes them the admin. */
export const adaAccount = { email: 'ada@example.com', password, name: 'Ada' };

export interface Accounts {
  /** The answer to the very first registration (README step 1). */
  registration: Answer;
  admin: { id: string; token: string };
  editor: { id: string; token: string };
  viewer: { id: string; token: string };
}

export async function login(api: ApiClient, email: string, secret = password): Promise<{ access_token: string; refresh_token: string }> {
  const answer = await api.post('/api/v1/auth/login', { email, password: secret });
  expect(answer.status, `login ${email}: ${answer.text}`).toBe(200);
  return answer.body;
}

/** Creates a user through the admin API and logs them in. */
export async function createUser(api: ApiClient, adminToken: string, email: string, role: 'admin' | 'editor' | 'viewer') {
  const created = await api.post('/api/v1/users', { email, password, name: email.split('@')[0], role }, { token: adminToken });
  expect(created.status, created.text).toBe(201);
  return { id: created.body.id as string, token: (await login(api, email)).access_token };
}

/**
 * The platform's people, made once per platform: Ada registers first (and so is the admin), then
 * creates an editor and a viewer.
 */
export async function setUpAccounts(api: ApiClient): Promise<Accounts> {
  const registration = await api.post('/api/v1/auth/register', adaAccount);
  expect(registration.status, registration.text).toBe(201);
  const admin = { id: registration.body.id as string, token: (await login(api, adaAccount.email)).access_token };
  const editor = await createUser(api, admin.token, 'edith.editor@example.com', 'editor');
  const viewer = await createUser(api, admin.token, 'victor.viewer@example.com', 'viewer');
  return { registration, admin, editor, viewer };
}
