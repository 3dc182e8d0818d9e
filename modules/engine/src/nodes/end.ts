import { Type } from '@sinclair/typebox';
import { defineNode } from './node-type.js';

/** Where a run ends: its resolved `outputs` become the run's outputs (the first end reached wins). */
export const endNode = defineNode({
  type: 'end',
  summary: "Ends the run; its outputs (references or text with references) become the run's outputs.",
  data: Type.Object(
    { outputs: Type.Record(Type.String(), Type.Unknown(), { description: 'name → reference, text or literal' }) },
    { additionalProperties: false },
  ),
  output: Type.Record(Type.String(), Type.Unknown()),
  async execute({ data }) {
    return data.outputs;
  },
});
