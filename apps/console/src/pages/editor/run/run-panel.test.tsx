import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ProblemError } from '../../../api/problem';
import { RunPanel, type RunPanelProps } from './run-panel';
import { cancelRun, startRun } from './start-run';

vi.mock('./start-run', () => ({ startRun: vi.fn(), cancelRun: vi.fn() }));
const startRunMock = vi.mocked(startRun);
const cancelRunMock = vi.mocked(cancelRun);

const startInputs: RunPanelProps['startInputs'] = [
  { name: 'name', type: 'string', required: true, description: 'Who to greet' },
  { name: 'count', type: 'number', default: 2 },
  { name: 'loud', type: 'boolean', default: true },
  { name: 'options', type: 'object', default: { tone: 'warm' } },
  { name: 'tags', type: 'array' },
];

function renderPanel(overrides: Partial<RunPanelProps> = {}) {
  const props: RunPanelProps = { workflowId: 'w1', startInputs, beforeRun: vi.fn(async () => {}), onNodeStates: vi.fn(), onClose: vi.fn(), ...overrides };
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queries}>
      <MemoryRouter>
        <RunPanel {...props} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return props;
}

function streamOf(events: [string, unknown][]): ReadableStream<Uint8Array> {
  const text = events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('');
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
}

beforeEach(() => {
  startRunMock.mockReset();
  cancelRunMock.mockReset();
});

/** A stream the test writes events into while the panel reads it. */
function openStream() {
  let writer!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (controller) => void (writer = controller) });
  const send = (event: string, data: unknown) => writer.enqueue(new TextEncoder().encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
  return { body, send };
}

describe('RunPanel form', () => {
  it('builds a control of the right kind per start input, named by the input, defaults filled, required marked', () => {
    renderPanel();
    const panel = screen.getByRole('region', { name: 'Run' });
    const name = within(panel).getByRole('textbox', { name: 'name' });
    expect(name).toHaveValue('');
    expect(name).toHaveAttribute('aria-required', 'true');
    expect(name).toHaveAccessibleDescription(/Who to greet.*required/);
    expect(within(panel).getByRole('spinbutton', { name: 'count' })).toHaveValue(2);
    expect(within(panel).getByRole('spinbutton', { name: 'count' })).not.toHaveAttribute('aria-required');
    expect(within(panel).getByRole('checkbox', { name: 'loud' })).toBeChecked();
    const options = within(panel).getByRole('textbox', { name: 'options' });
    expect(options.tagName).toBe('TEXTAREA');
    expect(JSON.parse((options as HTMLTextAreaElement).value)).toEqual({ tone: 'warm' });
    expect(within(panel).getByRole('textbox', { name: 'tags' }).tagName).toBe('TEXTAREA');
  });

  it('shows a JSON parse error on its field and does not run while it stands', async () => {
    const user = userEvent.setup();
    const props = renderPanel();
    await user.type(screen.getByRole('textbox', { name: 'name' }), 'Ada');
    const tags = screen.getByRole('textbox', { name: 'tags' });
    await user.type(tags, '[[1, 2');
    expect(tags).toHaveAttribute('aria-invalid', 'true');
    expect(tags).toHaveAccessibleDescription(/Not valid JSON/);
    await user.click(screen.getByRole('button', { name: 'Run workflow' }));
    expect(props.beforeRun).not.toHaveBeenCalled();
    expect(startRunMock).not.toHaveBeenCalled();
    expect(tags).toHaveFocus();
  });

  it('maps a 422 for a missing input to that input’s field', async () => {
    const user = userEvent.setup();
    startRunMock.mockImplementation(async () => {
      throw new ProblemError(422, { title: 'Validation failed', detail: 'The run inputs are not valid', errors: [{ path: '/inputs/name', message: 'is required (string)' }] });
    });
    renderPanel();
    await user.click(screen.getByRole('button', { name: 'Run workflow' }));
    const name = screen.getByRole('textbox', { name: 'name' });
    await waitFor(() => expect(name).toHaveAttribute('aria-invalid', 'true'));
    expect(name).toHaveAccessibleDescription(/is required \(string\)/);
    expect(screen.getByText('The run inputs are not valid')).toBeInTheDocument();
    // Typing a value retires the platform's complaint about it.
    await user.type(name, 'Ada');
    expect(name).not.toHaveAttribute('aria-invalid');
    // Empty optional fields are left out; the checkbox and defaults are sent.
    expect(startRunMock).toHaveBeenCalledWith('w1', { count: 2, loud: true, options: { tone: 'warm' } }, expect.any(AbortSignal));
  });

  it('shows why the editor could not save and does not start the run', async () => {
    const user = userEvent.setup();
    renderPanel({ beforeRun: vi.fn(async () => Promise.reject(new ProblemError(409, { title: 'The draft changed meanwhile' }))) });
    await user.click(screen.getByRole('button', { name: 'Run workflow' }));
    expect(await screen.findByText('The draft changed meanwhile')).toBeInTheDocument();
    expect(startRunMock).not.toHaveBeenCalled();
  });
});

