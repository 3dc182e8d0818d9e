import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertionHeader, type AssertionSigner, type HttpServer, type Principal } from '@flowgate/kernel';
import { IdentityService } from '../src/service.js';
import { migratedPglite, newSecretBox, resetIdentity, serviceApp, silentLogger, testClock, testConfig, type TestDatabase } from './support/harness.js';
import { password } from './support/suite-context.js';

/** Identity's own HTTP face in split mode, seen by a client that speaks raw HTTP. */
describe('identity service over HTTP', () => {
  let database: TestDatabase;
  let service: IdentityService;
  let app: HttpServer;
  let signer: AssertionSigner;

  beforeAll(async () => {
    database = await migratedPglite();
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    await resetIdentity(database.db);
    service = new IdentityService({ db: database.db, secrets: newSecretBox(), logger: silentLogger, config: testConfig(), clock: testClock() });
    ({ app, signer } = await serviceApp(service));
    return () => app.close();
  });

  const headersFor = async (principal: Principal | null) => ({ [assertionHeader]: await signer.sign({ principal }) });

  async function adminPrincipal(): Promise<Principal> {
    const admin = await service.register({ email: 'ada@example.com', password, name: 'Ada' });
    return { kind: 'user', user_id: admin.id, email: admin.email, name: admin.name, role: admin.role };
  }

  it('answers a request without the gateway\'s assertion with 401 problem+json', async () => {
    for (const request of [
      { method: 'GET' as const, url: '/api/v1/auth/me' },
      { method: 'POST' as const, url: '/internal/identity/api-keys/verify', payload: { key: 'fg_x' } },
    ]) {
      const response = await app.inject(request);
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 401, code: 'unauthenticated', instance: request.url });
    }
  });

  it('answers a forged assertion with 401', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { [assertionHeader]: 'eyJhbGciOiJIUzI1NiJ9.e30.forged' } });
    expect(response.statusCode).toBe(401);
  });

  it('answers a short password with 422 naming the field', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { email: 'ada@example.com', password: 'short', name: 'Ada' } });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().errors).toEqual([{ path: '/password', message: expect.any(String) }]);
  });

  it('answers a duplicate email with 409 and a wrong password with 401', async () => {
    const admin = await adminPrincipal();
    const duplicate = await app.inject({ method: 'POST', url: '/api/v1/users', headers: await headersFor(admin), payload: { email: 'ADA@example.com', password, name: 'Ada 2' } });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ code: 'conflict' });
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'ada@example.com', password: 'wrong password' } });
    expect(login.statusCode).toBe(401);
    expect(login.json()).toMatchObject({ code: 'unauthenticated', detail: 'The email or password is not correct' });
  });

  it('answers a garbled cursor with 400', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/users?cursor=garbled', headers: await headersFor(await adminPrincipal()) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'bad_request' });
  });

  it('keeps internal operations from user principals', async () => {
    const response = await app.inject({ method: 'POST', url: '/internal/identity/api-keys/verify', headers: await headersFor(await adminPrincipal()), payload: { key: 'fg_x' } });
    expect(response.statusCode).toBe(403);
  });

  it('keeps user administration from non-admins', async () => {
    const admin = await adminPrincipal();
    const viewer = await service.createUser({ email: 'vi@example.com', password, name: 'Vi', role: 'viewer' });
    const response = await app.inject({ method: 'GET', url: '/api/v1/users', headers: await headersFor({ ...admin, user_id: viewer.id, role: 'viewer' }) });
    expect(response.statusCode).toBe(403);
  });

  it('serves the JWKS to anyone and answers logout with an empty 204', async () => {
    await adminPrincipal();
    const jwks = await app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(jwks.statusCode).toBe(200);
    expect(jwks.json().keys[0]).toMatchObject({ kty: 'OKP', alg: 'EdDSA' });
    const pair = await service.login({ email: 'ada@example.com', password });
    const logout = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refresh_token: pair.refresh_token } });
    expect(logout.statusCode).toBe(204);
    expect(logout.body).toBe('');
    await expect(service.refresh({ refresh_token: pair.refresh_token })).rejects.toThrow();
  });
});
