import { Type } from '@sinclair/typebox';
import { InputError } from '@flowgate/kernel';
import { streamChatCompletion } from '../llm/openai-compatible.js';
import { defineNode } from './node-type.js';

const LlmData = Type.Object({
  provider_id: Type.String({ minLength: 1 }),
  model: Type.String({ minLength: 1 }),
  messages: Type.Array(
    Type.Object({
      role: Type.Union([Type.Literal('system'), Type.Literal('user'), Type.Literal('assistant')]),
      content: Type.String(),
    }, { additionalProperties: false }),
    { minItems: 1 },
  ),
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
  max_tokens: Type.Optional(Type.Integer({ minimum: 1 })),
}, { additionalProperties: false });

const LlmOutput = Type.Object({
  text: Type.String(),
  /** As the provider reported it; zeros when it reported none. */
  usage: Type.Object({ prompt_tokens: Type.Integer(), completion_tokens: Type.Integer(), total_tokens: Type.Integer() }),
});

/**
 * Calls a chat model of a configured provider, streaming: every piece of text is relayed as a
 * `text_chunk` as it arrives. Provider failures are node errors the engine may retry (the node's
 * `retry`); a 429 or 5xx with `Retry-After` carries `retryAfterMs` on the error.
 */
export const llmNode = defineNode({
  type: 'llm',
  summary: 'Calls a chat model of an LLM provider, streaming its text as text_chunk events; outputs the text and token usage',
  data: LlmData,
  output: LlmOutput,
  async execute({ data, signal, services, emitText, recordUsage, logger }) {
    const provider = await services.llmProvider(data.provider_id);
    if (!provider.models.includes(data.model)) {
      throw new InputError(`model "${data.model}" is not one of LLM provider ${provider.id}'s models (${provider.models.join(', ') || 'none'})`);
    }
    const completion = await streamChatCompletion(
      provider,
      {
        model: data.model,
        messages: data.messages,
        ...(data.temperature === undefined ? {} : { temperature: data.temperature }),
        ...(data.max_tokens === undefined ? {} : { max_tokens: data.max_tokens }),
      },
      { signal, onText: emitText },
    );
    if (!completion.usageReported) logger.warn({ provider: provider.id, model: data.model }, 'the LLM provider reported no token usage; recorded as zeros');
    recordUsage({ provider: provider.id, model: data.model, ...completion.usage, latency_ms: Math.round(completion.latencyMs) });
    return { text: completion.text, usage: completion.usage };
  },
});
