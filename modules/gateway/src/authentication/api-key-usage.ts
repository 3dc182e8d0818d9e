import type { Logger } from 'pino';
import type { IdentityApi } from '@flowgate/identity/contract';
import { gatewayCall } from './authenticator.js';

/**
 * Counts API-key uses in memory and hands them to identity in one batch every few seconds, so
 * `last_used_at` and `use_count` stay current without a database write per request.
 */
export function createApiKeyUsage(options: { identity: () => IdentityApi; logger: Logger; flushMs?: number; clock?: () => number }) {
  const clock = options.clock ?? Date.now;
  // Times stay numbers on the hot path; they become timestamps once per flush.
  let pending = new Map<string, { count: number; lastUsedAt: number }>();
  let flushing: Promise<void> | undefined;

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const items = [...batch].map(([id, usage]) => ({ id, count: usage.count, last_used_at: new Date(usage.lastUsedAt).toISOString() }));
    try {
      await options.identity().recordApiKeyUsage({ items }, gatewayCall('api-key-usage'));
    } catch (error) {
      // Put the counts back so the next flush carries them; nothing is lost for a brief outage.
      for (const [id, usage] of batch) {
        const current = pending.get(id);
        pending.set(id, { count: usage.count + (current?.count ?? 0), lastUsedAt: current?.lastUsedAt ?? usage.lastUsedAt });
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
      const at = clock();
      if (current) {
        current.count += 1;
        current.lastUsedAt = at;
      } else pending.set(apiKeyId, { count: 1, lastUsedAt: at });
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
