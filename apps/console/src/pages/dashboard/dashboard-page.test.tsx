import { fakeApi, json, renderPage } from '../../testing/fake-platform';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import DashboardPage from './dashboard-page';

const services = {
  topology: 'split',
  items: [
    { name: 'gateway', mode: 'local', urls: [], url: null, status: 'ok', version: '0.1.0', latency_ms: 0, last_check: '2026-11-22T10:00:00.000Z' },
    { name: 'engine', mode: 'remote', urls: ['http://engine:8000'], url: 'http://engine:8000', status: 'down', version: '0.1.0', latency_ms: null, last_check: '2026-11-22T10:00:00.000Z', detail: 'connection refused' },
  ],
};

const bucket = (hour: number, runs: number, failed: number) => ({ bucket: `2026-11-22T${String(hour).padStart(2, '0')}:00:00.000Z`, runs, failed, avg_elapsed_ms: runs ? 200 : 0, tokens: runs * 10 });
const top = (id: string, runs: number, failed: number) => ({ workflow_id: id, runs, failed, avg_elapsed_ms: 100, tokens: 0 });

const stats = (overrides: Record<string, unknown> = {}) => ({
  from: '2026-11-21T11:00:00.000Z',
  to: '2026-11-22T11:00:00.000Z',
  interval: 'hour',
  total_runs: 12,
  succeeded: 9,
  failed: 3,
  cancelled: 0,
  avg_elapsed_ms: 200,
  p95_elapsed_ms: 900,
  total_tokens: 120,
  series: [bucket(8, 2, 0), bucket(9, 0, 0), bucket(10, 10, 3)],
  top_workflows: [top('w-1', 5, 0), ...['w-2', 'w-3', 'w-4', 'w-5', 'w-6', 'w-7'].map((id) => top(id, 1, 1))],
  ...overrides,
});

const failedRun = (workflow: string, minute: number) => ({
  run_id: `r-${workflow}`,
  workflow_id: workflow,
  version: 0,
  status: 'failed',
  trigger: 'api',
  started_at: `2026-11-22T10:${String(minute).padStart(2, '0')}:00.000Z`,
  finished_at: null,
  elapsed_ms: 5,
  error: `${workflow} broke`,
});

function platform(answer: ReturnType<typeof stats>, workflows: { id: string; name: string }[]) {
  return fakeApi()
    .on('GET', '/api/v1/services', () => json(200, services))
    .on('GET', '/api/v1/stats', () => json(200, answer))
    .on('GET', '/api/v1/workflows', () => json(200, { items: workflows, next_cursor: null }))
    .on('GET', '/api/v1/workflows/(w-\\d)/runs', (_request, match) => json(200, { items: [failedRun(match[1]!, Number(match[1]!.slice(2)))], next_cursor: null }));
}

describe('DashboardPage', () => {
  it('invites a fresh platform to create a workflow', async () => {
    platform(stats({ total_runs: 0, succeeded: 0, failed: 0, series: [], top_workflows: [] }), []);
    renderPage(<DashboardPage />, { path: '/' });
    expect(await screen.findByText(/No runs yet/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'create a workflow' })).toHaveAttribute('href', '/workflows');
  });

  it('shows each service’s placement and health in words', async () => {
    platform(stats(), []);
    renderPage(<DashboardPage />, { path: '/' });
    const engine = (await screen.findByRole('rowheader', { name: 'engine' })).closest('tr')!;
    expect(engine).toHaveTextContent('down');
    expect(engine).toHaveTextContent('connection refused');
    expect(engine).toHaveTextContent('remote');
    expect(engine).toHaveTextContent('http://engine:8000');
    expect(screen.getByText('Topology: split')).toBeInTheDocument();
  });

  it('shows totals, named charts, the busiest workflows and recent failures from at most five requests', async () => {
    const api = platform(stats(), [{ id: 'w-1', name: 'Greeting' }, { id: 'w-2', name: 'Flaky' }]);
    const { user } = renderPage(<DashboardPage />, { path: '/' });
    const totals = await screen.findByText('p95 duration');
    expect(totals.closest('dl')).toHaveTextContent(/Runs12Succeeded9Failed325% of runsp95 duration900 ms/);
    expect(screen.getByRole('img', { name: /^Runs and failures per hour, last 24 hours: 12 runs, 3 failed; busiest .+ with 10 runs\.$/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /^Average run duration per hour/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /^LLM tokens per hour, last 24 hours: 120 in total/ })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Greeting' })).toHaveAttribute('href', '/workflows/w-1');

    const failures = screen.getByRole('heading', { name: 'Recent failed runs' }).parentElement!;
    const links = await within(failures).findAllByRole('link');
    // w-2…w-6: the busiest five with failures; w-1 had none and w-7 is beyond the limit.
    expect(api.seen('GET', '/api/v1/workflows/w-\\d/runs').map((request) => request.url.pathname)).toEqual(['w-2', 'w-3', 'w-4', 'w-5', 'w-6'].map((id) => `/api/v1/workflows/${id}/runs`));
    expect(api.seen('GET', '/api/v1/workflows/w-2/runs')[0]!.url.searchParams.get('status')).toBe('failed');
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['/runs/r-w-6', '/runs/r-w-5', '/runs/r-w-4', '/runs/r-w-3', '/runs/r-w-2']);
    expect(links.at(-1)).toHaveTextContent('Flaky');

    await user.click(screen.getByRole('radio', { name: 'Last 7 days' }));
    expect(screen.getByTestId('location')).toHaveTextContent('/?range=7d');
    await waitFor(() => expect(api.seen('GET', '/api/v1/stats').at(-1)!.url.searchParams.get('interval')).toBe('day'));
  });
});
