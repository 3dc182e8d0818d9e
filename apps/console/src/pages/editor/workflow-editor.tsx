import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useReactFlow } from '@xyflow/react';
import { useMemo, useRef, useState } from 'react';
import { api, unwrap } from '../../api/client';
import { problemOf } from '../../api/problem';
import type { NodeTypeInfo, Workflow } from '../../api/types';
import { ProblemMessage } from '../../ui/problem-message';
import { FlowCanvas } from './canvas/flow-canvas';
import { Palette } from './canvas/palette';
import { EditorToolbar, type SaveState } from './editor-toolbar';
import { JsonView } from './json-view';
import { LeaveGuard } from './leave-guard';
import { sameGraph, startInputsOf, type Graph, type NodePosition } from './model/graph';
import { addNode, removeElements } from './model/graph-ops';
import { DEFAULT_NODE_SIZE, withLayout, type NodeSizes } from './model/layout';
import { newNodeData } from './model/new-node';
import { newNodeId } from './model/node-ids';
import { currentEdgeIndex, mapProblems, problemsByNode, renameInProblems, type MappedProblem } from './model/problems';
import { ProblemList } from './problem-list';
import { SettingsPanel } from './panel/settings-panel';
import { RunPanel, type NodeRunState } from './run/run-panel';
import { useEditorShortcuts } from './use-editor-shortcuts';
import { useEditorState } from './use-editor-state';

/** The answer of the last save or publish that went wrong, its problems mapped to the graph. */
interface Failure {
  title: string;
  error: unknown;
  problems: MappedProblem[];
}

const NO_PROBLEMS: MappedProblem[] = [];

export interface WorkflowEditorProps {
  workflow: Workflow;
  /** The draft graph as loaded, every node placed. */
  initialGraph: Graph;
  nodeTypes: readonly NodeTypeInfo[];
  readOnly: boolean;
}

/**
 * The visual editor of one workflow's draft: palette, canvas and node settings around one graph
 * with undo history; saving, publishing, running, and the problems the server finds.
 */
