import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';

/** Where the suite runs: the gateway's URL and the topology behind it. */
export interface Target {
  url: string;
  topology: 'monolith' | 'split';
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON (problem+json included), else undefined. */
  body: T;
  text: string;
}

export interface RequestOptions {
  /** JSON-encoded unless `raw` is given. */
  body?: unknown;
  /** A body sent as it is, with its own content type (for 400/413/415 cases). */
  raw?: { contentType: string; data: string };
  /** An access token or an API key, as `Authorization: Bearer`. */
  token?: string;
  /** An API key as `x-api-key`. */
  apiKey?: string;
  headers?: Record<string, string>;
}

/** Every call has a limit: nothing in the suite waits unbounded on the platform. */
const CALL_TIMEOUT_MS = 30_000;

function headersOf(options: RequestOptions): Record<string, string> {
  return {
    ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(options.raw ? { 'content-type': options.raw.contentType } : {}),
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(options.apiKey ? { 'x-api-key': options.apiKey } : {}),
    ...options.headers,
  };
}

/** A client of the public HTTP API, as API.md describes it: nothing but fetch against the gateway. */
export function apiClient(target: () => Target) {
  async function call<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const response = await fetch(`${target().url}${path}`, {
      method,
      headers: headersOf(options),
      body: options.raw ? options.raw.data : options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const text = await response.text();
    const json = /json/.test(response.headers.get('content-type') ?? '') && text ? JSON.parse(text) : undefined;
    return { status: response.status, headers: response.headers, body: json as T, text };
  }

  return {
    call,
    get: <T = any>(path: string, options?: RequestOptions) => call<T>('GET', path, options),
    post: <T = any>(path: string, body?: unknown, options: RequestOptions = {}) => call<T>('POST', path, { ...options, body }),
    patch: <T = any>(path: string, body: unknown, options: RequestOptions = {}) => call<T>('PATCH', path, { ...options, body }),
    del: <T = any>(path: string, options?: RequestOptions) => call<T>('DELETE', path, options),
    /** A streaming request: the response as it arrives (the caller reads the body). */
    stream(path: string, body: unknown, options: RequestOptions & { signal?: AbortSignal } = {}) {
      return fetch(`${target().url}${path}`, {
        method: 'POST',
        headers: headersOf({ ...options, body }),
        body: JSON.stringify(body),
        signal: options.signal ?? AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
    },
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** Asserts an RFC 9457 problem: the status, problem+json, and the request id of the answer. */
export function expectProblem(answer: Answer, status: number, what = '') {
  expect(answer.status, `${what} ${answer.text}`).toBe(status);
  expect(answer.headers.get('content-type'), what).toMatch(/^application\/problem\+json/);
  expect(answer.body, what).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  expect(answer.body.request_id, what).toBe(answer.headers.get('x-request-id'));
  expect(answer.text, what).not.toMatch(/\n\s+at /);
}

export interface SseEvent {
  event: string;
  data: any;
}

/** Parses a text/event-stream body into its events (comments such as `: ping` are left out). */
export function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => !line.startsWith(':')))
    .filter((lines) => lines[0]?.startsWith('event: '))
    .map((lines) => ({ event: lines[0]!.slice('event: '.length), data: JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice('data: '.length)) }));
}

/** Reads a stream to its end, or until `until` accepts what arrived so far. */
export async function readStream(response: Response, until?: (text: string) => boolean): Promise<{ text: string; done: boolean; reader: ReadableStreamDefaultReader<string> }> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  for (;;) {
    if (until?.(text)) return { text, done: false, reader };
    const { value, done } = await reader.read();
    if (done) return { text, done: true, reader };
    text += value;
  }
}

/** Polls until `probe` answers something `accept` takes, at most `timeoutMs`; then the last answer (for the assertion to show). */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() >= deadline) return value;
    await sleep(100);
  }
}

/** A unique suffix for names that must not collide (slugs, emails). */
export const unique = () => Math.random().toString(36).slice(2, 10);
