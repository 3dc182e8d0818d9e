import type { OutgoingHttpHeaders } from 'node:http';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest, FastifySchema, RouteHandlerMethod } from 'fastify';
import { callContextOf, type Access, type HandRouteSpec } from '@flowgate/kernel';
import { BlockingRunResultSchema, RunRequestSchema, type RunRequest, type Trigger } from './contract.js';
import type { EngineConfig } from './config.js';
import { toStreamEvent } from './execution/events.js';
import type { RunService, RunTarget } from './runs/run-service.js';
import { openSseStream } from './runs/sse-stream.js';

const runAccess: Access = { kind: 'user', role: 'editor', scope: 'workflows:run' };

const description =
  'With `response_mode: "blocking"` (default) the answer is the finished run (HTTP 200 whatever its status). ' +
  'With `"streaming"` it is `text/event-stream`: `run_started`, `node_started`, `text_chunk`, `node_finished`, and `run_finished` last, ' +
  'with a `: ping` comment at least every 15 s. Unknown workflow or slug: 404; invalid graph or inputs: 422 before anything streams.';

const schema = (summary: string, params: Record<string, ReturnType<typeof Type.String>>): FastifySchema => ({
  tags: ['runs'],
  summary,
  description,
  params: Type.Object(params),
  body: RunRequestSchema,
  response: { 200: BlockingRunResultSchema },
  security: [{ bearer: [] }, { apiKey: [] }],
}) as FastifySchema;

/**
 * The run routes stream, so they are written by hand rather than derived from the contract. They
 * are declared here, apart from their handlers, so that a gateway can forward them to an engine
 * that runs elsewhere.
 */
export const runRouteSpecs = {
  runWorkflow: {
    method: 'POST',
    url: '/api/v1/workflows/:id/run',
    access: runAccess,
    long: true,
    schema: schema('Run a workflow: its draft, or a published version', { id: Type.String({ minLength: 1, maxLength: 64 }) }),
  },
  runDeployment: {
    method: 'POST',
    url: '/api/v1/run/:slug',
    access: runAccess,
    long: true,
    schema: schema('Run a deployment by its slug', { slug: Type.String({ minLength: 1, maxLength: 64 }) }),
  },
} satisfies Record<string, HandRouteSpec>;

/**
 * The run is resolved and validated first (errors are problem+json), then answered blocking, or
 * as Server-Sent Events written the moment each event happens.
 */
export function runHandlers(options: { runs: () => RunService; config: EngineConfig }): Record<keyof typeof runRouteSpecs, RouteHandlerMethod> {
  async function answer(request: FastifyRequest, reply: FastifyReply, target: RunTarget, trigger: Trigger) {
    const body = (request.body ?? {}) as RunRequest;
    const ctx = callContextOf(request);
    if (body.response_mode !== 'streaming') {
      const run = await options.runs().start({ target, inputs: body.inputs ?? {}, trigger, ctx });
      const result = await run.result;
      return { run_id: run.runId, workflow_id: run.workflowId, version: run.version, ...result };
    }
    // Events that happen before the stream is open (the run starts synchronously) wait here.
    const sink: { stream?: ReturnType<typeof openSseStream>; early: { event: string; data: unknown }[] } = { early: [] };
    const streamEvent = (event: { event: string; data: unknown }) => {
      if (sink.stream) sink.stream.send(event.event, event.data);
      else sink.early.push(event);
    };
    const run = await options.runs().start({
      target,
      inputs: body.inputs ?? {},
      trigger,
      ctx,
      onEvent: (event) => {
        const streamed = toStreamEvent(event);
        if (streamed) streamEvent(streamed);
      },
    });
    // From here on the answer is a stream: Fastify lets go of the response.
    // Headers the chain already set on the reply (CORS, RateLimit-*) go out with the stream.
    const headers = reply.getHeaders() as OutgoingHttpHeaders;
    reply.hijack();
    const stream = openSseStream(reply.raw, {
      headers,
      requestId: request.id,
      pingMs: options.config.ssePingMs,
      onClose: () => {
        if (options.config.cancelOnDisconnect) options.runs().cancel(run.runId);
      },
    });
    for (const event of sink.early.splice(0)) stream.send(event.event, event.data);
    sink.stream = stream;
    await run.result;
    stream.end();
  }

  const triggerOf = (request: FastifyRequest): Trigger => (request.headers['x-flowgate-trigger'] === 'console' ? 'console' : 'api');

  return {
    runWorkflow: (request, reply) => {
      const { id } = request.params as { id: string };
      const { version } = (request.body ?? {}) as RunRequest;
      return answer(request, reply, { kind: 'workflow', workflowId: id, version }, triggerOf(request));
    },
    runDeployment: (request, reply) => answer(request, reply, { kind: 'deployment', slug: (request.params as { slug: string }).slug }, 'deployment'),
  };
}
