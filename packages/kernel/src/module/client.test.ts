import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { assertionHeader, createAssertionSigner, type AssertionSigner, type Principal } from '../auth/index.js';
import {
  AuthenticationError,
  ConflictError,
  FlowgateError,
  InputError,
  NotAllowedError,
  NotFoundError,
  RateLimitedError,
  RemoteInternalError,
  UnavailableError,
  ValidationError,
} from '../errors/index.js';
import { createHttpServer, type HttpServer } from '../http/index.js';
import { createLogger } from '../observability/index.js';
import { clientFor } from './client.js';
import { defineContract, type ApiOf, type CallContext } from './contract.js';
import { injectTransport } from './inject-transport.js';
import { routesFor } from './routes.js';

const logger = createLogger({ level: 'silent' });

const Note = Type.Object({ id: Type.String(), title: Type.String(), tags: Type.Array(Type.String()) });
const Query = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  min_score: Type.Optional(Type.Number()),
  archived: Type.Optional(Type.Boolean()),
  tags: Type.Optional(Type.Array(Type.String())),
});

const notesContract = defineContract({
  name: 'notes',
  version: '1.0.0',
  operations: {
    listNotes: {
      method: 'GET',
      path: '/api/v1/notes',
      input: Query,
      output: Type.Object({ items: Type.Array(Note), query: Query }),
      access: { kind: 'user', role: 'viewer' },
      summary: 'List notes (echoes the query it understood)',
    },
    createNote: {
      method: 'POST',
      path: '/api/v1/notes',
      input: Type.Object({ title: Type.String({ minLength: 1 }), tags: Type.Optional(Type.Array(Type.String())) }),
      output: Note,
      status: 201,
      access: { kind: 'user', role: 'editor' },
      summary: 'Create a note',
    },
    getNote: {
      method: 'GET',
      path: '/api/v1/notes/:id',
      input: Type.Object({ id: Type.String() }),
      output: Note,
      access: { kind: 'user' },
      summary: 'Read a note',
    },
    updateNote: {
      method: 'PATCH',
      path: '/api/v1/notes/:id',
      input: Type.Object({ id: Type.String(), title: Type.Optional(Type.String({ minLength: 1 })), tags: Type.Optional(Type.Array(Type.String())) }),
      output: Note,
      access: { kind: 'user', role: 'editor' },
      summary: 'Change a note',
    },
    deleteNote: {
      method: 'DELETE',
      path: '/api/v1/notes/:id',
      input: Type.Object({ id: Type.String() }),
      output: Type.Null(),
      status: 204,
      access: { kind: 'user', role: 'editor' },
      summary: 'Delete a note',
    },
    fail: {
      method: 'POST',
      path: '/api/v1/notes/fail',
      input: Type.Object({ kind: Type.String() }),
      output: Type.Null(),
      access: { kind: 'user' },
      summary: 'Throws the error it is told to',
    },
    whoAmI: {
      method: 'GET',
      path: '/api/v1/notes/who-am-i',
      input: Type.Object({}),
      output: Type.Object({ user_id: Type.Union([Type.String(), Type.Null()]), request_id: Type.String(), traceparent: Type.Union([Type.String(), Type.Null()]) }),
      access: { kind: 'public' },
      summary: 'Tells who the service thinks is calling',
    },
    purgeNotes: {
      method: 'POST',
      path: '/internal/notes/purge',
      input: Type.Object({}),
      output: Type.Object({ purged: Type.Integer() }),
      access: { kind: 'internal' },
      summary: 'Service-to-service only',
    },
  },
});

type NotesApi = ApiOf<typeof notesContract>;

const errorsByKind: Record<string, () => Error> = {
  not_found: () => new NotFoundError('No note n_404'),
  conflict: () => new ConflictError('A note titled "x" exists'),
  validation: () => new ValidationError('The note is not valid', [{ path: '/title', message: 'must not be blank' }, { path: '/tags/1', message: 'is too long' }]),
  rate_limited: () => new RateLimitedError('Slow down', 17),
  unavailable: () => new UnavailableError('The index is rebuilding', { retryAfterSeconds: 3 }),
  not_allowed: () => new NotAllowedError('Only the author may do that'),
  input: () => new InputError('The cursor is not valid'),
  plain: () => new Error('SELECT * FROM notes failed: password=hunter2'),
};

