import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { test } from 'vitest';
import { requireService } from './services.js';

const HOST = '127.0.0.1';
const PORT = 4222;

// One probe per test file: every test then knows at once whether NATS is there.
let availability: ReturnType<typeof requireService> | undefined;

export interface NatsFixtures {
  /** `nats://127.0.0.1:4222`; the test is skipped (or fails under CI=true) when NATS is absent. */
  natsUrl: string;
  /**
   * A token unique to this test (`t` + hex), valid in subjects and stream names. Name streams
   * and subjects with it; every stream whose name starts with it is deleted when the test ends.
   */
  natsPrefix: string;
}

/** A Vitest `test` whose fixtures hand it a real NATS JetStream on its default local port. */
export const natsTest = test.extend<NatsFixtures>({
  natsUrl: async ({ skip }, use) => {
    availability ??= requireService('NATS', HOST, PORT);
    const status = await availability;
    if (status.skip) skip(status.reason);
    await use(`nats://${HOST}:${PORT}`);
  },

  natsPrefix: async ({ natsUrl }, use) => {
    const prefix = `t${randomBytes(6).toString('hex')}`;
    await use(prefix);
    const connection = await connect({ servers: natsUrl });
    try {
      const manager = await jetstreamManager(connection);
      const names: string[] = [];
      for await (const name of manager.streams.names()) names.push(name);
      for (const name of names.filter((name) => name.startsWith(prefix))) await manager.streams.delete(name);
    } finally {
      await connection.close();
    }
  },
});
