import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';
import { describe, expect, vi } from 'vitest';
import { InputError, UnavailableError } from '../errors/index.js';
import { natsTest } from '../testing/nats.js';
import type { Bus } from './bus.js';
import { describeBusBehaviour, type BusHarness } from './bus-behaviour-suite.js';
import { connectNatsBus } from './nats-bus.js';

const silent = pino({ level: 'silent' });
const eventually = { timeout: 15_000, interval: 50 };

const natsBusTest = natsTest.extend<{ busHarness: BusHarness }>({
  busHarness: async ({ natsUrl, natsPrefix }, use) => {
    const opened: Bus[] = [];
    const openBus = async () => {
      const bus = await connectNatsBus({ url: natsUrl, stream: [{ name: natsPrefix, subjects: [`${natsPrefix}.>`] }], logger: silent });
      opened.push(bus);
      return bus;
    };
    await use({ prefix: natsPrefix, openBus });
    await Promise.all(opened.map((bus) => bus.close()));
  },
});

async function streamInfo(natsUrl: string, stream: string) {
  const connection = await connect({ servers: natsUrl });
  try {
    return await (await jetstreamManager(connection)).streams.info(stream);
  } finally {
    await connection.close();
  }
}

async function consumerInfo(natsUrl: string, stream: string, durable: string) {
  const connection = await connect({ servers: natsUrl });
  try {
    return await (await jetstreamManager(connection)).consumers.info(stream, durable);
  } finally {
    await connection.close();
  }
}

/** A TCP relay to NATS that the test can cut and restore, to play a lost connection. */
async function startRelay(natsPort: number) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const relay = createServer((client) => {
        const upstream = connectTcp(natsPort, '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => socket.destroy());
          socket.on('close', () => sockets.delete(socket));
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      relay.once('error', reject);
      relay.listen(port, '127.0.0.1', () => resolve((relay.address() as { port: number }).port));
      server = relay;
    });
  const port = await listen(0);
  return {
    url: `nats://127.0.0.1:${port}`,
    cut: async () => {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
    restore: async () => {
      await listen(port);
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

describe('NATS JetStream bus', () => {
  describeBusBehaviour(natsBusTest);

  natsBusTest('creates streams idempotently and updates the subjects of an existing one', async ({ natsUrl, natsPrefix }) => {
    const declared = { name: natsPrefix, subjects: [`${natsPrefix}.engine.>`], duplicateWindowMs: 30_000 };
    const first = await connectNatsBus({ url: natsUrl, stream: [declared], logger: silent });
    const again = await connectNatsBus({ url: natsUrl, stream: [declared], logger: silent });
    const widened = await connectNatsBus({ url: natsUrl, stream: [{ ...declared, subjects: [`${natsPrefix}.engine.>`, `${natsPrefix}.llm.>`] }], logger: silent });
    await Promise.all([first.close(), again.close(), widened.close()]);

    const { config } = await streamInfo(natsUrl, natsPrefix);
    expect(config.subjects).toEqual([`${natsPrefix}.engine.>`, `${natsPrefix}.llm.>`]);
    expect(config.duplicate_window).toBe(30_000 * 1_000_000);
  });

  natsBusTest('updates a durable consumer subscribed again with other settings', async ({ busHarness, natsUrl, natsPrefix }) => {
    const bus = await busHarness.openBus();
    const handler = async () => {};
    await (await bus.subscribe(`${natsPrefix}.>`, { durable: 'tuned', ackWaitMs: 10_000 }, handler)).stop();
    await bus.subscribe(`${natsPrefix}.>`, { durable: 'tuned', ackWaitMs: 20_000, maxAckPending: 50 }, handler);

    const { config } = await consumerInfo(natsUrl, natsPrefix, 'tuned');
    expect(config).toMatchObject({ ack_wait: 20_000 * 1_000_000, max_ack_pending: 50 });
  });

  natsBusTest('gives a per-instance durable an inactivity threshold, so the server forgets it once its replica is gone', async ({ busHarness, natsUrl, natsPrefix }) => {
    const bus = await busHarness.openBus();
    await bus.subscribe(`${natsPrefix}.>`, { durable: 'replica-1', inactiveThresholdMs: 60_000 }, async () => {});
    const { config } = await consumerInfo(natsUrl, natsPrefix, 'replica-1');
    expect(config.inactive_threshold).toBe(60_000 * 1_000_000);
  });

  natsBusTest('settles messages with unconfirmed acks too: none is redelivered', async ({ busHarness, natsUrl, natsPrefix }) => {
    const bus = await busHarness.openBus();
    const seen: string[] = [];
    await bus.subscribe(`${natsPrefix}.>`, { durable: 'quick', confirmAcks: false, ackWaitMs: 1_000 }, async (message) => {
      seen.push(message.id);
    });
    for (let i = 0; i < 20; i++) await bus.publish(`${natsPrefix}.event`, { i }, { id: `m${i}` });
    await vi.waitFor(async () => expect((await consumerInfo(natsUrl, natsPrefix, 'quick')).num_ack_pending).toBe(0), eventually);
    await vi.waitFor(async () => expect((await consumerInfo(natsUrl, natsPrefix, 'quick')).delivered.stream_seq).toBe(20), eventually);
    expect([...seen].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
  });

  natsBusTest('explains a subject no stream captures', async ({ busHarness, natsPrefix }) => {
    const bus = await busHarness.openBus();
    await expect(bus.subscribe(`${natsPrefix}x.>`, { durable: 'nowhere' }, async () => {})).rejects.toBeInstanceOf(InputError);
    await expect(bus.publish(`${natsPrefix}x.event`, {})).rejects.toBeInstanceOf(UnavailableError);
  });

  natsBusTest('rejects publishing while disconnected, then reconnects and delivers on its own', async ({ natsUrl, natsPrefix }) => {
    const relay = await startRelay(Number(new URL(natsUrl).port));
    const bus = await connectNatsBus({ url: relay.url, stream: [{ name: natsPrefix, subjects: [`${natsPrefix}.>`] }], logger: silent });
    try {
      const ids: string[] = [];
      await bus.subscribe(`${natsPrefix}.>`, { durable: 'survivor' }, async (message) => {
        ids.push(message.id);
      });

      await relay.cut();
      await vi.waitFor(() => expect(bus.publish(`${natsPrefix}.event`, {}, { id: 'during' })).rejects.toBeInstanceOf(UnavailableError), eventually);
      await relay.restore();

      await vi.waitFor(() => bus.publish(`${natsPrefix}.event`, {}, { id: 'after' }), eventually);
      await vi.waitFor(() => expect(ids).toEqual(['after']), eventually);
    } finally {
      await bus.close();
      await relay.stop();
    }
  });
});
