import { describe, expect, it } from 'vitest';
import { roleAtLeast, scopeAllowedForRole, scopesCover, type Principal, type Scope } from './principal.js';

const user: Principal = { kind: 'user', user_id: 'u_1', email: 'e@example.com', name: 'E', role: 'editor' };
const keyWith = (...scopes: Scope[]): Principal => ({ ...user, kind: 'api_key', api_key: { id: 'k_1', scopes } });

describe('roles', () => {
  it('orders admin > editor > viewer', () => {
    expect(roleAtLeast('admin', 'editor')).toBe(true);
    expect(roleAtLeast('editor', 'editor')).toBe(true);
    expect(roleAtLeast('editor', 'admin')).toBe(false);
    expect(roleAtLeast('viewer', 'editor')).toBe(false);
  });

  it('lets a key hold only scopes its owner role allows', () => {
    expect(scopeAllowedForRole('workflows:read', 'viewer')).toBe(true);
    expect(scopeAllowedForRole('workflows:write', 'viewer')).toBe(false);
    expect(scopeAllowedForRole('workflows:run', 'editor')).toBe(true);
    expect(scopeAllowedForRole('admin', 'editor')).toBe(false);
    expect(scopeAllowedForRole('admin', 'admin')).toBe(true);
    expect(scopeAllowedForRole('*', 'viewer')).toBe(true);
  });
});

describe('scopesCover', () => {
  it('limits users by role alone', () => {
    expect(scopesCover(user, 'workflows:write')).toBe(true);
  });

  it('lets * and admin cover every scope', () => {
    expect(scopesCover(keyWith('*'), 'logs:read')).toBe(true);
    expect(scopesCover(keyWith('admin'), 'workflows:run')).toBe(true);
  });

  it('needs the exact scope otherwise', () => {
    expect(scopesCover(keyWith('workflows:read'), 'workflows:read')).toBe(true);
    expect(scopesCover(keyWith('workflows:read'), 'workflows:write')).toBe(false);
    expect(scopesCover(keyWith(), 'workflows:read')).toBe(false);
  });

  it('lets any key through a route that names no scope', () => {
    expect(scopesCover(keyWith(), undefined)).toBe(true);
  });
});
