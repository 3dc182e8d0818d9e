import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useMemo, useRef, useState, type DragEvent } from 'react';
import type { NodeRunState } from '../run/run-panel';
import type { Graph, GraphEdge, NodePosition } from '../model/graph';
import { connectionToEdge, edgeIndexOf, graphToFlow, type FlowEdge } from '../model/graph-flow';
import { addEdge, edgeProblem, moveNodes, removeElements } from '../model/graph-ops';
import { DEFAULT_NODE_SIZE } from '../model/layout';
import { nodeSummary } from '../model/node-summary';
import type { SelectionChange } from '../use-editor-state';
import { NODE_TYPE_MIME } from './palette';
import { canvasNodeTypes, type CanvasNode } from './workflow-node';

export interface FlowCanvasProps {
  graph: Graph;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<number>;
  problemCounts: ReadonlyMap<string, number>;
  /** Problems of edges, by the edge's index in `graph`. */
  edgeProblems: ReadonlyMap<number, string>;
  runStates: Readonly<Record<string, NodeRunState>>;
  readOnly: boolean;
  onChange: (graph: Graph, group: string | null) => void;
  /** A drag ended: the moves so far are one undo step. */
  onSeal: () => void;
  onSelectionChange: (change: SelectionChange) => void;
  onDropType: (type: string, position: NodePosition) => void;
  /** Something the user should hear about (a refused connection). */
  onNotice: (message: string) => void;
}

type Size = { width: number; height: number };

function clip(text: string, max = 48): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function edgeName(edge: GraphEdge): string {
  return `Edge from ${edge.source}${edge.source_handle === undefined ? '' : ` (${edge.source_handle})`} to ${edge.target}`;
}

/**
 * The graph on a React Flow canvas. The graph is the only state: every move, connection and
 * deletion becomes a new graph through `onChange`; the canvas keeps only what it measures.
 */
export function FlowCanvas(props: FlowCanvasProps) {
  const { graph, selectedNodes, selectedEdges, problemCounts, edgeProblems, runStates, readOnly } = props;
  const flowApi = useReactFlow();
  const [sizes, setSizes] = useState<Readonly<Record<string, Size>>>({});
  // Decorated nodes are kept per node, so a change to one node re-renders only that node.
  const cache = useRef(new Map<string, { key: unknown[]; node: CanvasNode }>());

  const flow = useMemo(() => graphToFlow(graph), [graph]);

  const nodes = useMemo(() => {
    const next = new Map<string, { key: unknown[]; node: CanvasNode }>();
    const list = flow.nodes.map((flowNode) => {
      const graphNode = flowNode.data.node;
      const key = [graphNode, selectedNodes.has(flowNode.id), sizes[flowNode.id], problemCounts.get(flowNode.id) ?? 0, runStates[flowNode.id], readOnly];
      const cached = cache.current.get(flowNode.id);
      const node =
        cached && cached.key.every((part, i) => part === key[i])
          ? cached.node
          : {
              ...flowNode,
              selected: selectedNodes.has(flowNode.id),
              measured: sizes[flowNode.id],
              data: { node: graphNode, summary: nodeSummary(graphNode), problemCount: problemCounts.get(flowNode.id) ?? 0, runState: runStates[flowNode.id] },
            };
      next.set(flowNode.id, { key, node });
      return node;
    });
    cache.current = next;
    return list;
  }, [flow, selectedNodes, sizes, problemCounts, runStates, readOnly]);

  const edges = useMemo(
    () =>
      flow.edges.map((flowEdge, i): FlowEdge => {
        const edge = flowEdge.data!.edge;
        const problem = edgeProblems.get(i);
        const label = [edge.source_handle, problem && `⚠ ${clip(problem)}`].filter(Boolean).join(' · ');
        return {
          ...flowEdge,
          selected: selectedEdges.has(i),
          label: label || undefined,
          className: problem ? 'wf-edge wf-edge-invalid' : 'wf-edge',
          markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
          ariaLabel: problem ? `${edgeName(edge)}, problem: ${problem}` : edgeName(edge),
        };
      }),
    [flow, selectedEdges, edgeProblems],
  );

  function onNodesChange(changes: NodeChange<CanvasNode>[]) {
    const moved = new Map<string, NodePosition>();
    let dragEnded = false;
    let measured: Record<string, Size> | undefined;
    const selection: { id: string; selected: boolean }[] = [];
    for (const change of changes) {
      if (change.type === 'position') {
        if (change.position) moved.set(change.id, change.position);
        if (!change.dragging) dragEnded = true;
      } else if (change.type === 'dimensions' && change.dimensions) {
        measured ??= { ...sizes };
        measured[change.id] = change.dimensions;
      } else if (change.type === 'select') {
        selection.push({ id: change.id, selected: change.selected });
      }
      // Removals arrive together with their edges through onDelete, as one undo step.
    }
    if (measured) setSizes(measured);
    if (selection.length > 0) props.onSelectionChange({ nodes: selection });
    if (moved.size > 0 && !readOnly) props.onChange(moveNodes(graph, moved), 'move');
    if (dragEnded) props.onSeal();
  }

  function onEdgesChange(changes: EdgeChange<FlowEdge>[]) {
    const selection: { index: number; selected: boolean }[] = [];
    for (const change of changes) {
      const index = change.type === 'select' ? edgeIndexOf(change.id) : undefined;
      if (change.type === 'select' && index !== undefined) selection.push({ index, selected: change.selected });
    }
    if (selection.length > 0) props.onSelectionChange({ edges: selection });
  }

  function onConnect(connection: Connection) {
    const edge = connectionToEdge(connection);
    const problem = edgeProblem(graph, edge);
    if (problem) return props.onNotice(`Not connected: ${problem}`);
    props.onChange(addEdge(graph, edge), null);
  }

  function onDrop(event: DragEvent) {
    const type = event.dataTransfer.getData(NODE_TYPE_MIME);
    if (!type || readOnly) return;
    event.preventDefault();
    const at = flowApi.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    // The node is centred on the pointer, where the user sees it land.
    props.onDropType(type, { x: Math.round(at.x - DEFAULT_NODE_SIZE.width / 2), y: Math.round(at.y - DEFAULT_NODE_SIZE.height / 2) });
  }

  return (
    <div
      className="editor-canvas-frame"
      onDragOver={(event) => {
        if (readOnly || !event.dataTransfer.types.includes(NODE_TYPE_MIME)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
      }}
      onDrop={onDrop}
    >
      <ReactFlow<CanvasNode, FlowEdge>
        aria-label="Workflow canvas"
        nodes={nodes}
        edges={edges}
        nodeTypes={canvasNodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={readOnly ? undefined : onConnect}
        isValidConnection={(connection: FlowEdge | Connection | Edge) => edgeProblem(graph, connectionToEdge(connection)) === undefined}
        onDelete={({ nodes: deletedNodes, edges: deletedEdges }) => {
          if (readOnly) return;
          const indexes = deletedEdges.map((edge) => edgeIndexOf(edge.id)).filter((index) => index !== undefined);
          props.onChange(
            removeElements(
              graph,
              deletedNodes.map((node) => node.id),
              indexes,
            ),
            null,
          );
        }}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        edgesReconnectable={false}
        fitView
        fitViewOptions={{ maxZoom: 1, padding: 0.2 }}
        minZoom={0.2}
        maxZoom={2}
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
