import { Writable } from 'node:stream';

const COLORS: Record<string, string> = {
  trace: '\x1b[90m',
  debug: '\x1b[36m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[35m',
};
const RESET = '\x1b[0m';

/** Turns one pino JSON line into `HH:MM:SS.mmm LEVEL [module] message {rest}`. */
export function formatPretty(line: string, colors: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, module, msg, ...rest } = record;
  const label = String(level ?? '').toUpperCase().padEnd(5);
  const clock = typeof time === 'string' ? time.slice(11, 23) : '';
  const color = colors ? (COLORS[String(level)] ?? '') : '';
  const parts = [clock, color ? `${color}${label}${RESET}` : label];
  if (module !== undefined) parts.push(`[${String(module)}]`);
  if (msg !== undefined) parts.push(String(msg));
  if (Object.keys(rest).length > 0) parts.push(JSON.stringify(rest));
  return parts.filter((part) => part !== '').join(' ');
}

/**
 * A destination for humans at a terminal (pino-pretty is not a dependency). It formats on the
 * main thread, so keep it for development; production logs stay JSON.
 */
export function createPrettyStream(output: { write(text: string): unknown }, colors = true): Writable {
  let pending = '';
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line !== '') output.write(`${formatPretty(line, colors)}\n`);
      done();
    },
  });
}
