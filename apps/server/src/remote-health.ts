import type { HealthCheckOutcome, HttpTransport } from '@flowgate/kernel';

/**
 * A remote module is healthy when any replica says it is ready. The probe goes around the
 * breaker on purpose: it is how the gateway notices a module has come back.
 */
export async function checkRemoteModule(urls: readonly string[], transport: HttpTransport): Promise<HealthCheckOutcome> {
  const failures: string[] = [];
  for (const url of urls) {
    try {
      const started = performance.now();
      const response = await fetch(`${url}/health?scope=self`, { signal: AbortSignal.timeout(1500) });
      const body = (await response.json()) as { status?: string; version?: string };
      if (response.ok && body.status !== 'down') return { ok: true, latencyMs: performance.now() - started, version: body.version };
      failures.push(`${url}: ${body.status ?? response.status}`);
    } catch (error) {
      failures.push(`${url}: ${(error as Error).message}`);
    }
  }
  return { ok: false, detail: `${failures.join('; ')} (circuit ${transport.breakerState()})` };
}
