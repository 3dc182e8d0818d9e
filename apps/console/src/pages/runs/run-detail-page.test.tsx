import { fakeApi, json, problem, renderPage } from '../../testing/fake-platform';
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import RunDetailPage from './run-detail-page';

const detail = {
  run_id: 'r-1',
  workflow_id: 'w-1',
  version: 2,
  status: 'failed',
  trigger: 'deployment',
  parent_run_id: null,
  inputs: { name: 'Ada' },
  outputs: {},
  error: 'node check failed: boom',
  started_at: '2026-11-22T10:00:00.000Z',
  finished_at: '2026-11-22T10:00:01.000Z',
  elapsed_ms: 1000,
  total_tokens: 30,
  nodes: [
    { node_id: 'start', node_type: 'start', status: 'succeeded', inputs: {}, outputs: { name: 'Ada' }, error: null, attempts: 1, started_at: '2026-11-22T10:00:00.000Z', finished_at: '2026-11-22T10:00:00.100Z', elapsed_ms: 100 },
    { node_id: 'ask', node_type: 'llm', status: 'succeeded', inputs: { model: 'm' }, outputs: { text: 'Hi Ada' }, error: null, attempts: 1, started_at: '2026-11-22T10:00:00.100Z', finished_at: '2026-11-22T10:00:00.600Z', elapsed_ms: 500 },
    { node_id: 'check', node_type: 'code', status: 'failed', inputs: { code: 'x' }, outputs: null, error: 'code threw: boom', attempts: 3, started_at: '2026-11-22T10:00:00.600Z', finished_at: '2026-11-22T10:00:01.000Z', elapsed_ms: 400 },
  ],
  llm_usage: [{ node_id: 'ask', provider: 'p-1', model: 'm', prompt_tokens: 20, completion_tokens: 10, total_tokens: 30, latency_ms: 480 }],
};

function platform({ missingFor = 0 } = {}) {
  let asked = 0;
  return fakeApi()
    .on('GET', '/api/v1/workflows/w-1', () => json(200, { id: 'w-1', name: 'Greeting' }))
    .on('GET', '/api/v1/llm/providers/p-1', () => json(200, { id: 'p-1', name: 'Local vLLM' }))
    .on('GET', '/api/v1/runs/r-1', () => (asked++ < missingFor ? problem(404, 'Not Found') : json(200, detail)));
}

describe('RunDetailPage', () => {
  it('asks again while a just-finished run is not recorded yet, then shows it', async () => {
    const api = platform({ missingFor: 1 });
    renderPage(<RunDetailPage />, { path: '/runs/:runId', url: '/runs/r-1' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Run of Greeting' }, { timeout: 3000 })).toBeInTheDocument();
    expect(api.seen('GET', '/api/v1/runs/r-1')).toHaveLength(2);
    expect(screen.getByText('node check failed: boom')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'All runs of this workflow' })).toHaveAttribute('href', '/workflows/w-1/runs');
    expect(screen.getByRole('link', { name: 'Open in editor' })).toHaveAttribute('href', '/workflows/w-1');
  });

  it('lists nodes on the timeline with their text, opens the failed one first, and switches with the keyboard', async () => {
    platform();
    const { user } = renderPage(<RunDetailPage />, { path: '/runs/:runId', url: '/runs/r-1' });
    const list = await screen.findByRole('list', { name: 'Nodes in the order they ran' });
    const rows = within(list).getAllByRole('button');
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringMatching(/^startstartsucceeded100 ms/),
      expect.stringMatching(/^askllmsucceeded500 ms/),
      expect.stringMatching(/^checkcodefailed400 ms/),
    ]);
    // The failed node is open by default: what one usually came to see.
    expect(rows[2]).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByRole('heading', { level: 3, name: 'Node check' })).toBeInTheDocument();
    expect(screen.getByText('code threw: boom')).toBeInTheDocument();

    rows[2]!.focus();
    await user.keyboard('{ArrowUp}');
    expect(rows[1]).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(rows[1]).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByRole('heading', { level: 3, name: 'Node ask' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/runs/r-1?node=ask');
  });

  it('shows LLM usage with the provider’s name', async () => {
    platform();
    renderPage(<RunDetailPage />, { path: '/runs/:runId', url: '/runs/r-1' });
    const usage = await screen.findByRole('heading', { name: 'LLM usage' });
    const table = within(usage.parentElement!).getByRole('table');
    expect(await within(table).findByText('Local vLLM')).toBeInTheDocument();
    expect(within(table).getAllByRole('row')[1]).toHaveTextContent(/askLocal vLLMm201030480 ms/);
  });
});
