import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface CountingHttpServer {
  port: number;
  /** TCP connections accepted so far, from any local address. */
  connections: number;
  /** Requests received so far, in order. */
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  /** Resolves when a connection the server accepted is closed (by either side). */
  nextClose(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A node:http server on every local address (`::`, dual-stack: 127.0.0.1, ::1 and the rest), so
 * that any request that slips past the SSRF guard to this machine is counted.
 */
export async function startCountingHttpServer(handler: (request: IncomingMessage, response: ServerResponse, body: string) => void): Promise<CountingHttpServer> {
  const sockets = new Set<Socket>();
  const closeWaiters: (() => void)[] = [];
  const state: CountingHttpServer = {
    port: 0,
    connections: 0,
    requests: [],
    nextClose: () => new Promise((resolve) => closeWaiters.push(resolve)),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      handler(request, response, body);
    });
  });
  server.on('connection', (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      for (const resolve of closeWaiters.splice(0)) resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}
