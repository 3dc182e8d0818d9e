import type { NodeTypeInfo } from '../../../api/types';
import { asSchema, defaultValue } from '../schema-form/json-schema';
import { isPlainObject } from './graph';

/** Starting data that reads better than the schema's minimum for some core types. */
const STARTERS: Readonly<Record<string, Record<string, unknown>>> = {
  start: { inputs: [] },
  code: { language: 'javascript', code: 'function main(inputs) {\n  return {};\n}\n', inputs: {} },
  llm: { provider_id: '', model: '', messages: [{ role: 'user', content: '' }] },
  iteration: { items: '', graph: { nodes: [], edges: [] } },
};

/** The data a new node of a type starts with: what its schema requires, filled minimally. */
export function newNodeData(type: string, info: NodeTypeInfo | undefined): Record<string, unknown> {
  if (Object.hasOwn(STARTERS, type)) return structuredClone(STARTERS[type]!);
  const value = info ? defaultValue(asSchema(info.data)) : {};
  return isPlainObject(value) ? value : {};
}
