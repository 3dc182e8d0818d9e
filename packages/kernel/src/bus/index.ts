export type { Bus, BusHandler, BusLogger, BusMessage, PublishOptions, SubscribeOptions, Subscription } from './bus.js';
export { createMemoryBus, type MemoryBusOptions } from './memory-bus.js';
import type { Bus } from './bus.js';
import type { NatsBusOptions } from './nats-bus.js';
export type { NatsBusOptions };

/** Connects to NATS JetStream; the client library is loaded only by processes that use it. */
export async function connectNatsBus(options: NatsBusOptions): Promise<Bus> {
  const nats = await import('./nats-bus.js');
  return nats.connectNatsBus(options);
}
export type { NatsStreamSpec } from './nats-streams.js';
