import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `<url>/health/startup` until it answers 200. Rejects when `gone` settles first (the
 * process exited), when `signal` aborts, or after `timeoutMs`, saying which.
 */
export async function waitForStartup(url: string, options: { timeoutMs: number; signal: AbortSignal; gone: Promise<string> }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let goneReason: string | undefined;
  void options.gone.then((reason) => (goneReason = reason));
  for (;;) {
    if (goneReason !== undefined) throw new Error(goneReason);
    options.signal.throwIfAborted();
    try {
      const response = await fetch(`${url}/health/startup`, { signal: AbortSignal.any([options.signal, AbortSignal.timeout(1000)]) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // Not listening yet, or still starting: ask again.
    }
    if (Date.now() >= deadline) throw new Error(`not started after ${Math.round(options.timeoutMs / 1000)} s`);
    await Promise.race([sleep(100, undefined, { signal: options.signal }).catch(() => undefined), options.gone]);
  }
}
