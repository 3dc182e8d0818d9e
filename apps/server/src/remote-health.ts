import type { HealthCheckOutcome, HttpTransport, ReadyReport, ReplicaReport, ScrapedExposition } from '@flowgate/kernel';

type ReplicaCheck = ReplicaReport & { dependencies: { name: string; ok: boolean }[] };

/** One replica's own readiness (`scope=self`: not the modules it reaches in turn). */
async function checkReplica(url: string): Promise<ReplicaCheck> {
  const started = performance.now();
  try {
    const response = await fetch(`${url}/health/ready?scope=self`, { signal: AbortSignal.timeout(1500) });
    const body = (await response.json()) as Partial<ReadyReport>;
    const ok = response.ok && body.ok === true;
    // Its non-critical checks (run events held back, say) degrade the platform, not the module.
    const dependencies = (body.checks ?? []).filter((c) => !c.critical).map(({ name, ok: passing }) => ({ name, ok: passing }));
    const failing = (body.checks ?? []).filter((c) => !c.ok).map((c) => c.name);
    const detail = failing.length > 0 ? `${body.status ?? response.status}: ${failing.join(', ')}` : ok ? null : `status ${body.status ?? response.status}`;
    return { url, ok, latency_ms: performance.now() - started, version: body.version ?? null, detail, dependencies };
  } catch (error) {
    return { url, ok: false, latency_ms: null, version: null, detail: (error as Error).message, dependencies: [] };
  }
}

/**
 * A remote module is healthy when any replica is; each replica is reported, and a non-critical
 * check fails when it fails on any healthy replica. The probes go around the breaker on purpose:
 * they are how the gateway notices a module has come back.
 */
export async function checkRemoteModule(urls: readonly string[], transport: HttpTransport): Promise<HealthCheckOutcome> {
  const checked = await Promise.all(urls.map(checkReplica));
  const replicas = checked.map(({ dependencies: _dependencies, ...replica }) => replica);
  const healthy = checked.filter((r) => r.ok);
  if (healthy.length === 0) {
    return { ok: false, replicas, detail: `${checked.map((r) => `${r.url}: ${r.detail}`).join('; ')} (circuit ${transport.breakerState()})` };
  }
  const dependencies = new Map<string, boolean>();
  for (const replica of healthy) for (const { name, ok } of replica.dependencies) dependencies.set(name, (dependencies.get(name) ?? true) && ok);
  const fastest = Math.min(...healthy.map((r) => r.latency_ms ?? Infinity));
  return {
    ok: true,
    replicas,
    dependencies: [...dependencies].map(([name, ok]) => ({ name, ok })),
    latencyMs: fastest,
    version: healthy[0]!.version ?? undefined,
  };
}

/**
 * Every remote replica's /metrics, labelled with its module and URL, for the gateway to serve with
 * its own: one scrape target shows the whole platform, as in the monolith. A replica that does
 * not answer within a second is left out of this scrape.
 */
export async function scrapeRemoteMetrics(remote: Record<string, string[]>): Promise<ScrapedExposition[]> {
  const targets = Object.entries(remote).flatMap(([service, urls]) => urls.map((instance) => ({ service, instance })));
  const scraped = await Promise.all(
    targets.map(async ({ service, instance }) => {
      try {
        const response = await fetch(`${instance}/metrics`, { signal: AbortSignal.timeout(1000) });
        return response.ok ? { labels: { service, instance }, text: await response.text() } : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return scraped.filter((exposition) => exposition !== undefined);
}
