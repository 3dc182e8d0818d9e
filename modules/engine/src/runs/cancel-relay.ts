import type { Bus, Logger, Subscription } from '@flowgate/kernel';
import { uuidv7 } from 'uuidv7';
import type { RunService } from './run-service.js';

/** Control messages between engine replicas; not run events, so not under `engine.>` (the log system's feed). */
export const engineControlSubjects = {
  cancelRequested: 'engine-control.run.cancel_requested',
  cancelConfirmed: 'engine-control.run.cancel_confirmed',
} as const;

interface CancelMessage {
  run_id: string;
  /** Which request a confirmation answers. */
  ask_id: string;
}

/**
 * A cancel may reach any engine replica, but only the one running the run can stop it. A replica
 * that does not have the run asks the others over the bus and waits briefly for the one that
 * does to confirm. Every replica follows the control subjects with a consumer of its own.
 */
export class CancelRelay {
  private readonly waiting = new Map<string, () => void>();
  private subscription?: Subscription;

  constructor(
    private readonly options: { bus: Bus; runs: () => RunService; logger: Logger; confirmWithinMs?: number },
  ) {}

  async start() {
    this.subscription = await this.options.bus.subscribe<CancelMessage>(
      'engine-control.>',
      { durable: `engine-control-${uuidv7().replaceAll('-', '')}`, inactiveThresholdMs: 60_000, ackWaitMs: 5_000, maxDeliver: 3 },
      async ({ subject, data }) => {
        if (subject === engineControlSubjects.cancelConfirmed) this.waiting.get(data.ask_id)?.();
        else if (subject === engineControlSubjects.cancelRequested && this.options.runs().cancel(data.run_id)) {
          await this.options.bus.publish(engineControlSubjects.cancelConfirmed, data);
        }
      },
    );
  }

  /** True when another replica had the run in flight and is now cancelling it. */
  async cancelElsewhere(runId: string): Promise<boolean> {
    const askId = uuidv7();
    let timer: NodeJS.Timeout | undefined;
    const confirmed = new Promise<boolean>((resolve) => {
      this.waiting.set(askId, () => resolve(true));
      timer = setTimeout(() => resolve(false), this.options.confirmWithinMs ?? 2_000);
    });
    try {
      await this.options.bus.publish(engineControlSubjects.cancelRequested, { run_id: runId, ask_id: askId } satisfies CancelMessage);
      return await confirmed;
    } catch (error) {
      this.options.logger.warn({ err: error, run_id: runId }, 'could not ask the other engine replicas to cancel a run');
      return false;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(askId);
    }
  }

  async stop() {
    await this.subscription?.stop();
  }
}
