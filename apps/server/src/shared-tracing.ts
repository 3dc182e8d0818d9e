import { startTracing, type Tracing, type TracingOptions } from '@flowgate/kernel';

// Tracing is process-wide; several platforms in one process (tests) share the first one's.
let users = 0;
let shared: Promise<Tracing> | undefined;

/** Starts tracing, or joins the process's running tracing; the last user to leave shuts it down. */
export async function acquireTracing(options: TracingOptions): Promise<Pick<Tracing, 'shutdown'>> {
  users++;
  shared ??= startTracing(options);
  const tracing = await shared;
  return {
    async shutdown() {
      if (--users > 0) return;
      shared = undefined;
      await tracing.shutdown();
    },
  };
}
