import { request, type Dispatcher } from 'undici';
import { InputError, RateLimitedError, UnavailableError } from '@flowgate/kernel';
import type { LlmProviderConnection } from '../nodes/node-type.js';
import { SseParser } from './sse-parser.js';

// A client of the OpenAI Chat Completions API as OpenAI, vLLM, Ollama, LiteLLM and most gateways
// speak it. It does NOT go through the workflows' SSRF guard: providers are configured by admins,
// not by workflow authors, and a model server on localhost or the private network (Ollama, vLLM)
// is a normal deployment. Provider errors never echo the request's headers, so the API key stays
// out of messages and logs.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  max_tokens?: number;
}

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatCompletion {
  text: string;
  /** All zeros when the provider reported none (`usageReported: false`): never estimated. */
  usage: TokenUsage;
  usageReported: boolean;
  finishReason: string | null;
  latencyMs: number;
}

/**
 * A provider error the engine may retry after a delay: 429, and 5xx that sent `Retry-After`.
 * `retryAfterMs` comes from `retry-after-ms` or `Retry-After` (seconds or an HTTP date).
 */
export interface RetryAfterHint {
  retryAfterMs?: number;
}

const ERROR_BODY_LIMIT = 16 * 1024;
const COMPLETION_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * Streams one chat completion: `POST {base_url}/chat/completions` with `stream: true`, each
 * content delta handed to `onText` as soon as its event is parsed, usage taken from the final
 * chunk (`stream_options.include_usage`).
 */
export async function streamChatCompletion(
  connection: LlmProviderConnection,
  chat: ChatRequest,
  options: { signal: AbortSignal; onText(delta: string): void },
): Promise<ChatCompletion> {
  const started = performance.now();
  const response = await post(connection, { ...chat, stream: true, stream_options: { include_usage: true } }, options.signal);
  const state: StreamState = { text: '', usage: null, finishReason: null, done: false };
  try {
    const contentType = mediaType(response.headers['content-type']);
    if (contentType === 'application/json') {
      // Some servers ignore `stream: true` and answer with one completion.
      readCompletion(connection, parseJson(connection, await readText(response.body, COMPLETION_BODY_LIMIT)), state);
      if (state.text !== '') options.onText(state.text);
    } else if (contentType === 'text/event-stream') {
      await readStream(connection, response.body, state, options.onText);
    } else {
      throw invalid(connection, `content-type ${contentType || '(none)'} where text/event-stream was expected`);
    }
  } catch (error) {
    discard(response.body);
    throw failure(connection, error, options.signal);
  }
  return {
    text: state.text,
    usage: state.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    usageReported: state.usage !== null,
    finishReason: state.finishReason,
    latencyMs: performance.now() - started,
  };
}

export interface ProviderTestResult {
  ok: boolean;
  latency_ms: number;
  error?: string;
}

/**
 * Whether a provider answers: one non-streaming completion of a one-word prompt with
 * `max_tokens: 1`. For `POST /api/v1/llm/providers/{id}/test`; never throws.
 */
export async function testProvider(connection: LlmProviderConnection, model: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ProviderTestResult> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await post(connection, { model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false }, signal);
    try {
      readCompletion(connection, parseJson(connection, await readText(response.body, COMPLETION_BODY_LIMIT)), { text: '', usage: null, finishReason: null, done: false });
    } catch (error) {
      discard(response.body);
      throw failure(connection, error, signal);
    }
    return { ok: true, latency_ms: Math.round(performance.now() - started) };
  } catch (error) {
    const message = timeout.aborted ? `no answer within ${options.timeoutMs ?? 15_000} ms` : error instanceof Error ? error.message : String(error);
    return { ok: false, latency_ms: Math.round(performance.now() - started), error: message };
  }
}

interface StreamState {
  text: string;
  usage: TokenUsage | null;
  finishReason: string | null;
  done: boolean;
}

