import { Type, type Static } from '@sinclair/typebox';
import { defineContract, PrincipalSchema, RoleSchema, ScopeSchema } from '@flowgate/kernel';

const Timestamp = Type.String({ format: 'date-time' });
const Email = Type.String({ format: 'email', maxLength: 254 });
const Password = Type.String({ minLength: 8, maxLength: 1024 });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Id = Type.String({ minLength: 1, maxLength: 64 });

export const UserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type User = Static<typeof UserSchema>;

/**
 * API.md writes the answer to register as `{user}`: the user is under `user`. Its fields are also
 * at the top level, so a client that reads the answer as the user itself works as well.
 */
export const RegisteredSchema = Type.Composite([UserSchema, Type.Object({ user: UserSchema })]);

export const MeSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  created_at: Timestamp,
  api_key: Type.Optional(Type.Object({ id: Type.String(), scopes: Type.Array(ScopeSchema) })),
});

export const TokenPairSchema = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer({ description: 'Seconds until the access token expires' }),
});
export type TokenPair = Static<typeof TokenPairSchema>;

export const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(ScopeSchema),
  expires_at: Type.Union([Timestamp, Type.Null()]),
  last_used_at: Type.Union([Timestamp, Type.Null()]),
  use_count: Type.Integer(),
  revoked_at: Type.Union([Timestamp, Type.Null()]),
  created_at: Timestamp,
  user_id: Type.String(),
});
export type ApiKey = Static<typeof ApiKeySchema>;

/** Only the creating and rotating answers carry the secret, and only once. */
export const IssuedApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  key: Type.String({ description: 'The secret. Shown only in this response; stored only as a hash.' }),
  prefix: Type.String(),
  scopes: Type.Array(ScopeSchema),
  expires_at: Type.Union([Timestamp, Type.Null()]),
  created_at: Timestamp,
});
export type IssuedApiKey = Static<typeof IssuedApiKeySchema>;

export const JwksSchema = Type.Object({
  keys: Type.Array(Type.Object({ kty: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String(), crv: Type.Optional(Type.String()), x: Type.Optional(Type.String()) }, { additionalProperties: true })),
});
export type Jwks = Static<typeof JwksSchema>;

/** What the gateway needs to know about a token's user on each request, cached briefly. */
export const UserStateSchema = Type.Object({
  user_id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  created_at: Timestamp,
});
export type UserState = Static<typeof UserStateSchema>;

const Page = { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 512 })) };
const NoContent = Type.Null();

