import type { NodeTypeInfo } from '../../../api/types';

/** The drag-and-drop payload of a palette item: the node type to add. */
export const NODE_TYPE_MIME = 'application/x-flowgate-node-type';

/**
 * The node types a graph may use. Drag one onto the canvas to add it where it is dropped, or
 * press it (Enter, Space, a click) to add it in view.
 */
export function Palette({ nodeTypes, hasStart, onAdd }: { nodeTypes: readonly NodeTypeInfo[]; hasStart: boolean; onAdd: (type: string) => void }) {
  return (
    <ul className="palette-list">
      {nodeTypes.map((type) => {
        // A graph has exactly one start node.
        const disabled = type.type === 'start' && hasStart;
        const summaryId = `palette-${type.type}-summary`;
        return (
          <li key={type.type}>
            <button
              type="button"
              className="palette-item"
              aria-describedby={summaryId}
              disabled={disabled}
              draggable={!disabled}
              title={disabled ? 'This workflow has its start node already' : type.summary}
              onDragStart={(event) => {
                event.dataTransfer.setData(NODE_TYPE_MIME, type.type);
                event.dataTransfer.effectAllowed = 'copy';
              }}
              onClick={() => onAdd(type.type)}
            >
              {/* The name ("Add template node") holds the visible type, and the summary is the
                  description: speech and voice control then match what is on screen. */}
              <span className="palette-type">
                <span className="visually-hidden">Add</span> {type.type} <span className="visually-hidden">node</span>
              </span>
              <span id={summaryId} className="palette-summary" aria-hidden="true">
                {type.summary}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
