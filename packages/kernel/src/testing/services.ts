import { createConnection, createServer, type AddressInfo } from 'node:net';

/** True when something accepts TCP connections on host:port within the timeout. */
export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const inCi = () => process.env.CI === 'true' || process.env.CI === '1';

/**
 * Decides whether a test needing a real service may run. Outside CI a missing service skips the
 * test with a printed reason; under CI=true it is a failure, so CI can never pass by skipping.
 */
export async function requireService(name: string, host: string, port: number): Promise<{ skip: false } | { skip: true; reason: string }> {
  if (await isListening(host, port)) return { skip: false };
  const reason = `${name} is not listening on ${host}:${port}`;
  if (inCi()) throw new Error(`${reason} (CI=true: distributed-profile tests must run)`);
  console.warn(`[skip] ${reason}; distributed-profile tests skipped`);
  return { skip: true, reason };
}

/** A port nothing listens on right now (the OS's pick, released again), for servers that must know each other's address before they start. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
