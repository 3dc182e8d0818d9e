import { Link } from 'react-router';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'publishing';

const SAVE_STATE_TEXT: Record<SaveState, string> = {
  saved: 'All changes saved',
  unsaved: 'Unsaved changes',
  saving: 'Saving…',
  publishing: 'Publishing…',
};

export interface EditorToolbarProps {
  workflowId: string;
  name: string;
  nameError?: string;
  onName: (name: string) => void;
  saveState: SaveState;
  publishedVersion: number | null;
  readOnly: boolean;
  canUndo: boolean;
  canRedo: boolean;
  jsonView: boolean;
  runOpen: boolean;
  onUndo: () => void;
  onRedo: () => void;
  onLayout: () => void;
  onToggleJson: () => void;
  onToggleRun: () => void;
  onSave: () => void;
  onPublish: () => void;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
const mod = isMac ? '⌘' : 'Ctrl+';

/** The editor's bar: the workflow's name, where it stands (saved, published), and its actions. */
export function EditorToolbar(props: EditorToolbarProps) {
  const { readOnly, saveState } = props;
  const busy = saveState === 'saving' || saveState === 'publishing';
  return (
    <div className="editor-toolbar">
      <div className="editor-title">
        <Link to="/workflows" className="editor-back">
          ← Workflows
        </Link>
        <label className="visually-hidden" htmlFor="workflow-name">
          Workflow name
        </label>
        <input
          id="workflow-name"
          className="editor-name"
          value={props.name}
          readOnly={readOnly}
          maxLength={200}
          aria-invalid={props.nameError ? true : undefined}
          aria-describedby={props.nameError ? 'workflow-name-error' : undefined}
          onChange={(event) => props.onName(event.target.value)}
        />
        {props.nameError && (
          <small id="workflow-name-error" className="field-error" role="alert">
            {props.nameError}
          </small>
        )}
        <span className="editor-state muted" role="status" aria-live="polite">
          {readOnly ? 'Read only' : SAVE_STATE_TEXT[saveState]}
          {' · '}
          {props.publishedVersion === null ? 'never published' : `published v${props.publishedVersion}`}
        </span>
      </div>
      <div className="editor-actions">
        {!readOnly && (
          <>
            <button type="button" className="button button-small" onClick={props.onUndo} disabled={!props.canUndo} title={`Undo (${mod}Z)`}>
              Undo
            </button>
            <button type="button" className="button button-small" onClick={props.onRedo} disabled={!props.canRedo} title={`Redo (${mod}Shift+Z)`}>
              Redo
            </button>
            <button type="button" className="button button-small" onClick={props.onLayout} disabled={props.jsonView}>
              Auto-layout
            </button>
          </>
        )}
        <button type="button" className="button button-small" aria-pressed={props.jsonView} onClick={props.onToggleJson}>
          JSON view
        </button>
        {!readOnly && (
          <button type="button" className="button button-small" aria-pressed={props.runOpen} onClick={props.onToggleRun}>
            Run
          </button>
        )}
        <Link className="button button-small button-ghost" to={`/workflows/${props.workflowId}/runs`}>
          Run history
        </Link>
        {!readOnly && (
          <>
            <button type="button" className="button button-small" onClick={props.onSave} disabled={busy} title={`Save draft (${mod}S)`}>
              Save draft
            </button>
            <button type="button" className="button button-small button-primary" onClick={props.onPublish} disabled={busy}>
              Publish
            </button>
          </>
        )}
      </div>
    </div>
  );
}
