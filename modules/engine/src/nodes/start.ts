import { Type } from '@sinclair/typebox';
import { ValidationError } from '@flowgate/kernel';
import { hasInputType, StartDataSchema, validateRunInputs } from '../graph/run-inputs.js';
import { defineNode } from './node-type.js';

/** The entry of every graph: declares the run's inputs and outputs them, validated, with defaults. */
export const startNode = defineNode({
  type: 'start',
  summary: "Declares the run's inputs; its outputs are the validated inputs, defaults applied.",
  data: StartDataSchema,
  output: Type.Record(Type.String(), Type.Unknown()),
  // Defaults are literal values: the start node runs before anything a reference could name.
  raw: ['inputs'],
  validate(data) {
    const problems: { path: string; message: string }[] = [];
    const seen = new Set<string>();
    (data.inputs ?? []).forEach((input, i) => {
      if (seen.has(input.name)) problems.push({ path: `/inputs/${i}/name`, message: `duplicate input name "${input.name}"` });
      seen.add(input.name);
      if (input.default !== undefined && input.default !== null && !hasInputType(input.default, input.type)) {
        problems.push({ path: `/inputs/${i}/default`, message: `must be of the input's type (${input.type})` });
      }
    });
    return problems;
  },
  async execute({ data, scope }) {
    // The executor has validated the inputs already (into `start`); checking again keeps this node honest alone.
    const { values, problems } = validateRunInputs(data, scope['start']);
    if (problems.length > 0) throw new ValidationError('invalid run inputs', problems);
    return values;
  },
});
