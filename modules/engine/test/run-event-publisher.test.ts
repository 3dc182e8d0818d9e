import { describe, expect, it, vi } from 'vitest';
import { createLogger, createMemoryBus, createMetrics, UnavailableError, type Bus, type BusMessage } from '@flowgate/kernel';
import { createRunEventPublisher } from '../src/events/run-event-publisher.js';

/** The real in-process bus, with a switch that makes it refuse publishes like a NATS outage. */
function switchableBus() {
  const bus = createMemoryBus();
  const state = { down: false };
  const wrapped: Bus = {
    kind: bus.kind,
    publish: (subject, data, options) => (state.down ? Promise.reject(new UnavailableError('bus down')) : bus.publish(subject, data, options)),
    subscribe: (subjects, options, handler) => bus.subscribe(subjects, options, handler),
    ping: () => bus.ping(),
    close: () => bus.close(),
  };
  return { bus: wrapped, state };
}

const logger = createLogger({ level: 'silent' });

async function collect(bus: Bus) {
  const seen: BusMessage<{ seq: number }>[] = [];
  await bus.subscribe<{ seq: number }>('engine.>', { durable: 'test-log' }, async (message) => {
    seen.push(message);
  });
  return seen;
}

describe('run event publisher', () => {
  it('publishes every event with its id, off the caller\'s path', async () => {
    const { bus } = switchableBus();
    const seen = await collect(bus);
    const publisher = createRunEventPublisher({ bus, logger, metrics: createMetrics({ defaultMetrics: false }), maxBuffered: 100 });
    for (let seq = 0; seq < 10; seq++) publisher.publish('engine.node.finished', `run-1:${seq}`, { seq });
    await vi.waitFor(() => expect(seen).toHaveLength(10));
    expect(seen.map((m) => m.id).sort()).toEqual(Array.from({ length: 10 }, (_, seq) => `run-1:${seq}`).sort());
    expect(publisher.health()).toEqual({ ok: true });
  });

  it('buffers while the bus is down, reports degraded, and delivers everything once it is back', async () => {
    const { bus, state } = switchableBus();
    const seen = await collect(bus);
    const publisher = createRunEventPublisher({ bus, logger, metrics: createMetrics({ defaultMetrics: false }), maxBuffered: 100, retryDelaysMs: [5] });
    state.down = true;
    for (let seq = 0; seq < 20; seq++) publisher.publish('engine.run.finished', `run-2:${seq}`, { seq });
    await vi.waitFor(() => expect(publisher.health().ok).toBe(false));
    expect(publisher.buffered()).toBe(20);
    state.down = false;
    await vi.waitFor(() => expect(seen).toHaveLength(20));
    expect(publisher.health()).toEqual({ ok: true });
  });

  it('drops the oldest events past its bound, and says so', async () => {
    const { bus, state } = switchableBus();
    const seen = await collect(bus);
    const metrics = createMetrics({ defaultMetrics: false });
    const publisher = createRunEventPublisher({ bus, logger, metrics, maxBuffered: 5, retryDelaysMs: [5] });
    state.down = true;
    for (let seq = 0; seq < 8; seq++) publisher.publish('engine.node.started', `run-3:${seq}`, { seq });
    expect(publisher.buffered()).toBe(5);
    expect(publisher.health()).toMatchObject({ ok: false, detail: expect.stringContaining('3 run events dropped') });
    expect((await metrics.render()).body).toMatch(/engine_events_dropped_total 3/);
    state.down = false;
    await vi.waitFor(() => expect(seen).toHaveLength(5));
    expect(seen.map((m) => m.data.seq).sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('drains what is buffered before shutdown, within a deadline', async () => {
    const { bus, state } = switchableBus();
    const publisher = createRunEventPublisher({ bus, logger, metrics: createMetrics({ defaultMetrics: false }), maxBuffered: 100, retryDelaysMs: [5] });
    state.down = true;
    publisher.publish('engine.run.started', 'run-4:0', {});
    expect(await publisher.drain(20)).toBe(false);
    state.down = false;
    expect(await publisher.drain(2000)).toBe(true);
  });
});