export const identityContract = defineContract({
  name: 'identity',
  version: '1.0.0',
  operations: {
    register: {
      method: 'POST', path: '/api/v1/auth/register', status: 201, access: { kind: 'public' }, tags: ['auth'],
      summary: 'Register a user; the first one becomes admin, later ones only when registration is open',
      input: Type.Object({ email: Email, password: Password, name: Name }),
      output: RegisteredSchema,
    },
    login: {
      method: 'POST', path: '/api/v1/auth/login', access: { kind: 'public' }, tags: ['auth', 'login'],
      summary: 'Exchange email and password for an access and a refresh token',
      input: Type.Object({ email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }),
      output: TokenPairSchema,
    },
    refresh: {
      method: 'POST', path: '/api/v1/auth/refresh', access: { kind: 'public' }, tags: ['auth'],
      summary: 'Rotate a refresh token into a new pair; re-using a rotated token revokes its whole family',
      input: Type.Object({ refresh_token: Type.String({ minLength: 1, maxLength: 512 }) }),
      output: TokenPairSchema,
    },
    logout: {
      method: 'POST', path: '/api/v1/auth/logout', status: 204, access: { kind: 'public' }, tags: ['auth'],
      summary: 'Revoke the refresh token family of this session',
      input: Type.Object({ refresh_token: Type.String({ minLength: 1, maxLength: 512 }) }),
      output: NoContent,
    },
    me: {
      method: 'GET', path: '/api/v1/auth/me', access: { kind: 'user' }, tags: ['auth'],
      summary: 'The calling user (and, with an API key, the key)',
      input: Type.Object({}),
      output: MeSchema,
    },
    getJwks: {
      method: 'GET', path: '/.well-known/jwks.json', access: { kind: 'public' }, tags: ['auth'],
      summary: 'Public keys that verify access tokens',
      input: Type.Object({}),
      output: JwksSchema,
    },
    listUsers: {
      method: 'GET', path: '/api/v1/users', access: { kind: 'user', role: 'admin', scope: 'admin' }, tags: ['users'],
      summary: 'List users',
      input: Type.Object(Page),
      output: Type.Object({ items: Type.Array(UserSchema), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
    },
    createUser: {
      method: 'POST', path: '/api/v1/users', status: 201, access: { kind: 'user', role: 'admin', scope: 'admin' }, tags: ['users'],
      summary: 'Create a user with a role',
      input: Type.Object({ email: Email, password: Password, name: Name, role: Type.Optional(RoleSchema) }),
      output: UserSchema,
    },
    getUser: {
      method: 'GET', path: '/api/v1/users/:id', access: { kind: 'user', role: 'admin', scope: 'admin' }, tags: ['users'],
      summary: 'Read a user',
      input: Type.Object({ id: Id }),
      output: UserSchema,
    },
    updateUser: {
      method: 'PATCH', path: '/api/v1/users/:id', access: { kind: 'user', role: 'admin', scope: 'admin' }, tags: ['users', 'user-change'],
      summary: 'Change a user\'s role, name or disabled flag; disabling locks the user out at once',
      input: Type.Object({ id: Id, role: Type.Optional(RoleSchema), name: Type.Optional(Name), disabled: Type.Optional(Type.Boolean()) }),
      output: UserSchema,
    },
    deleteUser: {
      method: 'DELETE', path: '/api/v1/users/:id', status: 204, access: { kind: 'user', role: 'admin', scope: 'admin' }, tags: ['users', 'user-change'],
      summary: 'Delete a user, their sessions and API keys',
      input: Type.Object({ id: Id }),
      output: NoContent,
    },
    createApiKey: {
      method: 'POST', path: '/api/v1/api-keys', status: 201, access: { kind: 'user' }, tags: ['api-keys'],
      summary: 'Create an API key for yourself; the secret is shown only in this answer',
      input: Type.Object({
        name: Name,
        scopes: Type.Optional(Type.Array(ScopeSchema, { minItems: 1, maxItems: 6, uniqueItems: true })),
        expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
      }),
      output: IssuedApiKeySchema,
    },
    listApiKeys: {
      method: 'GET', path: '/api/v1/api-keys', access: { kind: 'user' }, tags: ['api-keys'],
      summary: 'List your API keys (admins: anyone\'s with ?user_id=)',
      input: Type.Object({ user_id: Type.Optional(Id) }),
      output: Type.Object({ items: Type.Array(ApiKeySchema) }),
    },
    rotateApiKey: {
      method: 'POST', path: '/api/v1/api-keys/:id/rotate', access: { kind: 'user' }, tags: ['api-keys', 'api-key-change'],
      summary: 'Issue a new secret for the same key; the old one works for grace_seconds more',
      input: Type.Object({ id: Id, grace_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })) }),
      output: IssuedApiKeySchema,
    },
    revokeApiKey: {
      method: 'DELETE', path: '/api/v1/api-keys/:id', status: 204, access: { kind: 'user' }, tags: ['api-keys', 'api-key-change'],
      summary: 'Revoke an API key; it fails at once',
      input: Type.Object({ id: Id }),
      output: NoContent,
    },
    verifyApiKey: {
      method: 'POST', path: '/internal/identity/api-keys/verify', access: { kind: 'internal' }, idempotent: true,
      summary: 'Resolve an API key to its principal, or fail with 401',
      input: Type.Object({ key: Type.String({ minLength: 1, maxLength: 256 }) }),
      output: PrincipalSchema,
    },
    getUserState: {
      method: 'GET', path: '/internal/identity/users/:id/state', access: { kind: 'internal' },
      summary: 'The current role and disabled flag of a token\'s user (404 when deleted)',
      input: Type.Object({ id: Id }),
      output: UserStateSchema,
    },
    recordApiKeyUsage: {
      method: 'POST', path: '/internal/identity/api-keys/usage', status: 204, access: { kind: 'internal' },
      summary: 'Add batched usage counts gathered by the gateway',
      input: Type.Object({ items: Type.Array(Type.Object({ id: Id, count: Type.Integer({ minimum: 1 }), last_used_at: Timestamp }), { maxItems: 10_000 }) }),
      output: NoContent,
    },
  },
});

export type IdentityContract = typeof identityContract;
export type IdentityApi = import('@flowgate/kernel').ApiOf<IdentityContract>;

/** Bus subjects identity publishes, so caches elsewhere (gateway replicas) drop stale entries. */
export const identityEvents = {
  userChanged: 'identity.user.changed',
  apiKeyChanged: 'identity.api_key.changed',
} as const;
