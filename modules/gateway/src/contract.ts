import { Type, type Static } from '@sinclair/typebox';
import { defineContract } from '@flowgate/kernel';

const Timestamp = Type.String({ format: 'date-time' });

const ReplicaSchema = Type.Object({
  url: Type.String(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('down')]),
  latency_ms: Type.Union([Type.Number(), Type.Null()]),
  version: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Optional(Type.String()),
});

export const ServiceEntrySchema = Type.Object({
  name: Type.String(),
  mode: Type.Union([Type.Literal('local'), Type.Literal('remote')]),
  urls: Type.Array(Type.String()),
  url: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('ok'), Type.Literal('down')]),
  version: Type.String(),
  latency_ms: Type.Union([Type.Number(), Type.Null()]),
  last_check: Type.Union([Timestamp, Type.Null()]),
  detail: Type.Optional(Type.String()),
  /** A remote module: each replica's latest check. */
  replicas: Type.Optional(Type.Array(ReplicaSchema)),
});
export type ServiceEntry = Static<typeof ServiceEntrySchema>;

export const AuditEntrySchema = Type.Object({
  id: Type.String(),
  at: Timestamp,
  request_id: Type.String(),
  principal_kind: Type.Union([Type.String(), Type.Null()]),
  user_id: Type.Union([Type.String(), Type.Null()]),
  api_key_id: Type.Union([Type.String(), Type.Null()]),
  method: Type.String(),
  route: Type.String(),
  path: Type.String(),
  status: Type.Integer(),
  ip: Type.Union([Type.String(), Type.Null()]),
});
export type AuditEntry = Static<typeof AuditEntrySchema>;

export const gatewayContract = defineContract({
  name: 'gateway',
  version: '1.0.0',
  operations: {
    listServices: {
      method: 'GET', path: '/api/v1/services', access: { kind: 'user' }, tags: ['platform'],
      summary: 'The service registry: every module, where it runs, its health and version',
      input: Type.Object({}),
      output: Type.Object({ topology: Type.String(), items: Type.Array(ServiceEntrySchema) }),
    },
    listAuditLog: {
      method: 'GET', path: '/api/v1/audit-log', access: { kind: 'user', role: 'admin', scope: 'admin' }, tags: ['platform'],
      summary: 'Writes made through the gateway: who did what, when, and the answer (newest first)',
      input: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        cursor: Type.Optional(Type.String({ maxLength: 512 })),
        user_id: Type.Optional(Type.String({ maxLength: 64 })),
      }),
      output: Type.Object({ items: Type.Array(AuditEntrySchema), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
    },
  },
});

export type GatewayApi = import('@flowgate/kernel').ApiOf<typeof gatewayContract>;
