import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AuthenticationError, NotFoundError, createLocalCache, type CallContext, type Principal } from '@flowgate/kernel';
import type { IdentityApi, UserState } from '@flowgate/identity/contract';
import type { ApiKeyUsage } from './api-key-usage.js';

/** Verifies an access token locally against identity's public keys. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<{ user_id: string }>;
}

export interface AuthenticatorOptions {
  /** Asked on every call: identity may be local or remote. */
  identity: () => IdentityApi;
  tokens: AccessTokenVerifier;
  usage: ApiKeyUsage;
  apiKeyCacheMs: number;
  userStateCacheMs: number;
  /** Told whether each API-key check was served from the cache, for the hit-rate metric. */
  onApiKeyLookup?: (result: 'hit' | 'miss') => void;
}

/** The gateway speaking to identity on its own behalf. */
export const gatewayCall = (requestId: string): CallContext => ({
  requestId,
  principal: { kind: 'service', user_id: 'gateway', email: '', name: 'gateway', role: 'admin' },
});

function credentialsOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new AuthenticationError('The Authorization header must be "Bearer <token or API key>"');
    return match[1];
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}

/**
 * The first link of the request chain. Access tokens verify locally (a signature check and a
 * cached look at the user's current state); API keys verify through identity once and are then
 * served from an in-process cache, so neither costs a database query per request. Changes to a
 * user or key invalidate the cached entries at once (`forgetUser`, `forgetApiKey`).
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  const apiKeys = createLocalCache<Principal>({ maxEntries: 50_000, ttlMs: Math.max(1, options.apiKeyCacheMs) });
  const users = createLocalCache<UserState>({ maxEntries: 50_000, ttlMs: Math.max(1, options.userStateCacheMs) });
  // Which cached key hashes belong to a key id and to a user, so a revoke can find them.
  const hashesByKey = new Map<string, Set<string>>();
  const keysByUser = new Map<string, Set<string>>();

  const remember = <K, V>(index: Map<K, Set<V>>, key: K, value: V) => {
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(value);
  };

  const principalsByState = new WeakMap<object, Principal>();

  async function viaApiKey(key: string, requestId: string): Promise<Principal> {
    const hash = createHash('sha256').update(key).digest('base64url');
    let principal = options.apiKeyCacheMs > 0 ? apiKeys.get(hash) : undefined;
    options.onApiKeyLookup?.(principal ? 'hit' : 'miss');
    if (!principal) {
      principal = await options.identity().verifyApiKey({ key }, gatewayCall(requestId));
      if (options.apiKeyCacheMs > 0 && principal.api_key) {
        apiKeys.set(hash, principal);
        remember(hashesByKey, principal.api_key.id, hash);
        remember(keysByUser, principal.user_id, principal.api_key.id);
      }
    }
    if (principal.api_key) options.usage.count(principal.api_key.id);
    return principal;
  }

  async function viaAccessToken(token: string, requestId: string): Promise<Principal> {
    const { user_id } = await options.tokens.verify(token);
    let state = options.userStateCacheMs > 0 ? users.get(user_id) : undefined;
    if (!state) {
      try {
        state = await options.identity().getUserState({ id: user_id }, gatewayCall(requestId));
      } catch (error) {
        if (error instanceof NotFoundError) throw new AuthenticationError('The token\'s user no longer exists');
        throw error;
      }
      if (options.userStateCacheMs > 0) users.set(user_id, state);
    }
    if (state.disabled) throw new AuthenticationError('This account is disabled');
    // The role comes from the user's current state, not the token: a demotion applies at once.
    // One principal object per cached state, so what is derived from it (a service assertion) is too.
    let principal = principalsByState.get(state);
    if (!principal) {
      principal = { kind: 'user', user_id, email: state.email, name: state.name, role: state.role, created_at: state.created_at };
      principalsByState.set(state, principal);
    }
    return principal;
  }

  return {
    async authenticate(request: FastifyRequest): Promise<Principal | null> {
      const credentials = credentialsOf(request);
      if (credentials === undefined) return null;
      return credentials.startsWith('fg_') ? viaApiKey(credentials, request.id) : viaAccessToken(credentials, request.id);
    },
    forgetApiKey(apiKeyId: string) {
      for (const hash of hashesByKey.get(apiKeyId) ?? []) apiKeys.delete(hash);
      hashesByKey.delete(apiKeyId);
    },
    forgetUser(userId: string) {
      users.delete(userId);
      for (const keyId of keysByUser.get(userId) ?? []) this.forgetApiKey(keyId);
      keysByUser.delete(userId);
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
