import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What the fake answers to the next chat completion requests. */
export type FakeBehaviour =
  | {
      kind: 'stream';
      tokens: string[];
      /** Sent in a final chunk when the request asks for it (`stream_options.include_usage`); null: never. */
      usage?: FakeUsage | null;
      /** Each token waits for `release()`: tests see a chunk arrive while the model is still "generating". */
      gated?: boolean;
      /** A pause before each token, for load and memory benchmarks (tests use `gated`, not time). */
      delayMs?: number;
      /** Writes every event in 3-byte pieces (splitting lines, CRLFs and UTF-8 characters). */
      fragmented?: boolean;
      /** Coalesces the whole stream into one write (many events per chunk). */
      coalesced?: boolean;
      lineEnding?: '\n' | '\r\n';
      /** `: keep-alive` comment lines between events. */
      comments?: boolean;
      /** Ends without `data: [DONE]` (and, with `finish: false`, without a finish_reason). */
      done?: boolean;
      finish?: boolean;
      /** Raw event data written after the tokens instead of finishing properly. */
      after?: string;
    }
  | { kind: 'status'; status: number; body: string | Record<string, unknown>; headers?: Record<string, string> }
  | { kind: 'raw'; status?: number; contentType: string; body: string }
  | { kind: 'completion'; text: string; usage?: FakeUsage }
  | { kind: 'hang' };

export interface FakeRequest {
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export interface FakeOpenAI {
  /** `http://127.0.0.1:<port>/v1`, as a provider's base_url. */
  baseUrl: string;
  requests: FakeRequest[];
  respondWith(behaviour: FakeBehaviour): void;
  /** Lets `count` more gated tokens go out. */
  release(count?: number): void;
  /** Resolves when a request has arrived (counting all requests so far). */
  requestCount(count: number): Promise<void>;
  /** Resolves when the latest response's connection closes; `finished` is false when it closed mid-answer. */
  closed(): Promise<{ finished: boolean }>;
  close(): Promise<void>;
}

const DEFAULT: FakeBehaviour = { kind: 'stream', tokens: ['Hello', ' world'], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } };

/**
 * A small OpenAI-compatible server: `POST /v1/chat/completions`, streaming real SSE chunks
 * (`chat.completion.chunk`, usage in a last chunk with empty choices, `data: [DONE]`) or one JSON
 * completion, and failing on demand (statuses with error bodies, garbage, hanging).
 */
export async function startFakeOpenAI(options: { apiKey?: string } = {}): Promise<FakeOpenAI> {
  let behaviour: FakeBehaviour = DEFAULT;
  let released = 0;
  let gateWaiters: (() => void)[] = [];
  const requestWaiters: { count: number; resolve: () => void }[] = [];
  let latestClosed: Promise<{ finished: boolean }> = new Promise(() => undefined);
  const sockets = new Set<Socket>();
  const requests: FakeRequest[] = [];

  const gate = async (index: number) => {
    while (released <= index) await new Promise<void>((resolve) => gateWaiters.push(resolve));
  };

  const server = createServer((request, response) => {
    latestClosed = new Promise((resolve) => response.on('close', () => resolve({ finished: response.writableFinished })));
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void answer(request, response, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function answer(request: IncomingMessage, response: ServerResponse, text: string): Promise<void> {
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      sendJson(response, 404, { error: { message: `Unknown request URL: ${request.method} ${request.url}`, type: 'invalid_request_error' } });
      return;
    }
    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendJson(response, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      sendJson(response, 400, { error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error' } });
      return;
    }
    requests.push({ headers: request.headers, body });
    for (const waiter of requestWaiters.filter((w) => requests.length >= w.count)) {
      requestWaiters.splice(requestWaiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const model = String(body.model);
    const current = behaviour;
    switch (current.kind) {
      case 'status':
        response.writeHead(current.status, { 'content-type': typeof current.body === 'string' ? 'text/plain' : 'application/json', ...current.headers });
        response.end(typeof current.body === 'string' ? current.body : JSON.stringify(current.body));
        return;
      case 'raw':
        response.writeHead(current.status ?? 200, { 'content-type': current.contentType }).end(current.body);
        return;
      case 'hang':
        return;
      case 'completion':
        sendJson(response, 200, {
          id: 'chatcmpl-fake', object: 'chat.completion', created: 1, model,
          choices: [{ index: 0, message: { role: 'assistant', content: current.text }, finish_reason: 'stop' }],
          ...(current.usage ? { usage: current.usage } : {}),
        });
        return;
      case 'stream':
        await stream(response, current, model, (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true);
    }
  }

  async function stream(response: ServerResponse, current: Extract<FakeBehaviour, { kind: 'stream' }>, model: string, includeUsage: boolean): Promise<void> {
    const eol = current.lineEnding ?? '\n';
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model, choices, ...extra });
    const event = (data: unknown) => `${current.comments ? `: keep-alive${eol}` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}${eol}${eol}`;
    let buffered = '';
    const write = (text: string) => {
      if (current.coalesced) {
        buffered += text;
      } else if (current.fragmented) {
        const bytes = Buffer.from(text);
        for (let i = 0; i < bytes.length; i += 3) response.write(bytes.subarray(i, i + 3));
      } else {
        response.write(text);
      }
    };
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    response.flushHeaders();
    write(event(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])));
    for (const [index, token] of current.tokens.entries()) {
      if (current.gated) await gate(index);
      if (current.delayMs) await new Promise((resolve) => setTimeout(resolve, current.delayMs));
      if (response.destroyed) return;
      write(event(chunk([{ index: 0, delta: { content: token }, finish_reason: null }])));
    }
    if (current.after !== undefined) {
      write(`data: ${current.after}${eol}${eol}`);
    } else {
      if (current.finish !== false) write(event(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }])));
      if (includeUsage && current.usage !== null) write(event(chunk([], { usage: current.usage ?? DEFAULT_USAGE })));
      if (current.done !== false) write(event('[DONE]'));
    }
    if (current.coalesced) response.write(buffered);
    response.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    respondWith: (next) => {
      behaviour = next;
      released = 0;
    },
    release: (count = 1) => {
      released += count;
      const waiters = gateWaiters;
      gateWaiters = [];
      for (const resolve of waiters) resolve();
    },
    requestCount: (count) => (requests.length >= count ? Promise.resolve() : new Promise((resolve) => requestWaiters.push({ count, resolve }))),
    closed: () => latestClosed,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const DEFAULT_USAGE: FakeUsage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
