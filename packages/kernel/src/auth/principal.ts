import { Type, type Static } from '@sinclair/typebox';

export const roles = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof roles)[number];
export const RoleSchema = Type.Union(roles.map((r) => Type.Literal(r)) as [ReturnType<typeof Type.Literal<Role>>]);

export const scopes = ['workflows:read', 'workflows:write', 'workflows:run', 'logs:read', 'admin', '*'] as const;
export type Scope = (typeof scopes)[number];
export const ScopeSchema = Type.Union(scopes.map((s) => Type.Literal(s)) as [ReturnType<typeof Type.Literal<Scope>>]);

/** Who is calling: a user with a token, a user through one of their API keys, or a service. */
export const PrincipalSchema = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('api_key'), Type.Literal('service')]),
  user_id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  /** When the user was created: carried so that describing the caller needs no lookup. */
  created_at: Type.Optional(Type.String()),
  /** Present for API keys only: what the key may do, within its owner's role. */
  api_key: Type.Optional(Type.Object({ id: Type.String(), scopes: Type.Array(ScopeSchema) })),
});
export type Principal = Static<typeof PrincipalSchema>;

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export const roleAtLeast = (role: Role, minimum: Role) => rank[role] >= rank[minimum];

/** The least role that may hold a scope: a key never exceeds its owner's role. */
const scopeRole: Record<Scope, Role> = {
  'workflows:read': 'viewer',
  'logs:read': 'viewer',
  'workflows:write': 'editor',
  'workflows:run': 'editor',
  admin: 'admin',
  '*': 'viewer',
};

export const scopeAllowedForRole = (scope: Scope, role: Role) => roleAtLeast(role, scopeRole[scope]);

/**
 * Whether a principal's key scopes cover a route's scope. `*` is "everything the owner's role
 * allows" and `admin` covers every scope; users (not keys) are limited by role alone.
 */
export function scopesCover(principal: Principal, required: Scope | undefined): boolean {
  if (!principal.api_key) return true;
  const held = principal.api_key.scopes;
  if (held.includes('*') || held.includes('admin')) return true;
  if (required === undefined) return true;
  return held.includes(required);
}
