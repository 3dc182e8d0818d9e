import type { Logger } from 'pino';
import type { IdentityApi } from '@flowgate/identity/contract';
import { gatewayCall } from './authenticator.js';

/**
 * Counts API-key uses in memory and hands them to identity in one batch every few seconds, so
 * `last_used_at` and `use_count` stay current without a database write per request.
 */
export function createApiKeyUsage(options: { identity: () => IdentityApi; logger: Logger; flushMs?: number; clock?: () => Date }) {
  const clock = options.clock ?? (() => new Date());
  let pending = new Map<string, { count: number; last_used_at: string }>();
  let flushing: Promise<void> | undefined;

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const items = [...batch].map(([id, usage]) => ({ id, ...usage }));
    try {
      await options.identity().recordApiKeyUsage({ items }, gatewayCall('api-key-usage'));
    } catch (error) {
      // Put the counts back so the next flush carries them; nothing is lost for a brief outage.
      for (const item of items) {
        const current = pending.get(item.id);
        pending.set(item.id, { count: item.count + (current?.count ?? 0), last_used_at: current?.last_used_at ?? item.last_used_at });
      }
      options.logger.warn({ err: error, keys: items.length }, 'recording API-key usage failed; will retry');
    }
  }

  const timer = setInterval(() => {
    flushing ??= flush().finally(() => (flushing = undefined));
  }, options.flushMs ?? 5_000);
  timer.unref();

  return {
    count(apiKeyId: string) {
      const current = pending.get(apiKeyId);
      const at = clock().toISOString();
      if (current) {
        current.count += 1;
        current.last_used_at = at;
      } else pending.set(apiKeyId, { count: 1, last_used_at: at });
    },
    /** Sends what is pending now (tests, shutdown). */
    async flush() {
      await flushing;
      await flush();
    },
    async stop() {
      clearInterval(timer);
      await this.flush();
    },
  };
}

export type ApiKeyUsage = ReturnType<typeof createApiKeyUsage>;
