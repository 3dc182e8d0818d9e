import { useEffect, useReducer, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ProblemError } from '../../../api/problem';
import { formatDuration } from '../../../ui/format';
import { ProblemMessage } from '../../../ui/problem-message';
import { StatusBadge } from '../../../ui/status-badge';
import { JsonView } from '../../runs/json-view';
import { runKeys } from '../../runs/run-queries';
import { useNow } from '../../runs/use-now';
import { RunInputField } from './run-input-field';
import { collectInputs, inputProblemsOf, parseValue, valueOf, type FieldValue, type StartInput } from './run-inputs';
import { idleRun, nodeStatesOf, runProgress, type NodeProgress, type NodeRunState, type RunAction } from './run-progress';
import { readRunStream } from './run-stream';
import { cancelRun, startRun } from './start-run';
import './run-panel.css';

export type { NodeRunState } from './run-progress';

export interface RunPanelProps {
  workflowId: string;
  /** The start node's `data.inputs` of the graph being edited. */
  startInputs: StartInput[];
  /** Called before each run: the editor saves its draft so the run uses what is on screen. Throwing cancels the run (the panel shows the error). */
  beforeRun: () => Promise<void>;
  /** Node states as run events arrive ({} when a new run starts). */
  onNodeStates: (states: Record<string, NodeRunState>) => void;
  onClose: () => void;
}

/**
 * Runs the workflow being edited with inputs from a form built from its start node, and follows
 * the run live: node by node, LLM text token by token, then its outcome.
 */
