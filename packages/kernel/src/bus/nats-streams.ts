import { AckPolicy, DeliverPolicy, JetStreamApiError, RetentionPolicy, StorageType, type ConsumerConfig, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { InputError } from '../errors/index.js';
import type { BusLogger } from './bus.js';
import { assertSubjectPattern } from './subjects.js';

/** A JetStream stream the bus declares at connect. */
export interface NatsStreamSpec {
  /** Letters, digits, `_` and `-`, e.g. `ENGINE`. */
  name: string;
  /** Subject patterns it captures, e.g. `['engine.>']`; must not overlap another stream's. */
  subjects: string[];
  /** Oldest message kept even if some consumer never acked it. Default 7 days. */
  maxAgeMs?: number;
  /** How long a message id is remembered for de-duplication. Default 120 000. */
  duplicateWindowMs?: number;
}

// Error codes the client does not name (server/errors.json).
const streamNameInUse = 10058;
const consumerAlreadyExists = 10148;

const streamName = /^[A-Za-z0-9_-]{1,64}$/;
const weekMs = 7 * 24 * 3600 * 1000;

/**
 * Creates the stream, or brings an existing one's subjects, max age and duplicate window to the
 * spec. Safe to call from every replica at once: creating an identical stream is a no-op on the
 * server, and a differing one is updated.
 *
 * Retention is `interest`: a message is kept until every consumer that existed when it was
 * published has acked it, and one published while no consumer exists is not kept at all (the
 * memory bus behaves the same). Retention cannot change after creation, so an existing stream
 * keeps whatever it was created with.
 */
export async function ensureStream(jsm: JetStreamManager, spec: NatsStreamSpec, logger: BusLogger): Promise<void> {
  if (!streamName.test(spec.name)) throw new InputError(`invalid stream name '${spec.name}': letters, digits, '_' or '-'`);
  spec.subjects.forEach(assertSubjectPattern);
  const owned = {
    subjects: spec.subjects,
    max_age: nanos(spec.maxAgeMs ?? weekMs),
    duplicate_window: nanos(spec.duplicateWindowMs ?? 120_000),
  };
  try {
    await jsm.streams.add({ name: spec.name, retention: RetentionPolicy.Interest, storage: StorageType.File, ...owned });
    return;
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === streamNameInUse)) throw error;
  }
  const { config } = await jsm.streams.info(spec.name);
  const same =
    config.max_age === owned.max_age &&
    config.duplicate_window === owned.duplicate_window &&
    [...config.subjects].sort().join(' ') === [...owned.subjects].sort().join(' ');
  if (same) return;
  logger.info({ stream: spec.name, from: config.subjects, to: owned.subjects }, 'updating JetStream stream to its declared configuration');
  await jsm.streams.update(spec.name, { ...config, ...owned });
}

/**
 * The one stream whose subjects overlap `pattern`. NATS 2.9 consumers filter on a single subject,
 * so a subscription cannot span streams.
 */
export async function findStreamFor(jsm: JetStreamManager, pattern: string): Promise<string> {
  const names: string[] = [];
  for await (const name of jsm.streams.names(pattern)) names.push(name);
  if (names.length === 1 && names[0] !== undefined) return names[0];
  if (names.length === 0) throw new InputError(`no JetStream stream captures '${pattern}': declare one in connectNatsBus({ stream })`, { details: { subject: pattern } });
  throw new InputError(`'${pattern}' spans streams ${names.join(', ')}: subscribe once per stream`, { details: { subject: pattern } });
}

export interface DurableConsumerSpec {
  durable: string;
  filterSubject: string;
  ackWaitMs: number;
  maxDeliver: number | undefined;
  maxAckPending: number;
  inactiveThresholdMs?: number;
}

/**
 * Creates the durable pull consumer, or updates it to this spec. New consumers start at messages
 * published from now on; an existing one keeps its position (that is how a restart resumes).
 */
export async function ensureDurableConsumer(jsm: JetStreamManager, stream: string, spec: DurableConsumerSpec): Promise<void> {
  const updatable = {
    filter_subject: spec.filterSubject,
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: spec.maxDeliver ?? -1,
    max_ack_pending: spec.maxAckPending,
    ...(spec.inactiveThresholdMs === undefined ? {} : { inactive_threshold: nanos(spec.inactiveThresholdMs) }),
  } satisfies Partial<ConsumerConfig>;
  try {
    // 2.9 treats a create of an existing durable as create-or-update; 2.10+ refuses a differing
    // config with "consumer already exists", hence the explicit update below.
    await jsm.consumers.add(stream, { durable_name: spec.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, ...updatable });
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === consumerAlreadyExists)) throw error;
    await jsm.consumers.update(stream, spec.durable, updatable);
  }
}
