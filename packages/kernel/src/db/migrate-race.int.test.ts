import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { postgresTest, testDatabaseUrl } from '../testing/postgres.js';
import { dropScratchModule } from './test-fixtures/scratch-module.js';

const childScript = fileURLToPath(new URL('./test-fixtures/migrate-child.ts', import.meta.url));
const raceMigrations = fileURLToPath(new URL('./test-fixtures/race-migrations', import.meta.url));
// vite-node ships with Vitest and runs the child's TypeScript as Vitest runs ours.
const viteNode = createRequire(import.meta.url).resolve('vite-node/vite-node.mjs');

type ChildMessage = { ready: true } | { applied: string[] } | { error: string };

/** A child process migrating `module`; `next()` resolves to its next message. */
function startMigrator(module: string) {
  const child: ChildProcess = spawn(process.execPath, [viteNode, childScript, testDatabaseUrl(), module, raceMigrations], {
    stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
  });
  const messages: ChildMessage[] = [];
  const waiting: Array<(message: ChildMessage) => void> = [];
  child.on('message', (message: ChildMessage) => {
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    next: () =>
      new Promise<ChildMessage>((resolve, reject) => {
        const queued = messages.shift();
        if (queued) return resolve(queued);
        waiting.push(resolve);
        void exited.then(([code]) => reject(new Error(`migrator exited with code ${code} before answering`)));
      }),
    go: () => child.send({ go: true }),
    exited,
    kill: () => child.kill(),
  };
}

describe('migrate from two processes at once', () => {
  postgresTest('applies each migration exactly once; the process that waited applies nothing', { timeout: 60_000 }, async ({ pg }) => {
    const module = `race_${randomBytes(6).toString('hex')}`;
    const migrators = [startMigrator(module), startMigrator(module)];
    try {
      // 1. Both connect first, so neither gets a head start from a slower start-up.
      expect(await Promise.all(migrators.map((migrator) => migrator.next()))).toEqual([{ ready: true }, { ready: true }]);
      // 2. Both migrate together; 0002 sleeps while holding the lock, so the other must wait for it.
      migrators.forEach((migrator) => migrator.go());
      const results = await Promise.all(migrators.map((migrator) => migrator.next()));
      const exits = await Promise.all(migrators.map((migrator) => migrator.exited));

      expect(exits.map(([code]) => code)).toEqual([0, 0]);
      expect(results).toHaveLength(2);
      expect(results).toEqual(
        expect.arrayContaining([{ applied: [] }, { applied: ['0001_create_run_log.sql', '0002_slow_step.sql', '0003_seed_widgets.sql'] }]),
      );
      // Each file logs itself when it runs: a second run of any of them would show here.
      expect(await pg.query(`SELECT migration FROM ${module}.run_log ORDER BY migration`)).toEqual([
        { migration: '0001' },
        { migration: '0002' },
        { migration: '0003' },
      ]);
      expect(await pg.query('SELECT count(*) AS n FROM flowgate.migrations WHERE module = $1', [module])).toEqual([{ n: '3' }]);
    } finally {
      migrators.forEach((migrator) => migrator.kill());
      await dropScratchModule(pg, module);
    }
  });
});
