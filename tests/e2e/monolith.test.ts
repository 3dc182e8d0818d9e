import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFlowgate, startFlowgate, type FlowgateProcess } from './flowgate-process.js';
import { defineApiSuite, suiteEnv } from './suite/index.js';

/** The whole black-box suite against `flowgate start`: every module in one process (embedded profile). */
let flowgate: FlowgateProcess | undefined;

beforeAll(async () => {
  flowgate = await startFlowgate(['start'], suiteEnv);
});
afterAll(async () => {
  await flowgate?.stop();
});

const running = () => {
  if (!flowgate) throw new Error('flowgate did not start (see beforeAll)');
  return flowgate;
};

defineApiSuite(() => ({ url: running().url, topology: 'monolith' }));

describe('the monolith process', () => {
  it('refuses a second process on the same data directory', async () => {
    const second = await runFlowgate(['start'], { FLOWGATE_DATA_DIR: running().dataDir, FLOWGATE_PORT: '0' });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/in use by another Flowgate process/);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await running().stop('SIGTERM')).toBe(0);
    expect(running().output()).toContain('shut down cleanly');
  });
});

describe('flowgate with a bad configuration', () => {
  it('refuses to start with one line naming the variable', async () => {
    const result = await runFlowgate(['start'], { FLOWGATE_PORT: 'eighty' });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/FLOWGATE_PORT/);
  });

  it('names the missing URL of a module that does not run here', async () => {
    const result = await runFlowgate(['start', '--only', 'gateway'], { FLOWGATE_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/FLOWGATE_IDENTITY_URL/);
  });
});
