import type { HealthRegistry } from '@flowgate/kernel';
import type { ServiceEntry } from '@flowgate/gateway';
import type { Placement } from './placement.js';

/** /api/v1/services: the gateway itself, then every module's latest health check. */
export async function servicesOf(health: HealthRegistry, placement: Placement): Promise<ServiceEntry[]> {
  const report = await health.detailed();
  const entries: ServiceEntry[] = [
    { name: 'gateway', mode: 'local', urls: [], url: null, status: 'ok', version: report.version, latency_ms: 0, last_check: new Date().toISOString() },
  ];
  for (const check of report.checks.filter((c) => c.kind === 'module')) {
    const urls = placement.remote[check.name] ?? [];
    entries.push({
      name: check.name,
      mode: urls.length > 0 ? 'remote' : 'local',
      urls,
      url: urls[0] ?? null,
      status: check.ok ? 'ok' : 'down',
      version: check.version ?? report.version,
      latency_ms: check.latency_ms,
      last_check: check.checked_at,
      ...(check.ok || !check.detail ? {} : { detail: check.detail }),
    });
  }
  return entries;
}
