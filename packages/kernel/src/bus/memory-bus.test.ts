import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, test, vi } from 'vitest';
import { UnavailableError } from '../errors/index.js';
import type { BusMessage } from './bus.js';
import { describeBusBehaviour, type BusHarness } from './bus-behaviour-suite.js';
import { createMemoryBus } from './memory-bus.js';

const silent = pino({ level: 'silent' });
const eventually = { timeout: 5000, interval: 10 };
const nextTurns = async (turns: number) => {
  for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
};

const memoryBusTest = test.extend<{ busHarness: BusHarness }>({
   
  busHarness: async ({}, use) => {
    const bus = createMemoryBus({ logger: silent });
    await use({ prefix: `t${randomBytes(4).toString('hex')}`, openBus: async () => bus });
    await bus.close();
  },
});

describe('memory bus', () => {
  describeBusBehaviour(memoryBusTest);

  test('never runs a handler inside publish', async () => {
    const bus = createMemoryBus({ logger: silent });
    let delivered = false;
    await bus.subscribe('engine.>', { durable: 'async' }, async () => {
      delivered = true;
    });

    await bus.publish('engine.run.started', {});

    expect(delivered).toBe(false);
    await vi.waitFor(() => expect(delivered).toBe(true), eventually);
    await bus.close();
  });

  test('drops messages published before any durable of their subject exists', async () => {
    const bus = createMemoryBus({ logger: silent });
    await bus.publish('engine.run.started', {}, { id: 'too-early' });
    const ids: string[] = [];
    await bus.subscribe('engine.>', { durable: 'late' }, async (message) => {
      ids.push(message.id);
    });

    await bus.publish('engine.run.started', {}, { id: 'on-time' });

    await vi.waitFor(() => expect(ids).toEqual(['on-time']), eventually);
    await bus.close();
  });

  test('keeps nothing of a message nobody listens for, not even its id', async () => {
    const bus = createMemoryBus({ logger: silent });
    await bus.publish('engine.node.finished', { big: 'x'.repeat(1000) }, { id: 'unheard' });
    const ids: string[] = [];
    await bus.subscribe('engine.>', { durable: 'log' }, async (message) => {
      ids.push(message.id);
    });
    // Had the first publish been remembered, this one would be dropped as its duplicate.
    await bus.publish('engine.node.finished', {}, { id: 'unheard' });
    await vi.waitFor(() => expect(ids).toEqual(['unheard']), eventually);
    await bus.close();
  });

  test('delivers a re-used id again once the de-duplication window has passed', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const bus = createMemoryBus({ logger: silent, dedupeWindowMs: 60_000, clock: { now: () => now } });
    const received: BusMessage[] = [];
    await bus.subscribe('engine.>', { durable: 'window' }, async (message) => {
      received.push(message);
    });

    await bus.publish('engine.run.started', {}, { id: 'same' });
    await bus.publish('engine.run.started', {}, { id: 'same' });
    now += 60_000;
    await bus.publish('engine.run.started', {}, { id: 'same' });

    await vi.waitFor(() => expect(received).toHaveLength(2), eventually);
    expect(received.map((message) => message.publishedAt.toISOString())).toEqual(['2030-01-01T00:00:00.000Z', '2030-01-01T00:01:00.000Z']);
    await bus.close();
  });

  test('rejects publishing into a full durable queue, and accepts the same id once it drains', async () => {
    const bus = createMemoryBus({ logger: silent, maxQueue: 2 });
    const away = await bus.subscribe('engine.>', { durable: 'bounded' }, async () => {});
    await away.stop();
    await bus.publish('engine.node.finished', {}, { id: 'a' });
    await bus.publish('engine.node.finished', {}, { id: 'b' });

    await expect(bus.publish('engine.node.finished', {}, { id: 'c' })).rejects.toBeInstanceOf(UnavailableError);

    const ids: string[] = [];
    await bus.subscribe('engine.>', { durable: 'bounded' }, async (message) => {
      ids.push(message.id);
    });
    await vi.waitFor(() => expect(ids).toEqual(['a', 'b']), eventually);
    await bus.publish('engine.node.finished', {}, { id: 'c' });
    await vi.waitFor(() => expect(ids).toEqual(['a', 'b', 'c']), eventually);
    await bus.close();
  });

  test('holds back deliveries beyond maxAckPending until some are acked', async () => {
    const bus = createMemoryBus({ logger: silent });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    await bus.subscribe('engine.>', { durable: 'paced', maxAckPending: 2, batch: 10 }, async (message) => {
      started.push(message.id);
      await released;
    });
    for (const id of ['a', 'b', 'c', 'd']) await bus.publish('engine.node.finished', {}, { id });

    await vi.waitFor(() => expect(started).toEqual(['a', 'b']), eventually);
    await nextTurns(5);
    expect(started).toEqual(['a', 'b']);

    release();
    await vi.waitFor(() => expect(started).toEqual(['a', 'b', 'c', 'd']), eventually);
    await bus.close();
  });

  test('stops redelivering a failing message after maxDeliver deliveries', async () => {
    const bus = createMemoryBus({ logger: silent });
    const deliveries: string[] = [];
    await bus.subscribe('engine.>', { durable: 'poison', maxDeliver: 2, retryBackoffMs: [0] }, async (message) => {
      deliveries.push(`${message.id}#${message.deliveryCount}`);
      if (message.id === 'poison') throw new Error('cannot process');
    });

    await bus.publish('engine.node.finished', {}, { id: 'poison' });
    await vi.waitFor(() => expect(deliveries).toEqual(['poison#1', 'poison#2']), eventually);
    await bus.publish('engine.node.finished', {}, { id: 'next' });

    // A third delivery would be queued ahead of 'next' (redeliveries go first).
    await vi.waitFor(() => expect(deliveries).toContain('next#1'), eventually);
    expect(deliveries).toEqual(['poison#1', 'poison#2', 'next#1']);
    await bus.close();
  });
});
