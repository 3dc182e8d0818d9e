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

const failedRun = (id: string, workflow: string, startedAt: string) => ({
  run_id: id,
  workflow_id: workflow,
  version: 0,
  status: 'failed',
  trigger: 'api',
  started_at: startedAt,
  finished_at: null,
  elapsed_ms: 5,
  error: `${workflow} broke`,
});

// Newest first across workflows, as GET /api/v1/runs answers; the last started before the range.
const failures = [
  failedRun('r-3', 'w-3', '2026-11-22T10:30:00.000Z'),
  failedRun('r-2', 'w-2', '2026-11-22T10:20:00.000Z'),
  failedRun('r-9', '0190a6f4-0000-7000-8000-0000000000d9', '2026-11-22T09:00:00.000Z'),
  failedRun('r-old', 'w-2', '2026-11-20T10:00:00.000Z'),
];

function platform(answer: ReturnType<typeof stats>, workflows: { id: string; name: string }[], failed = failures) {
  return fakeApi()
    .on('GET', '/api/v1/services', () => json(200, services))
    .on('GET', '/api/v1/stats', () => json(200, answer))
    .on('GET', '/api/v1/workflows', () => json(200, { items: workflows, next_cursor: null }))
    .on('GET', '/api/v1/runs', () => json(200, { items: failed, next_cursor: null }));
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

  it('shows totals, named charts, the busiest workflows and the newest failures of the range from one request', async () => {
    const api = platform(stats(), [{ id: 'w-1', name: 'Greeting' }, { id: 'w-2', name: 'Flaky' }, { id: 'w-3', name: 'Nightly' }]);
    const { user } = renderPage(<DashboardPage />, { path: '/' });
    const totals = await screen.findByText('p95 duration');
    expect(totals.closest('dl')).toHaveTextContent(/Runs12Succeeded9Failed325% of runsp95 duration900 ms/);
    expect(screen.getByRole('img', { name: /^Runs and failures per hour, last 24 hours: 12 runs, 3 failed; busiest .+ with 10 runs\.$/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /^Average run duration per hour/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /^LLM tokens per hour, last 24 hours: 120 in total/ })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Greeting' })).toHaveAttribute('href', '/workflows/w-1');

    const recent = screen.getByRole('heading', { name: 'Recent failed runs' }).parentElement!;
    const links = await within(recent).findAllByRole('link');
    const asked = api.seen('GET', '/api/v1/runs');
    expect(asked).toHaveLength(1);
    expect(Object.fromEntries(asked[0]!.url.searchParams)).toEqual({ status: 'failed', limit: '10' });
    expect(api.seen('GET', '/api/v1/workflows/.+/runs')).toEqual([]);
    // Newest first, each naming its workflow (a workflow not among the loaded ones by its id); the run started before the range is left out.
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['/runs/r-3', '/runs/r-2', '/runs/r-9']);
    expect(links.map((link) => link.querySelector('.failure-workflow')!.textContent)).toEqual(['Nightly', 'Flaky', 'Workflow 0190a6f4…']);
    expect(within(recent).getByText('w-2 broke')).toBeInTheDocument();
    expect(within(recent).queryByText(/not among|busiest/)).toBeNull();

    await user.click(screen.getByRole('radio', { name: 'Last 7 days' }));
    expect(screen.getByTestId('location')).toHaveTextContent('/?range=7d');
    await waitFor(() => expect(api.seen('GET', '/api/v1/stats').at(-1)!.url.searchParams.get('interval')).toBe('day'));
  });

  it('asks for no failed runs when the range has none', async () => {
    const api = platform(stats({ failed: 0, succeeded: 12, top_workflows: [top('w-1', 12, 0)] }), [{ id: 'w-1', name: 'Greeting' }]);
    renderPage(<DashboardPage />, { path: '/' });
    expect(await screen.findByText('No run failed in this range.')).toBeInTheDocument();
    expect(api.seen('GET', '/api/v1/runs')).toEqual([]);
  });

  it('says so when the failures the statistics count are no longer in the run history', async () => {
    platform(stats(), [{ id: 'w-2', name: 'Flaky' }], [failedRun('r-old', 'w-2', '2026-11-20T10:00:00.000Z')]);
    renderPage(<DashboardPage />, { path: '/' });
    expect(await screen.findByText('The failed runs of this range are no longer in the run history.')).toBeInTheDocument();
  });
});
