import { isUuid } from '@flowgate/kernel';
import type { SqlExecutor } from '@flowgate/kernel';

export interface UsageItem {
  id: string;
  count: number;
  last_used_at: string;
}

/** Folds repeated ids into one entry: an UPDATE … FROM applies only one source row per target row. */
function fold(items: readonly UsageItem[]): Array<{ id: string; count: number; last_used_at: string }> {
  const byId = new Map<string, { count: number; lastUsedAt: number }>();
  for (const item of items) {
    const at = Date.parse(item.last_used_at);
    if (!isUuid(item.id) || Number.isNaN(at) || !(item.count > 0)) continue;
    const seen = byId.get(item.id);
    byId.set(item.id, seen ? { count: seen.count + item.count, lastUsedAt: Math.max(seen.lastUsedAt, at) } : { count: item.count, lastUsedAt: at });
  }
  return [...byId].map(([id, { count, lastUsedAt }]) => ({ id, count, last_used_at: new Date(lastUsedAt).toISOString() }));
}

/**
 * Adds a batch of usage counts gathered by the gateway in one statement, whatever its size: the
 * batch travels as one JSON parameter. Ids of keys that no longer exist are ignored.
 */
export async function applyUsage(executor: SqlExecutor, items: readonly UsageItem[]): Promise<void> {
  const batch = fold(items);
  if (batch.length === 0) return;
  await executor.query(
    `update identity.api_keys as k
        set use_count = k.use_count + v.count,
            last_used_at = greatest(k.last_used_at, v.last_used_at)
       from jsonb_to_recordset($1::jsonb) as v(id uuid, count bigint, last_used_at timestamptz)
      where k.id = v.id`,
    [JSON.stringify(batch)],
  );
}
