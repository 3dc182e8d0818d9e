import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe } from 'vitest';
import { createScratchDatabase, requireService, testDatabaseUrl, type ScratchDatabase } from '@flowgate/kernel/testing';
import { startSplit, type SplitProcess } from './split-process.js';
import { defineApiSuite, suiteEnv } from './suite/index.js';

/**
 * The whole black-box suite against `flowgate split`: identity, workflows, logs and engine each a
 * process of its own behind a gateway, on PostgreSQL and NATS. Without them the suite is skipped
 * with the reason (and fails under CI=true, where requireService throws).
 */
const NATS_URL = 'nats://127.0.0.1:4222';
const postgres = new URL(testDatabaseUrl());
const unavailable =
  [await requireService('NATS', '127.0.0.1', 4222), await requireService('PostgreSQL', postgres.hostname, Number(postgres.port || 5432))].find((s) => s.skip)?.reason;

let database: ScratchDatabase | null = null;
let split: SplitProcess | undefined;
/** Other platforms on this NATS server have their own log consumer. */
const logsConsumer = `logs-e2e-${randomBytes(4).toString('hex')}`;

describe.skipIf(unavailable !== undefined)('split topology (PostgreSQL, NATS)', () => {
  beforeAll(async () => {
    database = await createScratchDatabase('fg_e2e');
    if (!database) throw new Error('PostgreSQL went away');
    split = await startSplit([], {
      ...suiteEnv,
      FLOWGATE_DATABASE_URL: database.url,
      FLOWGATE_NATS_URL: NATS_URL,
      FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64'),
      FLOWGATE_PASSWORD_HASH_COST: '10',
      FLOWGATE_LOGS_CONSUMER: logsConsumer,
    });
  }, 120_000);

  afterAll(async () => {
    if (split) {
      const stopped = await Promise.race([split.stop('SIGINT').then(() => true), sleep(30_000).then(() => false)]);
      if (!stopped) split.kill();
    }
    await database?.drop();
    // A durable nobody consumes would make the interest-retention stream keep every run event.
    const connection = await connect({ servers: NATS_URL });
    try {
      await (await jetstreamManager(connection)).consumers.delete('ENGINE', logsConsumer).catch(() => undefined);
    } finally {
      await connection.close();
    }
  }, 60_000);

  defineApiSuite(() => {
    if (!split) throw new Error('the split topology did not start (see beforeAll)');
    return { url: split.url, topology: 'split' };
  });
});
