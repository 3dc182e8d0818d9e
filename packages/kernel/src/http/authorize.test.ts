import { describe, expect, it } from 'vitest';
import type { Principal, Role, Scope } from '../auth/index.js';
import { AuthenticationError, NotAllowedError } from '../errors/index.js';
import { authorize } from './authorize.js';

const user = (role: Role): Principal => ({ kind: 'user', user_id: `u_${role}`, email: `${role}@example.com`, name: role, role });
const key = (role: Role, ...scopes: Scope[]): Principal => ({ ...user(role), kind: 'api_key', api_key: { id: 'k', scopes } });
const service: Principal = { kind: 'service', user_id: 'svc', email: 'svc@flowgate.local', name: 'gateway', role: 'viewer' };

describe('authorize', () => {
  it('lets anyone call a public operation', () => {
    expect(() => authorize({ kind: 'public' }, null)).not.toThrow();
    expect(() => authorize({ kind: 'public' }, user('viewer'))).not.toThrow();
  });

  it('needs a principal for a user operation (401)', () => {
    expect(() => authorize({ kind: 'user' }, null)).toThrow(AuthenticationError);
    expect(() => authorize({ kind: 'user' }, user('viewer'))).not.toThrow();
  });

  it('needs at least the role (403 naming both roles)', () => {
    const write = { kind: 'user', role: 'editor' } as const;
    expect(() => authorize(write, user('viewer'))).toThrow(new NotAllowedError('This needs the editor role; you have viewer'));
    expect(() => authorize(write, user('editor'))).not.toThrow();
    expect(() => authorize(write, user('admin'))).not.toThrow();
    expect(() => authorize({ kind: 'user', role: 'admin' }, user('editor'))).toThrow(NotAllowedError);
  });

  it('needs the scope from an API key, with * and admin covering all', () => {
    const run = { kind: 'user', role: 'editor', scope: 'workflows:run' } as const;
    expect(() => authorize(run, key('editor', 'workflows:run'))).not.toThrow();
    expect(() => authorize(run, key('editor', '*'))).not.toThrow();
    expect(() => authorize(run, key('admin', 'admin'))).not.toThrow();
    expect(() => authorize(run, key('editor', 'workflows:read', 'logs:read'))).toThrow(new NotAllowedError('This API key lacks the workflows:run scope'));
    expect(() => authorize(run, key('editor'))).toThrow(NotAllowedError);
  });

  it('never lets a key exceed its owner role, even with *', () => {
    expect(() => authorize({ kind: 'user', role: 'editor', scope: 'workflows:write' }, key('viewer', '*'))).toThrow(NotAllowedError);
    expect(() => authorize({ kind: 'user', role: 'admin', scope: 'admin' }, key('editor', '*'))).toThrow(NotAllowedError);
  });

  it('ignores scopes for users signed in with a token', () => {
    expect(() => authorize({ kind: 'user', role: 'editor', scope: 'workflows:write' }, user('editor'))).not.toThrow();
  });

  it('keeps internal operations for services', () => {
    expect(() => authorize({ kind: 'internal' }, service)).not.toThrow();
    expect(() => authorize({ kind: 'internal' }, user('admin'))).toThrow(NotAllowedError);
    expect(() => authorize({ kind: 'internal' }, key('admin', '*'))).toThrow(NotAllowedError);
    expect(() => authorize({ kind: 'internal' }, null)).toThrow();
  });

  it('trusts a service principal on user operations', () => {
    expect(() => authorize({ kind: 'user', role: 'admin', scope: 'admin' }, service)).not.toThrow();
  });
});
