import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { formatPretty } from './pretty-stream.js';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('createLogger', () => {
  it('keeps passwords, API keys, tokens and credential headers out of the output', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination });
    logger.info(
      {
        password: 'top-level-hunter2',
        user: { email: 'ada@example.com', password: 'hunter2' },
        provider: { name: 'openai', api_key: 'sk-live-abcdef' },
        session: { refresh_token: 'rt-123', access_token: 'at-456' },
        req: { headers: { authorization: 'Bearer eyJ.secret', 'x-api-key': 'fg_key_789', cookie: 'sid=s3cr3t', accept: 'application/json' } },
      },
      'login attempt',
    );
    const output = lines.join('');
    for (const secret of ['hunter2', 'sk-live-abcdef', 'rt-123', 'at-456', 'eyJ.secret', 'fg_key_789', 's3cr3t']) {
      expect(output).not.toContain(secret);
    }
    const record = JSON.parse(output);
    expect(record.user).toEqual({ email: 'ada@example.com', password: '[redacted]' });
    expect(record.provider.name).toBe('openai');
    expect(record.req.headers.accept).toBe('application/json');
    expect(record.req.headers.authorization).toBe('[redacted]');
  });

  it('writes one JSON object per line with an ISO time, a level label and no pid or hostname', () => {
    const { lines, destination } = capture();
    createLogger({ level: 'info', destination }).warn({ run_id: 'r1' }, 'slow run');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const record = JSON.parse(lines[0]!);
    expect(record).toEqual({ level: 'warn', time: expect.any(String), run_id: 'r1', msg: 'slow run' });
    expect(new Date(record.time).toISOString()).toBe(record.time);
  });

  it('names the module through a child logger and keeps base fields that were passed', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination, base: { service: 'gateway' } });
    logger.child({ module: 'identity' }).info('user created');
    expect(JSON.parse(lines[0]!)).toMatchObject({ service: 'gateway', module: 'identity', msg: 'user created' });
  });

  it('drops lines below the configured level', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination });
    logger.debug('noise');
    logger.info('signal');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['signal']);
  });

  it('writes readable, still redacted lines when pretty', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'info', destination, pretty: true });
    logger.child({ module: 'engine' }).error({ token: 'tok-secret', run_id: 'r1' }, 'run failed');
    await new Promise((resolve) => setImmediate(resolve));
    const output = lines.join('');
    expect(output).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3} \S*ERROR\S* +\[engine\] run failed \{"token":"\[redacted\]","run_id":"r1"\}\n$/);
  });
});

describe('formatPretty', () => {
  it('formats without colours and passes through what is not JSON', () => {
    const line = JSON.stringify({ level: 'info', time: '2026-11-22T10:00:00.000Z', msg: 'started', port: 8000 });
    expect(formatPretty(line, false)).toBe('10:00:00.000 INFO  started {"port":8000}');
    expect(formatPretty('plain text', false)).toBe('plain text');
  });
});
