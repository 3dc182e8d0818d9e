import { Type } from '@sinclair/typebox';
import { defineNode } from './node-type.js';

/**
 * Runs another workflow as a child run (trigger `sub_workflow`) and returns its outputs. Nesting
 * is bounded (FLOWGATE_SUB_WORKFLOW_MAX_DEPTH) so a workflow that calls itself fails cleanly.
 */
export const subWorkflowNode = defineNode({
  type: 'sub_workflow',
  summary: 'Run another workflow and use its outputs',
  data: Type.Object({
    workflow_id: Type.String({ minLength: 1, maxLength: 64 }),
    version: Type.Optional(Type.Integer({ minimum: 0, description: 'A published version; the draft when absent' })),
    inputs: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { default: {} })),
  }, { additionalProperties: false }),
  output: Type.Record(Type.String(), Type.Unknown()),
  async execute({ data, services, signal }) {
    return services.runSubWorkflow({ workflow_id: data.workflow_id, version: data.version, inputs: data.inputs ?? {}, signal });
  },
});
