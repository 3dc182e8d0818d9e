import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFlowgate } from './flowgate-process.js';

describe('flowgate migrate', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-migrate-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = { FLOWGATE_DATA_DIR: dataDir, FLOWGATE_LOG_LEVEL: 'info' };
  const linesOf = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as { module?: string; applied?: string[]; msg: string });

  it('applies every module\'s migrations once, and nothing on a second run', async () => {
    const first = await runFlowgate(['migrate'], env);
    expect(first.code).toBe(0);
    const applied = linesOf(first.stdout).filter((l) => l.msg === 'migrations applied');
    expect(applied.map((l) => l.module).sort()).toEqual(['gateway', 'identity', 'logs', 'workflows']);
    expect(applied.every((l) => (l.applied?.length ?? 0) > 0)).toBe(true);

    const second = await runFlowgate(['migrate'], env);
    expect(second.code).toBe(0);
    expect(linesOf(second.stdout).filter((l) => l.msg === 'up to date').map((l) => l.module).sort()).toEqual(['gateway', 'identity', 'logs', 'workflows']);
  });

  it('rejects an unknown command with the usage', async () => {
    const result = await runFlowgate(['launch'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('flowgate start');
  });
});
