import type { HealthCheckOutcome, HttpTransport, ReplicaReport } from '@flowgate/kernel';

/** One replica's own readiness (`scope=self`: not the modules it reaches in turn). */
async function checkReplica(url: string): Promise<ReplicaReport> {
  const started = performance.now();
  try {
    const response = await fetch(`${url}/health?scope=self`, { signal: AbortSignal.timeout(1500) });
    const body = (await response.json()) as { status?: string; version?: string };
    const ok = response.ok && body.status !== 'down';
    return { url, ok, latency_ms: performance.now() - started, version: body.version ?? null, detail: ok ? null : `status ${body.status ?? response.status}` };
  } catch (error) {
    return { url, ok: false, latency_ms: null, version: null, detail: (error as Error).message };
  }
}

/**
 * A remote module is healthy when any replica is; each replica is reported. The probes go around
 * the breaker on purpose: they are how the gateway notices a module has come back.
 */
export async function checkRemoteModule(urls: readonly string[], transport: HttpTransport): Promise<HealthCheckOutcome> {
  const replicas = await Promise.all(urls.map(checkReplica));
  const healthy = replicas.filter((r) => r.ok);
  if (healthy.length === 0) {
    return { ok: false, replicas, detail: `${replicas.map((r) => `${r.url}: ${r.detail}`).join('; ')} (circuit ${transport.breakerState()})` };
  }
  const fastest = Math.min(...healthy.map((r) => r.latency_ms ?? Infinity));
  return { ok: true, replicas, latencyMs: fastest, version: healthy[0]!.version ?? undefined };
}