export function RunPanel({ workflowId, startInputs, beforeRun, onNodeStates, onClose }: RunPanelProps) {
  const queries = useQueryClient();
  const [edited, setEdited] = useState<Record<string, FieldValue>>({});
  const [progress, dispatch] = useReducer(runProgress, idleRun);
  const [error, setError] = useState<unknown>(null);
  // Inputs edited since the platform refused them: their old problem no longer applies.
  const [editedSinceError, setEditedSinceError] = useState<ReadonlySet<string>>(new Set());
  const aborter = useRef<AbortController | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const running = progress.phase === 'starting' || progress.phase === 'running';
  const now = useNow(running);

  // Leaving the editor (or closing the panel) stops reading the stream; the run itself goes on.
  useEffect(() => () => aborter.current?.abort(), []);

  const cancel = useMutation({ mutationFn: cancelRun });

  const { byInput, rest } = inputProblemsOf(error, startInputs);
  const localProblems = Object.fromEntries(
    startInputs.flatMap((input) => {
      const parsed = parseValue(input, valueOf(input, edited));
      return 'problem' in parsed ? [[input.name, parsed.problem]] : [];
    }),
  );

  async function run(event: FormEvent) {
    event.preventDefault();
    const { inputs, problems } = collectInputs(startInputs, edited);
    if (Object.keys(problems).length > 0) {
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    aborter.current?.abort();
    const controller = new AbortController();
    aborter.current = controller;
    setError(null);
    setEditedSinceError(new Set());
    cancel.reset();
    // This run's own copy of the state, so the editor hears every node change as it happens
    // (React would merge the renders of events that arrive together).
    let current = idleRun;
    const apply = (action: RunAction) => {
      const next = runProgress(current, action);
      dispatch(action);
      if (action.type === 'start' || next.nodes !== current.nodes) onNodeStates(nodeStatesOf(next));
      current = next;
    };
    apply({ type: 'start', at: Date.now() });
    try {
      await beforeRun();
      if (controller.signal.aborted) return;
      const body = await startRun(workflowId, inputs, controller.signal);
      for await (const streamed of readRunStream(body)) {
        if (controller.signal.aborted) return;
        apply({ type: 'event', event: streamed, at: Date.now() });
      }
    } catch (caught) {
      if (controller.signal.aborted) return;
      setError(caught);
      apply({ type: 'interrupt' });
    } finally {
      if (aborter.current === controller) aborter.current = null;
      void queries.invalidateQueries({ queryKey: runKeys.all });
    }
  }

  function close() {
    aborter.current?.abort();
    onClose();
  }

  const problemShown = error instanceof ProblemError && error.errors.length > 0 ? new ProblemError(error.status, { title: error.title, detail: error.detail, errors: rest }) : error;
  const result = progress.result;

  return (
    <section className="run-panel" aria-label="Run">
      <header className="run-panel-header">
        <h2>Run</h2>
        <button type="button" className="button button-ghost button-small" aria-label="Close run panel" onClick={close}>
          ×
        </button>
      </header>

      <form ref={form} className="run-panel-form" onSubmit={(submitted) => void run(submitted)} noValidate>
        {startInputs.length === 0 && <p className="muted">This workflow takes no inputs.</p>}
        {startInputs.map((input) => (
          <RunInputField
            key={input.name}
            input={input}
            value={valueOf(input, edited)}
            error={localProblems[input.name] ?? (editedSinceError.has(input.name) ? undefined : byInput[input.name])}
            onChange={(value) => {
              setEdited((current) => ({ ...current, [input.name]: value }));
              setEditedSinceError((current) => new Set(current).add(input.name));
            }}
          />
        ))}
        {error !== null && progress.phase !== 'interrupted' && <ProblemMessage error={problemShown} />}
        <div className="row">
          <button type="submit" className="button button-primary" disabled={running}>
            Run workflow
          </button>
          {running && (
            <button type="button" className="button button-danger" disabled={!progress.runId || cancel.isPending || cancel.isSuccess} onClick={() => progress.runId && cancel.mutate(progress.runId)}>
              Cancel run
            </button>
          )}
          {running && (
            <span className="muted" role="status">
              <span className="spinner" aria-hidden="true" /> {progress.phase === 'starting' ? 'Starting…' : cancel.isSuccess ? 'Cancelling…' : 'Running…'}
            </span>
          )}
        </div>
        {cancel.error && <ProblemMessage error={cancel.error} />}
      </form>

      {progress.nodes.length > 0 && (
        <div className="run-panel-nodes">
          <h3>Nodes</h3>
          <ol className="run-node-list">
            {progress.nodes.map((node) => (
              <RunNodeItem key={node.node_id} node={node} text={progress.text[node.node_id]} now={now} />
            ))}
          </ol>
        </div>
      )}

      <div className="run-panel-outcome" aria-live="polite">
        {progress.phase === 'interrupted' && (
          <>
            <ProblemMessage error={error} />
            <p>
              The run may still be going on the platform. {progress.runId && <Link to={`/runs/${progress.runId}`}>View run details</Link>}
            </p>
          </>
        )}
        {result && (
          <>
            <p className="run-outcome-status">
              <StatusBadge status={result.status} /> <span className="muted">in {formatDuration(result.elapsed_ms)}</span>
            </p>
            {result.error && <p className="problem run-outcome-error">{result.error}</p>}
            <h3>Outputs</h3>
            <div role="group" aria-label="Run outputs">
              <JsonView value={result.outputs} />
            </div>
            <p>
              <Link to={`/runs/${result.run_id}`}>View run details</Link>
            </p>
          </>
        )}
      </div>
    </section>
  );
}

function RunNodeItem({ node, text, now }: { node: NodeProgress; text: string | undefined; now: number }) {
  const elapsed = node.elapsed_ms ?? (node.status === 'running' && node.startedAt !== null ? now - node.startedAt : null);
  return (
    <li className={`run-node run-node-${node.status}`}>
      <div className="run-node-line">
        <StatusBadge status={node.status} />
        <code className="run-node-id">{node.node_id}</code>
        <span className="run-node-type">{node.node_type}</span>
        <span className="run-node-elapsed">{formatDuration(elapsed)}</span>
      </div>
      {text !== undefined && <pre className="run-node-text">{text}</pre>}
      {node.error && <p className="run-node-error">{node.error}</p>}
    </li>
  );
}
