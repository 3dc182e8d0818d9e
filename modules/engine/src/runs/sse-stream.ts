import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

export interface SseStream {
  /** Writes one event now: `event: <name>` and `data: <one JSON line>`. */
  send(event: string, data: unknown): void;
  end(): void;
  readonly closed: boolean;
}

/**
 * A Server-Sent Events response written straight to the socket: headers flushed at once, each
 * event written as it happens (nothing buffers it: no compression, `X-Accel-Buffering: no` for
 * proxies), and a `: ping` comment every `pingMs` so idle connections stay open. `headers` are
 * those the request chain set before the stream took over (CORS, rate limits, security headers).
 */
export function openSseStream(response: ServerResponse, options: { requestId: string; headers?: OutgoingHttpHeaders; pingMs?: number; onClose?: () => void }): SseStream {
  response.writeHead(200, {
    ...options.headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': options.requestId,
  });
  response.flushHeaders();
  let closed = false;
  const ping = setInterval(() => {
    if (!closed) response.write(': ping\n\n');
  }, options.pingMs ?? 15_000);
  ping.unref();
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
  };
  response.once('close', () => {
    const early = !closed;
    finish();
    if (early) options.onClose?.();
  });
  return {
    send(event, data) {
      if (closed) return;
      response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (closed) return;
      finish();
      response.end();
    },
    get closed() {
      return closed;
    },
  };
}
