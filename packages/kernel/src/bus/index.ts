export type { Bus, BusHandler, BusLogger, BusMessage, PublishOptions, SubscribeOptions, Subscription } from './bus.js';
export { createMemoryBus, type MemoryBusOptions } from './memory-bus.js';
export { connectNatsBus, type NatsBusOptions } from './nats-bus.js';
export type { NatsStreamSpec } from './nats-streams.js';
