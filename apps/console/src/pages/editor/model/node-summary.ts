import { isPlainObject, type GraphNode } from './graph';

const MAX = 60;

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX ? `${line.slice(0, MAX - 1)}…` : line;
}

function names(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((item) => (isPlainObject(item) && typeof item.name === 'string' ? item.name : '?'));
  return isPlainObject(value) ? Object.keys(value) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
}

/** One line saying what a node does, from its data: shown on the canvas under its id. */
export function nodeSummary(node: GraphNode): string {
  const data = node.data;
  switch (node.type) {
    case 'start': {
      const inputs = names(data.inputs);
      return inputs.length ? clip(`inputs: ${inputs.join(', ')}`) : 'no inputs';
    }
    case 'end': {
      const outputs = names(data.outputs);
      return outputs.length ? clip(`outputs: ${outputs.join(', ')}`) : 'no outputs';
    }
    case 'variable_assign': {
      const values = names(data.values);
      return values.length ? clip(`sets ${values.join(', ')}`) : 'no values';
    }
    case 'template':
      return text(data.template) ? clip(text(data.template)) : 'empty template';
    case 'http_request':
      return clip(`${text(data.method) || 'GET'} ${text(data.url) || '(no URL)'}`);
    case 'llm':
      return clip(text(data.model) ? `model ${text(data.model)}` : 'no model chosen');
    case 'code': {
      const lines = text(data.code).split('\n').filter((line) => line.trim()).length;
      return `${text(data.language) || 'javascript'}, ${lines} line${lines === 1 ? '' : 's'}`;
    }
    case 'if_else': {
      const conditions = Array.isArray(data.conditions) ? data.conditions.filter(isPlainObject) : [];
      if (conditions.length === 0) return 'no conditions';
      const [first] = conditions as [Record<string, unknown>];
      const more = conditions.length > 1 ? ` ${text(data.logic) || 'and'} ${conditions.length - 1} more` : '';
      return clip(`if ${text(first.left)} ${text(first.op)} ${text(first.right)}`.trim() + more);
    }
    case 'iteration':
      return clip(`for each of ${text(data.items) || '(no items)'}`);
    case 'sub_workflow':
      return clip(`runs workflow ${text(data.workflow_id) || '(none)'}`);
    case 'knowledge_retrieval':
      return clip(`search: ${text(data.query) || '(no query)'}`);
    default: {
      const first = Object.entries(data).find(([, value]) => typeof value === 'string' && value !== '');
      return first ? clip(`${first[0]}: ${String(first[1])}`) : node.type;
    }
  }
}
