import { Type } from '@sinclair/typebox';
import { defineNode } from './node-type.js';

/** Names values for later nodes: each a reference (its value, type kept), text with references, or a literal. */
export const variableAssignNode = defineNode({
  type: 'variable_assign',
  summary: 'Outputs the given values: each a reference, text with references, or a literal.',
  data: Type.Object(
    { values: Type.Record(Type.String(), Type.Unknown(), { description: 'name → reference or literal' }) },
    { additionalProperties: false },
  ),
  output: Type.Record(Type.String(), Type.Unknown()),
  async execute({ data }) {
    return data.values;
  },
});
