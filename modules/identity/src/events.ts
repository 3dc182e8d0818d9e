import type { Bus, Logger } from '@flowgate/kernel';

/** Publishes a change after it was committed. */
export type PublishChange = (subject: string, data: Record<string, string>) => Promise<void>;

/**
 * Change events only tell caches elsewhere to drop an entry early; those caches expire on their
 * own, so a bus that cannot take the event now must not fail a change already committed.
 */
export function changePublisher(bus: Bus | undefined, logger: Pick<Logger, 'warn'>): PublishChange {
  return async (subject, data) => {
    if (!bus) return;
    try {
      await bus.publish(subject, data);
    } catch (error) {
      logger.warn({ err: error, subject, ...data }, 'could not publish an identity change; caches will catch up when their entries expire');
    }
  };
}
