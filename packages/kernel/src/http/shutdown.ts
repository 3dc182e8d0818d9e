import type { Logger } from 'pino';

/**
 * Graceful shutdown on SIGTERM and SIGINT: stop accepting, let in-flight requests finish, close
 * pools (the `close` callback), then exit. A second signal, or the grace period running out,
 * exits at once.
 */
export function installShutdown(options: { logger: Logger; graceMs: number; close: () => Promise<void>; exit?: (code: number) => void }) {
  const exitProcess = options.exit ?? ((code: number) => process.exit(code));
  let closing = false;
  let timer: NodeJS.Timeout | undefined;
  let exited = false;
  // Exit once: whichever of close, its failure, the grace period or a second signal comes first.
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    clearTimeout(timer);
    exitProcess(code);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      options.logger.warn({ signal }, 'second signal: exiting now');
      return exit(1);
    }
    closing = true;
    options.logger.info({ signal }, 'shutting down: draining requests');
    timer = setTimeout(() => {
      if (exited) return;
      options.logger.error({ grace_ms: options.graceMs }, 'shutdown grace period over: exiting');
      exit(1);
    }, options.graceMs);
    timer.unref();
    options
      .close()
      .then(() => {
        if (exited) return;
        options.logger.info('shut down cleanly');
        exit(0);
      })
      .catch((error: unknown) => {
        if (exited) return;
        options.logger.error({ err: error }, 'shutdown failed');
        exit(1);
      });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
