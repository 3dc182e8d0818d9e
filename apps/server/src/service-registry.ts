import type { HealthRegistry } from '@flowgate/kernel';
import type { ServiceEntry } from '@flowgate/gateway';
import type { Placement } from './placement.js';

/** /api/v1/services: the gateway itself, then every module's latest health check (run every few seconds, see platform.ts). */
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
      ...(check.replicas
        ? { replicas: check.replicas.map((r) => ({ url: r.url, status: r.ok ? ('ok' as const) : ('down' as const), latency_ms: r.latency_ms, version: r.version, ...(r.detail ? { detail: r.detail } : {}) })) }
        : {}),
    });
  }
  return entries;
}
