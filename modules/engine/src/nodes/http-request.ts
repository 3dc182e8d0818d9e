import { Type } from '@sinclair/typebox';
import { InputError, UpstreamTimeoutError } from '@flowgate/kernel';
import { defineNode } from './node-type.js';

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

const HttpRequestData = Type.Object({
  method: Type.Union(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((method) => Type.Literal(method))),
  url: Type.String({ minLength: 1, maxLength: 8192 }),
  headers: Type.Optional(Type.Record(Type.String(), Scalar)),
  /** Added to the URL's query string (after any it already has). */
  query: Type.Optional(Type.Record(Type.String(), Scalar)),
  /** A string is sent as it is; anything else as JSON, with `content-type: application/json` unless set. */
  body: Type.Optional(Type.Unknown()),
  timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000 })),
}, { additionalProperties: false });

const HttpRequestOutput = Type.Object({
  status: Type.Integer(),
  /** Response headers, lower-case names; repeated headers joined with `, `. */
  headers: Type.Record(Type.String(), Type.String()),
  /** The parsed body when the response says it is JSON (`application/json`, `*+json`) and parses; otherwise null. */
  body: Type.Unknown(),
  /** The body as text (decoded with the response's charset, UTF-8 by default). */
  text: Type.String(),
});

export interface HttpRequestNodeOptions {
  /** Default 5 MiB: a larger response fails the node. */
  maxResponseBytes?: number;
  /** When the node sets no `timeout_ms`. Default 30 s. */
  defaultTimeoutMs?: number;
}

const WITHOUT_BODY = new Set(['GET', 'HEAD']);

/**
 * An `http_request` node. Its requests go through `services.fetch`, the engine's SSRF-guarded
 * fetch (http/guarded-fetch.ts). A response of any status is an output, not a failure: a workflow
 * branches on `status`; failures are what prevented a response (refused address, timeout, size).
 */
export function createHttpRequestNode(options: HttpRequestNodeOptions = {}) {
  const maxResponseBytes = options.maxResponseBytes ?? 5 * 1024 * 1024;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  return defineNode({
    type: 'http_request',
    summary: 'Sends an HTTP request (private addresses refused unless allowed) and outputs the status, headers and body',
    data: HttpRequestData,
    output: HttpRequestOutput,
    validate(data) {
      return WITHOUT_BODY.has(data.method) && data.body !== undefined && data.body !== null ? [{ path: '/body', message: `a ${data.method} request has no body` }] : [];
    },
    async execute({ data, signal, services }) {
      if (WITHOUT_BODY.has(data.method) && data.body !== undefined && data.body !== null) throw new InputError(`a ${data.method} request has no body`);
      const url = withQuery(data.url, data.query);
      const headers = Object.fromEntries(Object.entries(data.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));
      let body: string | undefined;
      if (data.body !== undefined && data.body !== null) {
        if (typeof data.body === 'string') {
          body = data.body;
        } else {
          body = JSON.stringify(data.body);
          headers['content-type'] ??= 'application/json';
        }
      }
      const timeoutMs = data.timeout_ms ?? defaultTimeoutMs;
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Awaited<ReturnType<typeof services.fetch>>;
      try {
        response = await services.fetch(url, { method: data.method, headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.any([signal, timeout]), maxBytes: maxResponseBytes });
      } catch (error) {
        if (timeout.aborted && !signal.aborted) throw new UpstreamTimeoutError(`the request to ${new URL(url).host} timed out after ${timeoutMs} ms`);
        throw error;
      }
      const contentType = response.headers['content-type'] ?? '';
      const text = decode(response.body, contentType);
      return { status: response.status, headers: response.headers, body: isJson(contentType) ? parseOrNull(text) : null, text };
    },
  });
}

/** With the defaults: 5 MiB responses, 30 s timeout. */
export const httpRequestNode = createHttpRequestNode();

function withQuery(text: string, query: Record<string, string | number | boolean> | undefined): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(`not a valid URL: ${text}`);
  }
  for (const [name, value] of Object.entries(query ?? {})) url.searchParams.append(name, String(value));
  return url.href;
}

function isJson(contentType: string): boolean {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function decode(bytes: Uint8Array, contentType: string): string {
  const charset = /;\s*charset="?([^";\s]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
