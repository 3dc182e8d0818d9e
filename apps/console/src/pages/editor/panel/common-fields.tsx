import { SelectField, TextField } from '../../../ui/fields';
import type { GraphNode, NodeRetry } from '../model/graph';

type NodeChange = (node: GraphNode, group: string | null) => void;

function numberOrUndefined(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** The node with a field set, or left out when `value` is undefined. */
function withNodeField<K extends 'on_error' | 'retry' | 'timeout_ms'>(node: GraphNode, key: K, value: GraphNode[K] | undefined): GraphNode {
  const next = { ...node };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}

/** What every node type has: what a failure does, retries, and a time limit (API.md). */
export function CommonFields({ node, problems, onChange }: { node: GraphNode; problems: ReadonlyMap<string, string[]>; onChange: NodeChange }) {
  const problem = (pointer: string) => problems.get(pointer)?.join(' ');
  const retry: Partial<NodeRetry> = node.retry ?? {};
  const setRetry = (next: Partial<NodeRetry>, group: string) =>
    onChange(withNodeField(node, 'retry', next.max_attempts === undefined ? undefined : ({ ...next, max_attempts: next.max_attempts } as NodeRetry)), group);

  return (
    <fieldset className="panel-section">
      <legend>When the node fails</legend>
      <SelectField
        label="On error"
        value={node.on_error ?? 'fail'}
        error={problem('/on_error')}
        options={[
          { value: 'fail', label: 'Fail the run' },
          { value: 'continue', label: 'Continue (outputs become {error})' },
        ]}
        onChange={(event) => onChange(withNodeField(node, 'on_error', event.target.value === 'continue' ? 'continue' : node.on_error === undefined ? undefined : 'fail'), null)}
      />
      <div className="panel-pair">
        <TextField
          label="Retry attempts"
          type="number"
          min={1}
          max={10}
          step={1}
          value={retry.max_attempts ?? ''}
          hint="1–10 in all, the first included. Empty: no retry."
          error={problem('/retry/max_attempts')}
          onChange={(event) => {
            const max = numberOrUndefined(event.target.value);
            setRetry(max === undefined ? {} : { ...retry, max_attempts: max }, `${node.id}:/retry/max_attempts`);
          }}
        />
        <TextField
          label="Retry backoff (ms)"
          type="number"
          min={0}
          step={1}
          value={retry.backoff_ms ?? ''}
          disabled={retry.max_attempts === undefined}
          hint="Wait before the second attempt; doubles after."
          error={problem('/retry/backoff_ms')}
          onChange={(event) => {
            const { backoff_ms: _old, ...rest } = retry;
            const backoff = numberOrUndefined(event.target.value);
            setRetry(backoff === undefined ? rest : { ...rest, backoff_ms: backoff }, `${node.id}:/retry/backoff_ms`);
          }}
        />
      </div>
      <TextField
        label="Timeout (ms)"
        type="number"
        min={1}
        step={1}
        value={node.timeout_ms ?? ''}
        hint="Empty: the platform's default."
        error={problem('/timeout_ms')}
        onChange={(event) => onChange(withNodeField(node, 'timeout_ms', numberOrUndefined(event.target.value)), `${node.id}:/timeout_ms`)}
      />
    </fieldset>
  );
}