class NotesService implements NotesApi {
  readonly notes = new Map<string, { id: string; title: string; tags: string[] }>();
  readonly contexts: CallContext[] = [];
  private next = 1;

  async listNotes(query: Parameters<NotesApi['listNotes']>[0], ctx: CallContext) {
    this.contexts.push(ctx);
    return { items: [...this.notes.values()], query };
  }
  async createNote({ title, tags }: { title: string; tags?: string[] }) {
    const note = { id: `n_${this.next++}`, title, tags: tags ?? [] };
    this.notes.set(note.id, note);
    return note;
  }
  async getNote({ id }: { id: string }) {
    const note = this.notes.get(id);
    if (!note) throw new NotFoundError(`No note ${id}`);
    return note;
  }
  async updateNote({ id, ...change }: { id: string; title?: string; tags?: string[] }) {
    const note = await this.getNote({ id });
    Object.assign(note, change);
    return note;
  }
  async deleteNote({ id }: { id: string }) {
    if (!this.notes.delete(id)) throw new NotFoundError(`No note ${id}`);
    return null;
  }
  async fail({ kind }: { kind: string }): Promise<null> {
    throw (errorsByKind[kind] ?? errorsByKind.plain!)();
  }
  async whoAmI(_input: Record<string, never>, ctx: CallContext) {
    return { user_id: ctx.principal?.user_id ?? null, request_id: ctx.requestId, traceparent: ctx.traceparent ?? null };
  }
  async purgeNotes() {
    const purged = this.notes.size;
    this.notes.clear();
    return { purged };
  }
}

const editor: Principal = { kind: 'user', user_id: 'u_ed', email: 'ed@example.com', name: 'Ed', role: 'editor' };
const viewer: Principal = { ...editor, user_id: 'u_vi', role: 'viewer' };
const gateway: Principal = { kind: 'service', user_id: 'gateway', email: 'gateway@flowgate.local', name: 'gateway', role: 'admin' };
const as = (principal: Principal | null, extra: Partial<CallContext> = {}): CallContext => ({ principal, requestId: 'req-client-1', ...extra });

/** How a service authenticates in split mode: only the gateway's signed assertion counts. */
function serviceAuthenticate(signer: AssertionSigner) {
  return async (request: FastifyRequest) => {
    const token = request.headers[assertionHeader];
    if (typeof token !== 'string') throw new AuthenticationError('This service answers only requests that come through the gateway');
    return (await signer.verify(token)).principal;
  };
}

let app: HttpServer | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function setup(options: { internal?: boolean } = { internal: true }) {
  const key = randomBytes(32);
  const signer = createAssertionSigner(key);
  const service = new NotesService();
  app = await createHttpServer({ logger, authenticate: serviceAuthenticate(signer) });
  await app.register(routesFor(notesContract, service, options));
  const client = clientFor(notesContract, injectTransport(app, signer));
  return { app, key, signer, service, client };
}

