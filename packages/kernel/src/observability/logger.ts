import { destination as fileDestination, pino, stdTimeFunctions, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';
import { createPrettyStream } from './pretty-stream.js';
import { currentTraceId } from './span.js';

export type { Logger } from 'pino';

/** Where secrets hide in logged objects; each is written as `[redacted]`. */
export const REDACTED_PATHS = [
  'password',
  'api_key',
  'token',
  'access_token',
  'refresh_token',
  'key',
  'secret',
  '*.password',
  '*.api_key',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.key',
  '*.secret',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Human-readable lines instead of JSON; meant for a TTY, decided by the caller. */
  pretty?: boolean;
  /** Defaults to stdout. */
  destination?: DestinationStream;
  /** Fields on every line (none by default: no pid, no hostname). */
  base?: Record<string, unknown>;
  /** Adds `trace_id` of the active span to every line (default true). */
  traceIds?: boolean;
}

/**
 * Creates the root logger: pino, one JSON object per line, ISO `time`, `level` as a label,
 * secrets redacted, `trace_id` from the active trace. Modules log through a child:
 * `logger.child({ module: 'logs' })`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.pretty
    ? createPrettyStream(options.destination ?? process.stdout)
    : (options.destination ?? fileDestination(1));
  return pino(
    {
      level: options.level,
      base: options.base ?? null,
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin:
        options.traceIds === false
          ? undefined
          : () => {
              const traceId = currentTraceId();
              return traceId === undefined ? {} : { trace_id: traceId };
            },
    },
    destination,
  );
}
