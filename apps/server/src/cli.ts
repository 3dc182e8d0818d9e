#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, installShutdown, migrate, openDatabase, readEnvironment, createLogger } from '@flowgate/kernel';
import { migrationSets, platformModules } from './modules.js';
import { loadPlatformConfig, startPlatform } from './platform.js';
import { runSplit } from './supervisor/supervisor.js';

const usage = `Usage:
  flowgate start [--only <module,...>]   run the platform (all modules), or only the named ones
  flowgate split [--replicas m=n,...] [--base-port p]
                                          run every module as its own supervised service behind a
                                          gateway on FLOWGATE_PORT; modules on --base-port onwards
                                          (default FLOWGATE_PORT + 1), --replicas engine=2,logs=2
                                          gives modules more processes. Needs FLOWGATE_DATABASE_URL
                                          and FLOWGATE_NATS_URL
  flowgate migrate                        apply every module's database migrations and exit

Modules: gateway, ${platformModules.map((m) => m.name).join(', ')}. A module that does not run here is
reached at FLOWGATE_<MODULE>_URL. See README.md for all FLOWGATE_* variables.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      only: { type: 'string' },
      replicas: { type: 'string' },
      'base-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0] ?? 'start';
  if (values.help || command === 'help') {
    console.log(usage);
    return 0;
  }
  const env = readEnvironment();
  if (command === 'migrate') {
    const { core } = loadPlatformConfig(env);
    const logger = createLogger({ level: core.logLevel, pretty: process.stdout.isTTY });
    const db = await openDatabase({ url: core.databaseUrl, dataDir: core.dataDir, logger });
    try {
      for (const module of migrationSets) {
        const { applied } = await migrate(db, module);
        logger.info({ module: module.name, applied }, applied.length ? 'migrations applied' : 'up to date');
      }
    } finally {
      await db.close();
    }
    return 0;
  }
  if (command === 'split') return runSplit({ env, replicas: values.replicas, basePort: values['base-port'], pretty: process.stdout.isTTY });
  if (command !== 'start') {
    console.error(`flowgate: unknown command ${JSON.stringify(command)}\n\n${usage}`);
    return 2;
  }
  const only = values.only?.split(',').map((m) => m.trim()).filter(Boolean);
  // Started by `flowgate split`: the IPC channel closes when the supervisor is gone, however it
  // went, and a service must not outlive it (SIGTERM: a graceful stop once started, at once before).
  if (process.send) {
    const orphaned = () => {
      console.error('flowgate: the supervisor is gone: shutting down');
      process.kill(process.pid, 'SIGTERM');
    };
    // It may have gone while this process was still loading (the channel is then null already).
    process.channel?.unref();
    if (process.connected) process.once('disconnect', orphaned);
    else orphaned();
  }
  const platform = await startPlatform({ env, only, pretty: process.stdout.isTTY });
  const { core } = loadPlatformConfig(env);
  installShutdown({ logger: platform.app.log as never, graceMs: core.shutdownGraceMs, close: () => platform.close() });
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    // A configuration problem is one line naming the variable; anything else is a start-up failure.
    if (error instanceof ConfigError) console.error(`flowgate: configuration error: ${error.message}`);
    else console.error(`flowgate: failed to start: ${(error as Error)?.stack ?? error}`);
    process.exit(1);
  },
);
