import { Type } from '@sinclair/typebox';
import { DEFAULT_TEMPLATE_LIMITS, TemplateRenderer, defaultTemplateRenderer, type TemplateLimits } from '../graph/liquid.js';
import { defineNode } from './node-type.js';

/**
 * A template node renders Liquid over the scope (upstream outputs by node id, `start`, `env`).
 * Liquid runs no code and reads no files here; render time, allocations and output are bounded.
 */
export function createTemplateNode(limits: Partial<TemplateLimits> = {}) {
  const renderer = Object.keys(limits).length === 0 ? defaultTemplateRenderer : new TemplateRenderer({ ...DEFAULT_TEMPLATE_LIMITS, ...limits });
  return defineNode({
    type: 'template',
    summary: 'Renders a Liquid template over the outputs of upstream nodes; outputs {output}.',
    data: Type.Object(
      { template: Type.String({ maxLength: renderer.limits.maxSourceChars, description: 'Liquid: {{ node.field }}, filters, {% for %}' }) },
      { additionalProperties: false },
    ),
    output: Type.Object({ output: Type.String() }),
    raw: ['template'],
    rawKinds: { template: 'liquid' },
    async execute({ data, scope }) {
      return { output: renderer.render(data.template, scope) };
    },
  });
}

export const templateNode = createTemplateNode();