export function WorkflowEditor({ workflow, initialGraph, nodeTypes, readOnly }: WorkflowEditorProps) {
  const id = workflow.id;
  const editor = useEditorState(initialGraph);
  const { graph } = editor;
  const queries = useQueryClient();
  const flowApi = useReactFlow();
  const canvasFrame = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLElement>(null);

  const [name, setName] = useState(workflow.name);
  // What the server holds: the draft is unsaved while the screen differs from it.
  const [saved, setSaved] = useState({ graph: initialGraph, name: workflow.name });
  const [failure, setFailure] = useState<Failure | null>(null);
  const [published, setPublished] = useState<number | null>(null);
  const [jsonView, setJsonView] = useState(false);
  const [runOpen, setRunOpen] = useState(false);
  const [runStates, setRunStates] = useState<Record<string, NodeRunState>>({});
  const [notice, setNotice] = useState('');
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [panelOpen, setPanelOpen] = useState(true);

  const graphChanged = useMemo(() => !sameGraph(graph, saved.graph), [graph, saved.graph]);
  const dirty = graphChanged || name !== saved.name;

  const saveMutation = useMutation({
    mutationFn: (body: { name: string; graph: Graph }) => unwrap(api.PATCH('/api/v1/workflows/{id}', { params: { path: { id } }, body })),
  });
  const publishMutation = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/workflows/{id}/publish', { params: { path: { id } } })),
  });

  /** Saves the draft; throws the API's problem (after showing it) when the server refuses it. */
  async function saveDraft(): Promise<Graph> {
    const sent = { name, graph };
    setPublished(null);
    try {
      const answer = await saveMutation.mutateAsync(sent);
      setSaved(sent);
      setFailure(null);
      queries.setQueryData(['workflows', id], answer);
      void queries.invalidateQueries({ queryKey: ['workflows'] });
      return sent.graph;
    } catch (error) {
      setFailure({ title: 'The draft was not saved', error, problems: mapProblems(problemOf(error).errors, sent.graph) });
      throw error;
    }
  }

  async function publish() {
    let draft = saved.graph;
    try {
      if (dirty) draft = await saveDraft();
    } catch {
      return;
    }
    try {
      const { version } = await publishMutation.mutateAsync();
      setPublished(version);
      setFailure(null);
      void queries.invalidateQueries({ queryKey: ['workflows'] });
    } catch (error) {
      // Publishing validates the saved draft: its problems name nodes by their index there.
      setFailure({ title: 'Not published', error, problems: mapProblems(problemOf(error).errors, draft) });
    }
  }

  const save = () => {
    if (!readOnly && !saveMutation.isPending) saveDraft().catch(() => undefined);
  };
  const undo = () => !readOnly && editor.undo();
  const redo = () => !readOnly && editor.redo();
  useEditorShortcuts({ undo, redo, save });

  // Problems of the last save or publish, placed on today's graph.
  const problems = failure?.problems ?? NO_PROBLEMS;
  const byNode = useMemo(() => problemsByNode(problems), [problems]);
  const problemCounts = useMemo(() => new Map([...byNode].map(([nodeId, list]) => [nodeId, list.length])), [byNode]);
  const edgeProblems = useMemo(() => {
    const map = new Map<number, string>();
    for (const problem of problems) {
      if (problem.target.kind !== 'edge') continue;
      const index = currentEdgeIndex(graph, problem.target.edge);
      if (index !== undefined) map.set(index, [map.get(index), problem.message].filter(Boolean).join('; '));
    }
    return map;
  }, [problems, graph]);

  /**
   * Where a node added without a pointer goes: the free spot nearest the canvas's centre, in view
   * when there is one (the view then follows it when there is not).
   */
  function spotInView(): { spot: NodePosition; inView: boolean } {
    const rect = canvasFrame.current?.getBoundingClientRect();
    const topLeft = rect ? flowApi.screenToFlowPosition({ x: rect.left, y: rect.top }) : { x: -Infinity, y: -Infinity };
    const bottomRight = rect ? flowApi.screenToFlowPosition({ x: rect.right, y: rect.bottom }) : { x: Infinity, y: Infinity };
    const { width, height } = DEFAULT_NODE_SIZE;
    const centre = { x: Math.round((topLeft.x + bottomRight.x) / 2 - width / 2), y: Math.round((topLeft.y + bottomRight.y) / 2 - height / 2) };
    if (!rect) return { spot: { x: 0, y: 0 }, inView: true };
    const free = (at: NodePosition) => !graph.nodes.some((node) => node.position && Math.abs(node.position.x - at.x) < width + 20 && Math.abs(node.position.y - at.y) < height + 20);
    const visible = (at: NodePosition) => at.x >= topLeft.x && at.y >= topLeft.y && at.x + width <= bottomRight.x && at.y + height <= bottomRight.y;
    const candidates: NodePosition[] = [];
    for (let ring = 0; ring <= 4; ring++) {
      for (let dx = -ring; dx <= ring; dx++) {
        for (let dy = -ring; dy <= ring; dy++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) === ring) candidates.push({ x: centre.x + dx * (width + 40), y: centre.y + dy * (height + 40) });
        }
      }
    }
    const inView = candidates.find((at) => free(at) && visible(at));
    return inView ? { spot: inView, inView: true } : { spot: candidates.find(free) ?? centre, inView: false };
  }

  function add(type: string, position?: NodePosition) {
    if (readOnly) return;
    const nodeId = newNodeId(
      type,
      graph.nodes.map((node) => node.id),
    );
    const placed = position ? { spot: position, inView: true } : spotInView();
    const node = { id: nodeId, type, data: newNodeData(type, nodeTypes.find((info) => info.type === type)), position: placed.spot };
    editor.change(addNode(graph, node), null, { nodes: new Set([nodeId]), edges: new Set() });
    if (!placed.inView) {
      const { width, height } = DEFAULT_NODE_SIZE;
      void flowApi.setCenter(placed.spot.x + width / 2, placed.spot.y + height / 2, { zoom: flowApi.getZoom(), duration: 250 });
    }
    setPanelOpen(true);
    setNotice(`Added node ${nodeId}. Its settings are open.`);
  }

  function autoLayout() {
    const sizes: Record<string, { width: number; height: number }> = {};
    for (const node of flowApi.getNodes()) if (node.measured?.width && node.measured.height) sizes[node.id] = { width: node.measured.width, height: node.measured.height };
    editor.change(withLayout(graph, sizes as NodeSizes), null);
    setTimeout(() => void flowApi.fitView({ padding: 0.2, maxZoom: 1, duration: 250 }));
  }

  function selectProblem(problem: MappedProblem) {
    const target = problem.target;
    if (target.kind === 'node') editor.selectOnly(target.nodeId);
    else if (target.kind === 'edge') editor.selectOnly(null, currentEdgeIndex(graph, target.edge) ?? null);
    else return;
    setPanelOpen(true);
    if (target.kind === 'node') {
      const node = flowApi.getNode(target.nodeId);
      if (node) void flowApi.fitView({ nodes: [{ id: node.id }], maxZoom: 1, duration: 250 });
    }
    // Once the settings show the node, take the keyboard to the first field with a problem.
    setTimeout(() => {
      const panel = panelRef.current;
      const field = panel?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? panel?.querySelector<HTMLElement>('h2');
      if (field) {
        if (field.tagName === 'H2') field.tabIndex = -1;
        field.focus();
      }
    });
  }

  const startInputs = useMemo(() => startInputsOf(graph), [graph]);
  const latestSave = useRef(saveDraft);
  latestSave.current = saveDraft;
  const dirtyNow = useRef(dirty);
  dirtyNow.current = dirty;

  const saveState: SaveState = saveMutation.isPending ? 'saving' : publishMutation.isPending ? 'publishing' : dirty ? 'unsaved' : 'saved';
  const nameProblem = problems.find((problem) => problem.target.kind === 'workflow' && problem.target.field === 'name')?.message;
  const bodyClasses = ['editor-body', readOnly ? 'editor-read-only' : '', paletteOpen ? 'editor-palette-open' : '', panelOpen ? 'editor-panel-open' : ''];

  return (
    <div className="editor">
      <h1 className="visually-hidden">Edit workflow {name}</h1>
      <EditorToolbar
        workflowId={id}
        name={name}
        nameError={nameProblem}
        onName={setName}
        saveState={saveState}
        publishedVersion={published ?? workflow.published_version}
        readOnly={readOnly}
        canUndo={editor.canUndo}
        canRedo={editor.canRedo}
        jsonView={jsonView}
        runOpen={runOpen}
        onUndo={undo}
        onRedo={redo}
        onLayout={autoLayout}
        onToggleJson={() => setJsonView(!jsonView)}
        onToggleRun={() => {
          if (runOpen) setRunStates({});
          setRunOpen(!runOpen);
        }}
        onSave={save}
        onPublish={() => void publish()}
      />
      {failure && (failure.problems.length > 0 ? <ProblemList title={failure.title} problems={failure.problems} exists={(problem) => problemExists(problem, graph)} onSelect={selectProblem} /> : <ProblemMessage error={failure.error} />)}
      {published !== null && (
        <p className="success editor-published" role="status">
          Published version {published}. Deploy it or run it by version from the API.
        </p>
      )}
      <div className="editor-narrow-toggles">
        {!readOnly && (
          <button type="button" className="button button-small" aria-expanded={paletteOpen} aria-controls="editor-palette" onClick={() => setPaletteOpen(!paletteOpen)}>
            {paletteOpen ? 'Hide palette' : 'Show palette'}
          </button>
        )}
        <button type="button" className="button button-small" aria-expanded={panelOpen} aria-controls="editor-side" onClick={() => setPanelOpen(!panelOpen)}>
          {panelOpen ? 'Hide settings' : 'Show settings'}
        </button>
      </div>
      <div className={bodyClasses.filter(Boolean).join(' ')}>
        {!readOnly && (
          <aside id="editor-palette" className="editor-palette" aria-labelledby="palette-title">
            <h2 id="palette-title" className="editor-column-title">
              Add a node
            </h2>
            <p className="muted editor-palette-hint">Drag onto the canvas, or press to add in view.</p>
            <Palette nodeTypes={nodeTypes} hasStart={graph.nodes.some((node) => node.type === 'start')} onAdd={(type) => add(type)} />
          </aside>
        )}
        <div className="editor-main" ref={canvasFrame}>
          {jsonView ? (
            <JsonView graph={graph} readOnly={readOnly} onApply={(next) => editor.change(next, 'json')} />
          ) : (
            <FlowCanvas
              graph={graph}
              selectedNodes={editor.selection.nodes}
              selectedEdges={editor.selection.edges}
              problemCounts={problemCounts}
              edgeProblems={edgeProblems}
              runStates={runStates}
              readOnly={readOnly}
              onChange={editor.change}
              onSeal={editor.seal}
              onSelectionChange={editor.applySelectionChange}
              onDropType={(type, position) => add(type, position)}
              onNotice={setNotice}
            />
          )}
        </div>
        <div id="editor-side" className="editor-side">
          {runOpen && (
            <div className="editor-run" data-native-undo="">
              <RunPanel
                workflowId={id}
                startInputs={startInputs}
                beforeRun={async () => {
                  if (dirtyNow.current) await latestSave.current();
                }}
                onNodeStates={setRunStates}
                onClose={() => {
                  setRunOpen(false);
                  setRunStates({});
                }}
              />
            </div>
          )}
          <section ref={panelRef} className="editor-panel" aria-label="Node settings">
            <SettingsPanel
              graph={graph}
              selection={editor.selection}
              nodeTypes={nodeTypes}
              byNode={byNode}
              edgeProblems={edgeProblems}
              readOnly={readOnly}
              onChange={editor.change}
              onRenamed={(next, from, to) => {
                editor.change(next, null, { nodes: new Set([to]), edges: new Set() });
                setFailure((last) => last && { ...last, problems: renameInProblems(last.problems, from, to) });
                setNotice(`Renamed ${from} to ${to}; its edges and references follow.`);
              }}
              onRemove={(nodeIds, edgeIndexes) => editor.change(removeElements(graph, nodeIds, edgeIndexes), null, { nodes: new Set(), edges: new Set() })}
            />
          </section>
        </div>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {notice}
      </p>
      {!readOnly && <LeaveGuard dirty={dirty} />}
    </div>
  );
}

function problemExists(problem: MappedProblem, graph: Graph): boolean {
  if (problem.target.kind === 'node') {
    const nodeId = problem.target.nodeId;
    return graph.nodes.some((node) => node.id === nodeId);
  }
  return problem.target.kind === 'edge' && currentEdgeIndex(graph, problem.target.edge) !== undefined;
}