describe('RunPanel run', () => {
  it('saves first, streams node states and LLM text, then shows the outcome with a link to the run', async () => {
    const user = userEvent.setup();
    const order: string[] = [];
    const beforeRun = vi.fn(async () => void order.push('save'));
    startRunMock.mockImplementation(async () => {
      order.push('run');
      return streamOf([
        ['run_started', { run_id: 'r1', workflow_id: 'w1', version: 0, started_at: '2026-11-22T10:00:00.000Z' }],
        ['node_started', { run_id: 'r1', node_id: 'ask', node_type: 'llm', started_at: '2026-11-22T10:00:00.001Z' }],
        ['text_chunk', { run_id: 'r1', node_id: 'ask', text: 'Hel' }],
        ['text_chunk', { run_id: 'r1', node_id: 'ask', text: 'lo Ada' }],
        ['node_finished', { run_id: 'r1', node_id: 'ask', node_type: 'llm', status: 'succeeded', outputs: { text: 'Hello Ada' }, error: null, elapsed_ms: 30 }],
        ['node_finished', { run_id: 'r1', node_id: 'other', node_type: 'template', status: 'skipped', outputs: null, error: null, elapsed_ms: 0 }],
        ['run_finished', { run_id: 'r1', status: 'succeeded', outputs: { greeting: 'Hello Ada' }, error: null, elapsed_ms: 42, finished_at: '2026-11-22T10:00:00.042Z' }],
      ]);
    });
    const props = renderPanel({ beforeRun });
    await user.type(screen.getByRole('textbox', { name: 'name' }), 'Ada');
    await user.click(screen.getByRole('button', { name: 'Run workflow' }));

    const outputs = await screen.findByRole('group', { name: 'Run outputs' });
    expect(order).toEqual(['save', 'run']);
    expect(outputs).toHaveTextContent('"greeting": "Hello Ada"');
    expect(screen.getByText('succeeded', { selector: '.run-outcome-status .badge' })).toBeInTheDocument();
    expect(screen.getByText('Hello Ada', { selector: 'pre' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'View run details' })).toHaveAttribute('href', '/runs/r1');
    expect(screen.getByRole('region', { name: 'Run' }).querySelector('[aria-live="polite"]')).toContainElement(outputs);

    const states = vi.mocked(props.onNodeStates).mock.calls.map(([value]) => value);
    expect(states[0]).toEqual({});
    expect(states).toContainEqual({ ask: 'running' });
    expect(states.at(-1)).toEqual({ ask: 'succeeded', other: 'skipped' });
  });

  it('keeps what arrived and says so when the stream breaks before run_finished', async () => {
    const user = userEvent.setup();
    startRunMock.mockResolvedValue(streamOf([['run_started', { run_id: 'r2', workflow_id: 'w1', version: 0, started_at: '2026-11-22T10:00:00.000Z' }]]));
    renderPanel();
    await user.type(screen.getByRole('textbox', { name: 'name' }), 'Ada');
    await user.click(screen.getByRole('button', { name: 'Run workflow' }));
    expect(await screen.findByText(/closed before the run finished/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'View run details' })).toHaveAttribute('href', '/runs/r2');
    expect(screen.getByRole('button', { name: 'Run workflow' })).toBeEnabled();
  });

  it('cancels the run in flight and shows it ended cancelled', async () => {
    const user = userEvent.setup();
    const stream = openStream();
    startRunMock.mockResolvedValue(stream.body);
    cancelRunMock.mockResolvedValue({ run_id: 'r3', status: 'cancelling' });
    renderPanel();
    await user.type(screen.getByRole('textbox', { name: 'name' }), 'Ada');
    await user.click(screen.getByRole('button', { name: 'Run workflow' }));
    expect(screen.getByRole('button', { name: 'Run workflow' })).toBeDisabled();
    stream.send('run_started', { run_id: 'r3', workflow_id: 'w1', version: 0, started_at: '2026-11-22T10:00:00.000Z' });
    const cancel = await screen.findByRole('button', { name: 'Cancel run' });
    await waitFor(() => expect(cancel).toBeEnabled());
    await user.click(cancel);
    expect(cancelRunMock).toHaveBeenCalledWith('r3', expect.anything());
    stream.send('run_finished', { run_id: 'r3', status: 'cancelled', outputs: {}, error: 'run cancelled', elapsed_ms: 900, finished_at: '2026-11-22T10:00:00.900Z' });
    expect(await screen.findByText('cancelled')).toBeInTheDocument();
    expect(screen.getByText('run cancelled')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel run' })).not.toBeInTheDocument();
  });

  it('stops reading the stream when the panel is closed', async () => {
    const user = userEvent.setup();
    const stream = openStream();
    let signal: AbortSignal | undefined;
    startRunMock.mockImplementation(async (_id, _inputs, given) => {
      signal = given;
      return stream.body;
    });
    const props = renderPanel();
    await user.type(screen.getByRole('textbox', { name: 'name' }), 'Ada');
    await user.click(screen.getByRole('button', { name: 'Run workflow' }));
    await waitFor(() => expect(signal).toBeDefined());
    expect(signal!.aborted).toBe(false);
    await user.click(screen.getByRole('button', { name: 'Close run panel' }));
    expect(signal!.aborted).toBe(true);
    expect(props.onClose).toHaveBeenCalled();
  });
});
