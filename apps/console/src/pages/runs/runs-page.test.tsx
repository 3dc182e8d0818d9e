import { fakeApi, json, renderPage } from '../../testing/fake-platform';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import RunsPage from './runs-page';

const run = (id: string, extra: Record<string, unknown> = {}) => ({
  run_id: id,
  workflow_id: 'w-1',
  version: 0,
  status: 'succeeded',
  trigger: 'api',
  started_at: '2026-11-22T10:00:00.000Z',
  finished_at: '2026-11-22T10:00:00.050Z',
  elapsed_ms: 50,
  error: null,
  ...extra,
});

/** The runs of w-1 in pages of two, by cursor, as the log system answers. */
function runsApi(items = [run('r-1'), run('r-2', { status: 'failed', trigger: 'console', error: 'node check failed: boom' }), run('r-3')]) {
  return fakeApi()
    .on('GET', '/api/v1/workflows/w-1', () => json(200, { id: 'w-1', name: 'Greeting' }))
    .on('GET', '/api/v1/workflows/w-1/runs', ({ url }) => {
      const status = url.searchParams.get('status');
      const matching = items.filter((item) => !status || item.status === status);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      return json(200, { items: matching.slice(start, start + 2), next_cursor: start + 2 < matching.length ? String(start + 2) : null });
    });
}

describe('RunsPage', () => {
  it('shows the workflow’s name and its runs, each start time a link to the run', async () => {
    runsApi();
    renderPage(<RunsPage />, { path: '/workflows/:id/runs', url: '/workflows/w-1/runs' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Greeting' })).toBeInTheDocument();
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[1]!).getByText('failed')).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('Console');
    expect(rows[1]).toHaveTextContent('node check failed: boom');
    expect(within(rows[1]!).getByRole('link')).toHaveAttribute('href', '/runs/r-2');
    expect(screen.getByRole('link', { name: 'Open in editor' })).toHaveAttribute('href', '/workflows/w-1');
  });

  it('keeps the filters in the URL and asks the API with them', async () => {
    const api = runsApi();
    const { user } = renderPage(<RunsPage />, { path: '/workflows/:id/runs', url: '/workflows/w-1/runs?trigger=console' });
    await screen.findAllByRole('link', { name: /2026/ });
    expect(screen.getByRole('combobox', { name: 'Trigger' })).toHaveValue('console');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'failed');
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/workflows/w-1/runs?status=failed&trigger=console'));
    const last = api.seen('GET', '/api/v1/workflows/w-1/runs').at(-1)!;
    expect(last.url.searchParams.get('status')).toBe('failed');
    expect(last.url.searchParams.get('trigger')).toBe('console');
  });

  it('pages forward with the API’s cursor and back through the cursors kept in the URL', async () => {
    const api = runsApi([run('r-1'), run('r-2'), run('r-3'), run('r-4'), run('r-5')]);
    const { user } = renderPage(<RunsPage />, { path: '/workflows/:id/runs', url: '/workflows/w-1/runs' });
    await screen.findByText('Page 1');
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Page 2');
    expect(screen.getByTestId('location')).toHaveTextContent('/workflows/w-1/runs?after=2');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByText('Page 3');
    expect(screen.getByTestId('location')).toHaveTextContent('?after=2&after=4');
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
    expect(screen.getAllByRole('row').slice(1).map((row) => within(row).getByRole('link').getAttribute('href'))).toEqual(['/runs/r-5']);

    await user.click(screen.getByRole('button', { name: 'Previous' }));
    await screen.findByText('Page 2');
    expect(screen.getByTestId('location')).toHaveTextContent('/workflows/w-1/runs?after=2');
    expect(screen.getAllByRole('row').slice(1).map((row) => within(row).getByRole('link').getAttribute('href'))).toEqual(['/runs/r-3', '/runs/r-4']);
    expect(api.seen('GET', '/api/v1/workflows/w-1/runs').map((request) => request.url.searchParams.get('cursor')).slice(0, 3)).toEqual([null, '2', '4']);
  });

  it('says when no run matches the filters, and clears them', async () => {
    runsApi([run('r-1')]);
    const { user } = renderPage(<RunsPage />, { path: '/workflows/:id/runs', url: '/workflows/w-1/runs?status=cancelled' });
    expect(await screen.findByText('No runs match these filters')).toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]!);
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/workflows\/w-1\/runs$/));
    expect(await screen.findByRole('link', { name: /2026/ })).toHaveAttribute('href', '/runs/r-1');
  });

  it('offers the newest runs, not a retry, when the API refuses a cursor from the URL', async () => {
    const api = fakeApi()
      .on('GET', '/api/v1/workflows/w-1', () => json(200, { id: 'w-1', name: 'Greeting' }))
      .on('GET', '/api/v1/workflows/w-1/runs', ({ url }) =>
        url.searchParams.get('cursor')
          ? json(400, { type: 'about:blank', title: 'Bad request', status: 400, detail: 'cursor: not a cursor of this list' })
          : json(200, { items: [run('r-1')], next_cursor: null }),
      );
    const { user } = renderPage(<RunsPage />, { path: '/workflows/:id/runs', url: '/workflows/w-1/runs?after=garbled' });
    expect(await screen.findByText('cursor: not a cursor of this list')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Back to the newest runs' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/workflows\/w-1\/runs$/));
    expect(await screen.findByRole('link', { name: /2026/ })).toHaveAttribute('href', '/runs/r-1');
    expect(api.seen('GET', '/api/v1/workflows/w-1/runs').at(-1)!.url.searchParams.get('cursor')).toBeNull();
  });
});