describe('routesFor + clientFor over injectTransport', () => {
  it('round-trips a GET whose query carries numbers, booleans and arrays', async () => {
    const { client, service } = await setup();
    await client.createNote({ title: 'first' }, as(editor));

    const page = await client.listNotes({ limit: 10, min_score: 0.75, archived: false, tags: ['a', 'b c'] }, as(viewer));

    expect(page.items).toEqual([{ id: 'n_1', title: 'first', tags: [] }]);
    expect(page.query).toEqual({ limit: 10, min_score: 0.75, archived: false, tags: ['a', 'b c'] });
    expect(service.contexts.at(-1)?.principal).toEqual(viewer);
  });

  it('keeps a one-element array an array and true a boolean', async () => {
    const { client } = await setup();
    const page = await client.listNotes({ archived: true, tags: ['only'] }, as(viewer));
    expect(page.query).toEqual({ archived: true, tags: ['only'] });
  });

  it('round-trips a POST body with the declared status', async () => {
    const { client, service } = await setup();
    const note = await client.createNote({ title: 'hello', tags: ['x'] }, as(editor));

    expect(note).toEqual({ id: 'n_1', title: 'hello', tags: ['x'] });
    expect(service.notes.get('n_1')).toEqual(note);
  });

  it('round-trips a PATCH with a path parameter and a body', async () => {
    const { client } = await setup();
    const { id } = await client.createNote({ title: 'draft' }, as(editor));

    const changed = await client.updateNote({ id, title: 'final' }, as(editor));

    expect(changed).toEqual({ id, title: 'final', tags: [] });
    expect(await client.getNote({ id }, as(viewer))).toEqual(changed);
  });

  it('carries path parameters with reserved characters intact', async () => {
    const { client, service } = await setup();
    const id = 'folder/sub dir?x=1#frag%20é';
    service.notes.set(id, { id, title: 'odd', tags: [] });
    expect(await client.getNote({ id }, as(viewer))).toEqual({ id, title: 'odd', tags: [] });
  });

  it('round-trips a DELETE answered with 204 as null, like the local implementation', async () => {
    const { client, service } = await setup();
    const { id } = await client.createNote({ title: 'doomed' }, as(editor));

    await expect(client.deleteNote({ id }, as(editor))).resolves.toBeNull();
    expect(service.notes.size).toBe(0);
  });

  it.each([
    ['not_found', NotFoundError],
    ['conflict', ConflictError],
    ['not_allowed', NotAllowedError],
    ['input', InputError],
    ['unavailable', UnavailableError],
  ] as const)('rebuilds a %s error as the same class with the same message', async (kind, Class) => {
    const { client } = await setup();
    const thrown = await client.fail({ kind }, as(editor)).catch((error: unknown) => error);

    expect(thrown).toBeInstanceOf(Class);
    expect((thrown as Error).message).toBe(errorsByKind[kind]!().message);
  });

  it('rebuilds a ValidationError with every field problem', async () => {
    const { client } = await setup();
    const thrown = await client.fail({ kind: 'validation' }, as(editor)).catch((error: unknown) => error);

    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).message).toBe('The note is not valid');
    expect((thrown as ValidationError).errors).toEqual([
      { path: '/title', message: 'must not be blank' },
      { path: '/tags/1', message: 'is too long' },
    ]);
  });

  it('rebuilds a RateLimitedError with its retry-after', async () => {
    const { client } = await setup();
    const thrown = await client.fail({ kind: 'rate_limited' }, as(editor)).catch((error: unknown) => error);

    expect(thrown).toBeInstanceOf(RateLimitedError);
    expect((thrown as RateLimitedError).message).toBe('Slow down');
    expect((thrown as RateLimitedError).retryAfterSeconds).toBe(17);
  });

  it('rebuilds a NotFoundError thrown by a real lookup', async () => {
    const { client } = await setup();
    await expect(client.getNote({ id: 'n_missing' }, as(viewer))).rejects.toThrow(new NotFoundError('No note n_missing'));
    await expect(client.getNote({ id: 'n_missing' }, as(viewer))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('turns an unexpected failure into a RemoteInternalError that leaks nothing', async () => {
    const { client } = await setup();
    const thrown = await client.fail({ kind: 'plain' }, as(editor)).catch((error: unknown) => error);

    expect(thrown).toBeInstanceOf(RemoteInternalError);
    expect((thrown as RemoteInternalError).status).toBe(500);
    expect((thrown as Error).message).not.toContain('hunter2');
  });

  it('validates input at the service and reports it as a ValidationError', async () => {
    const { client, service } = await setup();
    const thrown = await client.createNote({ title: '' }, as(editor)).catch((error: unknown) => error);

    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).errors[0]?.path).toBe('/title');
    expect(service.notes.size).toBe(0);
  });

  it('authorizes with the principal the client asserted', async () => {
    const { client } = await setup();
    await expect(client.createNote({ title: 'x' }, as(viewer))).rejects.toBeInstanceOf(NotAllowedError);
    await expect(client.createNote({ title: 'x' }, as(null))).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('gives the implementation the request id, and the caller on a public operation', async () => {
    const { client } = await setup();
    const seen = await client.whoAmI({}, as(editor, { requestId: 'req-abc' }));
    expect(seen).toMatchObject({ user_id: 'u_ed', request_id: 'req-abc' });
    expect((await client.whoAmI({}, as(null))).user_id).toBeNull();
  });

  it('forwards traceparent like the HTTP transport does', async () => {
    const { client } = await setup();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect((await client.whoAmI({}, as(editor, { traceparent }))).traceparent).toBe(traceparent);
  });

  it('asks a function source for the implementation on every call', async () => {
    const key = randomBytes(32);
    const signer = createAssertionSigner(key);
    let current = new NotesService();
    app = await createHttpServer({ logger, authenticate: serviceAuthenticate(signer) });
    await app.register(routesFor(notesContract, () => current, { internal: true }));
    const client = clientFor(notesContract, injectTransport(app, signer));

    await client.createNote({ title: 'one' }, as(editor));
    const replaced = new NotesService();
    current = replaced;
    await client.createNote({ title: 'two' }, as(editor));

    expect(replaced.notes.size).toBe(1);
  });
});

describe('internal operations', () => {
  it('are not mounted unless asked for', async () => {
    const { app, signer } = await setup({});
    const response = await app.inject({
      method: 'POST',
      url: '/internal/notes/purge',
      headers: { [assertionHeader]: await signer.sign({ principal: gateway }), 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(404);
    // The public operations of the same contract are there.
    expect(app.hasRoute({ method: 'GET', url: '/api/v1/notes' })).toBe(true);
    expect(app.hasRoute({ method: 'POST', url: '/internal/notes/purge' })).toBe(false);
  });

  it('are mounted with { internal: true } and answer only a service principal', async () => {
    const { client, service } = await setup({ internal: true });
    await client.createNote({ title: 'a' }, as(editor));

    await expect(client.purgeNotes({}, as({ ...editor, role: 'admin' }))).rejects.toBeInstanceOf(NotAllowedError);
    expect(await client.purgeNotes({}, as(gateway))).toEqual({ purged: 1 });
    expect(service.notes.size).toBe(0);
  });
});

describe('service-mode authentication', () => {
  async function listWith(app: HttpServer, assertion?: string) {
    return app.inject({ method: 'GET', url: '/api/v1/notes', headers: assertion === undefined ? {} : { [assertionHeader]: assertion } });
  }

  it('accepts a valid assertion', async () => {
    const { app, signer } = await setup();
    expect((await listWith(app, await signer.sign({ principal: viewer }))).statusCode).toBe(200);
  });

  it('refuses a request without an assertion (401)', async () => {
    const { app } = await setup();
    const response = await listWith(app);
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses bearer tokens and API keys: only the assertion counts', async () => {
    const { app } = await setup();
    const response = await app.inject({ method: 'GET', url: '/api/v1/notes', headers: { authorization: 'Bearer anything', 'x-api-key': 'fg_x' } });
    expect(response.statusCode).toBe(401);
  });

  it('refuses an assertion forged with another key (401)', async () => {
    const { app } = await setup();
    const forger = createAssertionSigner(randomBytes(32));
    expect((await listWith(app, await forger.sign({ principal: { ...viewer, role: 'admin' } }))).statusCode).toBe(401);
  });

  it('refuses an expired assertion signed with the right key (401)', async () => {
    const { app, key } = await setup();
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ principal: viewer, rid: 'r' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('flowgate-gateway')
      .setAudience('flowgate-services')
      .setIssuedAt(now - 600)
      .setExpirationTime(now - 300)
      .sign(key);
    expect((await listWith(app, expired)).statusCode).toBe(401);
  });

  it('refuses a garbled assertion (401)', async () => {
    const { app, signer } = await setup();
    const valid = await signer.sign({ principal: viewer });
    expect((await listWith(app, `${valid.slice(0, -2)}xx`)).statusCode).toBe(401);
    expect((await listWith(app, 'garbage')).statusCode).toBe(401);
  });

  it('rebuilds the refusal as an AuthenticationError in a client with the wrong key', async () => {
    const { app } = await setup();
    const stranger = clientFor(notesContract, injectTransport(app, createAssertionSigner(randomBytes(32))));
    await expect(stranger.listNotes({}, as(viewer))).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('still serves public operations without an assertion', async () => {
    const { app } = await setup();
    const response = await app.inject({ method: 'GET', url: '/api/v1/notes/who-am-i' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user_id: null });
  });

  it('every error the client rebuilds is a FlowgateError', async () => {
    const { client } = await setup();
    for (const kind of Object.keys(errorsByKind)) {
      await expect(client.fail({ kind }, as(editor))).rejects.toBeInstanceOf(FlowgateError);
    }
  });
});
