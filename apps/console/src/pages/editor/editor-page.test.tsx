import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { paths } from '../../api/schema';
import sample from '../../testing/node-types.json';
import EditorPage from './editor-page';

// The signed-in user; each test says which role it has.
const session = vi.hoisted(() => ({ role: 'editor' as 'viewer' | 'editor' }));
vi.mock('../../auth/use-session', () => ({
  useSessionStatus: () => 'signed-in',
  useCurrentUser: () => ({ data: { id: 'u1', name: 'Ed', email: 'ed@example.com', role: session.role }, error: null, isPending: false, refetch: async () => undefined }),
  useHasRole: (role: 'viewer' | 'editor' | 'admin') => ({ viewer: 0, editor: 1, admin: 2 })[session.role] >= { viewer: 0, editor: 1, admin: 2 }[role],
}));

// The console's client asks relative URLs of the page's origin; here the page has none.
vi.mock('../../api/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../api/client')>();
  const { default: createClient } = await import('openapi-fetch');
  return { ...actual, api: createClient<paths>({ baseUrl: 'http://console.test', fetch: (request: Request) => globalThis.fetch(request) }) };
});

// React Flow measures with ResizeObserver and DOMMatrix, which jsdom does not have.
beforeAll(() => {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  globalThis.DOMMatrixReadOnly ??= class {
    m22 = 1;
  } as unknown as typeof DOMMatrixReadOnly;
});

const workflow = {
  id: 'wf1',
  name: 'Greeting',
  app_id: null,
  description: null,
  graph: {
    nodes: [
      { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
      { id: 'end', type: 'end', data: { outputs: {} } },
    ],
    edges: [{ source: 'start', target: 'end' }],
  },
  version: 0,
  published_version: null,
  created_at: '2026-11-22T10:00:00.000Z',
  updated_at: '2026-11-22T10:00:00.000Z',
  created_by: 'u1',
  updated_by: 'u1',
};

interface Call {
  method: string;
  path: string;
  body: unknown;
}
let calls: Call[];
let patchAnswer: (body: unknown) => { status: number; body: unknown };

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' } });
}

beforeEach(() => {
  calls = [];
  session.role = 'editor';
  patchAnswer = (body) => ({ status: 200, body: { ...workflow, ...(body as object) } });
  vi.stubGlobal('fetch', async (request: Request) => {
    const path = new URL(request.url).pathname;
    const text = await request.text();
    calls.push({ method: request.method, path, body: text ? JSON.parse(text) : undefined });
    if (request.method === 'GET' && path === '/api/v1/workflows/wf1') return json(200, workflow);
    if (request.method === 'GET' && path === '/api/v1/node-types') return json(200, sample);
    if (request.method === 'PATCH' && path === '/api/v1/workflows/wf1') {
      const answer = patchAnswer(JSON.parse(text));
      return json(answer.status, answer.body);
    }
    if (request.method === 'POST' && path === '/api/v1/workflows/wf1/publish') return json(200, { version: 1 });
    return json(404, { title: 'Not found', status: 404 });
  });
});
afterEach(() => vi.unstubAllGlobals());

function renderEditor() {
  const router = createMemoryRouter([{ path: '/workflows/:id', element: <EditorPage /> }], { initialEntries: ['/workflows/wf1'] });
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queries}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
}

describe('EditorPage', () => {
  it('adds a node from the palette with the keyboard and opens its settings', async () => {
    const user = userEvent.setup();
    renderEditor();
    const add = await screen.findByRole('button', { name: 'Add template node' });
    add.focus();
    await user.keyboard('{Enter}');
    const settings = screen.getByRole('region', { name: 'Node settings' });
    expect(within(settings).getByRole('heading', { level: 2 })).toHaveTextContent('template_1');
    expect(screen.getByLabelText('Node template_1')).toBeInTheDocument();
    expect(screen.getByText('Unsaved changes', { exact: false })).toBeInTheDocument();
    // A graph has one start node: the palette does not offer a second.
    expect(screen.getByRole('button', { name: 'Add start node' })).toBeDisabled();
  });

  it('saves the draft, with positions on the nodes, and says it is saved', async () => {
    const user = userEvent.setup();
    renderEditor();
    await user.click(await screen.findByRole('button', { name: 'Add template node' }));
    await user.type(screen.getByLabelText('template'), 'Hello');
    await user.keyboard('{Control>}s{/Control}');
    await screen.findByText('All changes saved', { exact: false });
    const patch = calls.find((call) => call.method === 'PATCH')!;
    const sent = patch.body as { name: string; graph: { nodes: { id: string; data: unknown; position?: unknown }[] } };
    expect(sent.name).toBe('Greeting');
    expect(sent.graph.nodes.map((node) => node.id)).toEqual(['start', 'end', 'template_1']);
    expect(sent.graph.nodes[2]!.data).toEqual({ template: 'Hello' });
    expect(sent.graph.nodes.every((node) => node.position !== undefined)).toBe(true);
  });

  it('maps a 422 to the node on the canvas, its field, and a list that selects it', async () => {
    const user = userEvent.setup();
    patchAnswer = () => ({
      status: 422,
      body: { title: 'Validation failed', status: 422, detail: 'The graph is not valid', errors: [{ path: '/graph/nodes/2/data/template', message: '{{ nope.x }}: no node "nope" in this graph' }] },
    });
    renderEditor();
    await user.click(await screen.findByRole('button', { name: 'Add template node' }));
    await user.type(screen.getByLabelText('template'), '{{{{ nope.x }}');
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    const item = await screen.findByRole('button', { name: 'Node template_1, data › template' });
    expect(screen.getByLabelText('Node template_1')).toHaveTextContent('1 problem');
    // Select another node, then come back through the list.
    const settings = screen.getByRole('region', { name: 'Node settings' });
    // (From the keyboard: jsdom has no pointer for the canvas's drag handling.)
    screen.getByLabelText('Node end').focus();
    await user.keyboard('{Enter}');
    expect(within(settings).getByRole('heading', { level: 2 })).toHaveTextContent('end');
    await user.click(item);
    expect(within(settings).getByRole('heading', { level: 2 })).toHaveTextContent('template_1');
    expect(within(settings).getByLabelText('template')).toHaveAccessibleDescription(expect.stringContaining('no node "nope"'));
  });

  it('publishes after saving, and shows the new version', async () => {
    const user = userEvent.setup();
    renderEditor();
    await user.click(await screen.findByRole('button', { name: 'Add template node' }));
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    expect(await screen.findByText(/Published version 1\./)).toBeInTheDocument();
    expect(calls.filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path}`)).toEqual(['PATCH /api/v1/workflows/wf1', 'POST /api/v1/workflows/wf1/publish']);
  });

  it('shows viewers the workflow read-only', async () => {
    session.role = 'viewer';
    renderEditor();
    expect(await screen.findByText('Read only', { exact: false })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save draft' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Publish' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Add .* node$/ })).not.toBeInTheDocument();
    expect(screen.getByLabelText('Workflow name')).toHaveAttribute('readonly');
  });
});
