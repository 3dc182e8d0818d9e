import { useMemo, useState } from 'react';
import { TextAreaField } from '../../ui/fields';
import { parseGraph, sameGraph, type Graph } from './model/graph';
import { withMissingPositions } from './model/layout';

/** Text as a graph, or why it is not one. */
export function parseGraphText(text: string): { graph: Graph } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `Not valid JSON: ${(error as Error).message}` };
  }
  return parseGraph(value);
}

interface Draft {
  text: string;
  /** The graph the text was typed against (or produced, once applied). */
  base: Graph;
  error?: string;
}

/**
 * The graph as formatted JSON, editable. Each edit that is valid JSON of the right shape is
 * applied to the canvas at once; otherwise the text stays as typed with the parse error, and the
 * canvas keeps the last valid graph, so nothing is lost either way.
 */
export function JsonView({ graph, readOnly, onApply }: { graph: Graph; readOnly: boolean; onApply: (graph: Graph) => void }) {
  const formatted = useMemo(() => JSON.stringify(graph, null, 2), [graph]);
  const [draft, setDraft] = useState<Draft | null>(null);
  // A valid text typed against an older graph gives way when the graph changes elsewhere (undo);
  // an invalid one stays until it is fixed.
  const shown = draft && (draft.base === graph || draft.error) ? draft : null;

  function edit(text: string) {
    const parsed = parseGraphText(text);
    if ('error' in parsed) return setDraft({ text, base: graph, error: parsed.error });
    const next = withMissingPositions(parsed.graph);
    if (sameGraph(next, graph)) return setDraft({ text, base: graph });
    setDraft({ text, base: next });
    onApply(next);
  }

  return (
    <div className="editor-json" data-native-undo="">
      <TextAreaField
        label="Graph JSON"
        value={shown?.text ?? formatted}
        readOnly={readOnly}
        spellCheck={false}
        error={shown?.error}
        hint={readOnly ? 'You can read this workflow; editors can change it.' : 'Edits apply to the canvas as soon as they are valid.'}
        onChange={(event) => edit(event.target.value)}
      />
    </div>
  );
}
