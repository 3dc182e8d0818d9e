import type { RunStreamEvent } from './run-stream';

export type NodeRunState = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface NodeProgress {
  node_id: string;
  node_type: string;
  status: NodeRunState;
  /** When its node_started arrived, on this browser's clock (the server's may differ). */
  startedAt: number | null;
  elapsed_ms: number | null;
  error: string | null;
}

type RunFinished = Extract<RunStreamEvent, { event: 'run_finished' }>['data'];

/** A run in the panel, from the click to its last event. */
export interface RunProgress {
  phase: 'idle' | 'starting' | 'running' | 'finished' | 'interrupted';
  runId: string | null;
  startedAt: number | null;
  /** In the order they started (or, for skipped nodes, finished). */
  nodes: NodeProgress[];
  /** LLM text so far, by node id. */
  text: Record<string, string>;
  result: RunFinished | null;
}

export type RunAction =
  | { type: 'start'; at: number }
  | { type: 'event'; event: RunStreamEvent; at: number }
  /** The request was refused or the stream broke: what arrived stays on screen. */
  | { type: 'interrupt' };

export const idleRun: RunProgress = { phase: 'idle', runId: null, startedAt: null, nodes: [], text: {}, result: null };

function withNode(nodes: NodeProgress[], node: NodeProgress): NodeProgress[] {
  const index = nodes.findIndex((existing) => existing.node_id === node.node_id);
  if (index === -1) return [...nodes, node];
  return nodes.map((existing, i) => (i === index ? node : existing));
}

/** The next state of a run from the panel's action; every event is applied in arrival order. */
export function runProgress(state: RunProgress, action: RunAction): RunProgress {
  switch (action.type) {
    case 'start':
      return { ...idleRun, phase: 'starting', startedAt: action.at };
    case 'interrupt':
      return state.phase === 'finished' ? state : { ...state, phase: state.runId ? 'interrupted' : 'idle' };
    case 'event':
      break;
  }
  const { event, at } = action;
  switch (event.event) {
    case 'run_started':
      return { ...state, phase: 'running', runId: event.data.run_id };
    case 'node_started': {
      const node: NodeProgress = { node_id: event.data.node_id, node_type: event.data.node_type, status: 'running', startedAt: at, elapsed_ms: null, error: null };
      return { ...state, nodes: withNode(state.nodes, node) };
    }
    case 'text_chunk':
      return { ...state, text: { ...state.text, [event.data.node_id]: (state.text[event.data.node_id] ?? '') + event.data.text } };
    case 'node_finished': {
      const known = state.nodes.find((node) => node.node_id === event.data.node_id);
      const node: NodeProgress = {
        node_id: event.data.node_id,
        node_type: event.data.node_type,
        status: event.data.status,
        startedAt: known?.startedAt ?? null,
        elapsed_ms: event.data.elapsed_ms,
        error: event.data.error,
      };
      return { ...state, nodes: withNode(state.nodes, node) };
    }
    case 'run_finished':
      return { ...state, phase: 'finished', runId: event.data.run_id, result: event.data };
  }
}

/** The node states the editor colours its canvas with. */
export function nodeStatesOf(progress: RunProgress): Record<string, NodeRunState> {
  return Object.fromEntries(progress.nodes.map((node) => [node.node_id, node.status]));
}