/** Sends the request; a status of 400 or more becomes the provider's error. */
async function post(connection: LlmProviderConnection, body: Record<string, unknown>, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: body.stream ? 'text/event-stream' : 'application/json' };
  if (connection.api_key) headers.authorization = `Bearer ${connection.api_key}`;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(`${connection.base_url.replace(/\/+$/, '')}/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body), signal });
  } catch (error) {
    throw failure(connection, error, signal);
  }
  if (response.statusCode >= 400) {
    let text = '';
    try {
      text = await readText(response.body, ERROR_BODY_LIMIT);
    } catch (error) {
      throw failure(connection, error, signal);
    }
    throw statusError(connection, response.statusCode, response.headers, text);
  }
  return response;
}

async function readStream(connection: LlmProviderConnection, body: AsyncIterable<Buffer>, state: StreamState, onText: (delta: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  const parser = new SseParser();
  for await (const chunk of body) {
    for (const event of parser.push(decoder.decode(chunk, { stream: true }))) {
      readEvent(connection, event.data, state, onText);
      if (state.done) return;
    }
  }
  for (const event of parser.push(decoder.decode())) readEvent(connection, event.data, state, onText);
  for (const event of parser.end()) readEvent(connection, event.data, state, onText);
  if (!state.done && state.finishReason === null) throw invalid(connection, 'the stream ended before the completion finished');
}

function readEvent(connection: LlmProviderConnection, data: string, state: StreamState, onText: (delta: string) => void): void {
  if (state.done) return;
  if (data.trim() === '[DONE]') {
    state.done = true;
    return;
  }
  const chunk = parseJson(connection, data);
  const choice = readChoice(connection, chunk, state);
  const content = (choice?.delta as { content?: unknown } | undefined)?.content;
  if (typeof content === 'string' && content !== '') {
    state.text += content;
    onText(content);
  }
}

function readCompletion(connection: LlmProviderConnection, completion: unknown, state: StreamState): void {
  const choice = readChoice(connection, completion, state);
  const content = (choice?.message as { content?: unknown } | undefined)?.content;
  if (choice === undefined) throw invalid(connection, 'a completion without choices');
  if (typeof content === 'string') state.text += content;
}

/** The first choice of a chunk or completion, after taking its usage, finish reason or error. */
function readChoice(connection: LlmProviderConnection, value: unknown, state: StreamState): Record<string, unknown> | undefined {
  if (!isObject(value)) throw invalid(connection, `a JSON ${value === null ? 'null' : typeof value} where an object was expected`);
  // Some servers report a failure inside a 200 stream.
  if (value.error !== undefined && value.error !== null) throw new UnavailableError(`LLM provider ${connection.id} failed mid-response: ${providerMessage(value) ?? 'unknown error'}`);
  if (isObject(value.usage)) state.usage = readUsage(value.usage);
  if (value.choices !== undefined && !Array.isArray(value.choices)) throw invalid(connection, '"choices" that is not an array');
  const choice = (value.choices as unknown[] | undefined)?.[0];
  if (!isObject(choice)) return undefined;
  if (typeof choice.finish_reason === 'string') state.finishReason = choice.finish_reason;
  return choice;
}

function readUsage(usage: Record<string, unknown>): TokenUsage {
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : 0);
  const prompt = count(usage.prompt_tokens);
  const completion = count(usage.completion_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: count(usage.total_tokens) || prompt + completion };
}

function statusError(connection: LlmProviderConnection, status: number, headers: Dispatcher.ResponseData['headers'], body: string): Error {
  const message = providerMessage(tryJson(body)) ?? (body.trim().slice(0, 300) || 'no details');
  const retryAfterMs = parseRetryAfter(headers);
  const hint = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429) {
    return Object.assign(new RateLimitedError(`LLM provider ${connection.id} is rate limiting requests (HTTP 429): ${message}`, (retryAfterMs ?? 1000) / 1000), hint);
  }
  if (status >= 500) {
    return Object.assign(
      new UnavailableError(`LLM provider ${connection.id} failed with HTTP ${status}: ${message}`, retryAfterMs === undefined ? {} : { retryAfterSeconds: retryAfterMs / 1000 }),
      hint,
    );
  }
  return new InputError(`LLM provider ${connection.id} refused the request (HTTP ${status}): ${message}`, { details: { status } });
}

/** The human part of an error body as OpenAI, Ollama, vLLM, LiteLLM and FastAPI servers shape it. */
function providerMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const { error } = body;
  if (typeof error === 'string') return error;
  if (isObject(error) && typeof error.message === 'string') return error.message;
  if (typeof body.message === 'string') return body.message;
  if (typeof body.detail === 'string') return body.detail;
  return undefined;
}

function parseRetryAfter(headers: Dispatcher.ResponseData['headers']): number | undefined {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const ms = header('retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const after = header('retry-after')?.trim();
  if (after === undefined || after === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.round(Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT']);

/** What went wrong in transport terms: the abort reason when aborted, else the provider is unreachable. */
function failure(connection: LlmProviderConnection, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof InputError || error instanceof UnavailableError || error instanceof RateLimitedError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && UNREACHABLE.has(code)) {
    return new UnavailableError(`LLM provider ${connection.id} is unreachable at ${connection.base_url}: ${code}`, { cause: error });
  }
  return new UnavailableError(`the connection to LLM provider ${connection.id} failed: ${(error as Error).message}`, { cause: error });
}

function invalid(connection: LlmProviderConnection, what: string): UnavailableError {
  return new UnavailableError(`LLM provider ${connection.id} sent an invalid response: ${what}`);
}

function parseJson(connection: LlmProviderConnection, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalid(connection, `data that is not JSON: ${JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text)}`);
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Up to `limit` bytes of a body (leaving the loop early destroys the rest). */
async function readText(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Drops a body we will not read; undici reports destroying an unread body as an error event. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function mediaType(header: string | string[] | undefined): string {
  return (Array.isArray(header) ? header[0] : header)?.split(';')[0]?.trim().toLowerCase() ?? '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
