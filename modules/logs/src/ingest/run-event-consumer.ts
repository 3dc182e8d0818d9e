import { spanForBatch, withBatchSpan, type BatchMember, type Bus, type BusMessage, type Connection, type Logger, type Metrics, type Subscription } from '@flowgate/kernel';
import { toRecordBatch } from './record-batch.js';
import { writeRecordBatch } from './record-writer.js';
import { decodeRunEvent, runEventSubjects, type RunEvent } from './run-events.js';

export interface RunEventConsumerOptions {
  bus: Bus;
  db: Connection;
  logger: Logger;
  metrics: Metrics;
  /** Events per transaction at most. */
  batchSize: number;
  /** How long the first event of a batch waits before the batch is written anyway. */
  flushMs: number;
  /** Replicas of the log system share this durable consumer, and so split the work. */
  durable: string;
  /** Writes a batch; the default merges it into the tables (tests wrap it to observe or fail). */
  write?: (db: Connection, events: readonly RunEvent[]) => Promise<void>;
}

interface Pending {
  event: RunEvent;
  publishedAt: Date;
  /** The delivery's span in the run's trace, when spans are exported: linked with the batch's. */
  span: BatchMember | undefined;
  done: () => void;
  failed: (error: unknown) => void;
}

/** SQLSTATE classes of errors caused by the data itself: retrying the same rows cannot help. */
const dataErrorClasses = new Set(['22', '23']);
const isDataError = (error: unknown) => dataErrorClasses.has(String((error as { code?: unknown })?.code ?? '').slice(0, 2));

/**
 * The log system's consumer of run events. Each delivery's handler parks its event in the
 * current batch and returns only once the batch is committed, so the bus acks nothing that is
 * not stored: a crash between the write and the acks means a redelivery, which the merge makes
 * harmless. A batch is written when it is full or `flushMs` after its first event, one batch at
 * a time; the bus's handler slots (twice the batch) let the next batch fill during a write.
 *
 * Tracing: each event is handled in its run's trace (the bus's `process` span, which ends once
 * the event is committed); each batch is written in a `logs.ingest batch` span of its own trace,
 * holding the database spans, linked both ways with the runs' traces.
 */
export class RunEventConsumer {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private subscription: Subscription | undefined;
  private readonly write: (db: Connection, events: readonly RunEvent[]) => Promise<void>;
  private readonly ingested;
  private readonly rejected;
  private readonly lag;

  constructor(private readonly options: RunEventConsumerOptions) {
    this.write = options.write ?? ((db, events) => writeRecordBatch(db, toRecordBatch(events)));
    this.ingested = options.metrics.counter('logs_events_ingested_total', 'Run events committed to the log tables');
    this.rejected = options.metrics.counter('logs_events_rejected_total', 'Run events dropped because they cannot be recorded (malformed)');
    this.lag = options.metrics.gauge('logs_ingest_lag_seconds', 'Age of the oldest event of the last committed batch, from publish to commit');
  }

  async start(): Promise<void> {
    const { batchSize } = this.options;
    this.subscription = await this.options.bus.subscribe(
      runEventSubjects,
      // Writes are idempotent, so acks need no confirmation, and a crashed consumer's unacked
      // events come back after 20 s (a batch commits in well under a second).
      { durable: this.options.durable, batch: batchSize * 2, maxAckPending: batchSize * 8, ackWaitMs: 20_000, confirmAcks: false },
      (message) => this.receive(message),
    );
  }

  /**
   * Stops consuming. What the in-process bus still holds for the log system is written first
   * (up to `timeoutMs`), since it would be lost with the process; JetStream keeps the rest.
   */
  async stop(timeoutMs = 5_000): Promise<void> {
    await this.subscription?.drain(timeoutMs);
    await this.subscription?.stop();
  }

  private receive(message: BusMessage<unknown>): Promise<void> {
    const event = decodeRunEvent(message);
    if ('problem' in event) {
      // Not a run event this module records (or a malformed one): acked, so it cannot block the rest.
      if (message.subject.startsWith('engine.run.') || message.subject.startsWith('engine.node.') || message.subject.startsWith('engine.llm.')) {
        this.rejected.inc();
        this.options.logger.warn({ subject: message.subject, message_id: message.id, problem: event.problem }, 'run event cannot be recorded: dropped');
      }
      return Promise.resolve();
    }
    return new Promise<void>((done, failed) => {
      this.pending.push({ event, publishedAt: message.publishedAt, span: spanForBatch(), done, failed });
      if (this.pending.length >= this.options.batchSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.flushMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // A write in progress picks up what is pending when it ends.
    this.writing ??= this.writeAll().finally(() => (this.writing = undefined));
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchSize);
      await withBatchSpan('logs.ingest batch', { 'logs.batch.events': batch.length }, batch.map((p) => p.span), () => this.writeIsolatingBadEvents(batch));
    }
  }

  /**
   * Writes a batch. When the data itself is refused, halves are retried so one bad event is found
   * and dropped (logged) rather than blocking the log forever; any other failure (database away)
   * fails the batch, and the bus redelivers it later.
   */
  private async writeIsolatingBadEvents(batch: Pending[]): Promise<void> {
    try {
      await this.write(this.options.db, batch.map((p) => p.event));
    } catch (error) {
      if (!isDataError(error)) {
        this.options.logger.warn({ err: error, events: batch.length }, 'could not write run events: they will be redelivered');
        for (const p of batch) p.failed(error);
        return;
      }
      if (batch.length === 1) {
        this.rejected.inc();
        this.options.logger.error({ err: error, run_id: batch[0]!.event.data.run_id, seq: batch[0]!.event.seq }, 'run event refused by the database: dropped');
        batch[0]!.done();
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.writeIsolatingBadEvents(batch.slice(0, half));
      await this.writeIsolatingBadEvents(batch.slice(half));
      return;
    }
    this.ingested.inc(batch.length);
    const oldest = Math.min(...batch.map((p) => p.publishedAt.getTime()));
    this.lag.set((Date.now() - oldest) / 1000);
    for (const p of batch) p.done();
  }
}
