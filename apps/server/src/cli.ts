#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, installShutdown, migrate, openDatabase, readEnvironment, createLogger } from '@flowgate/kernel';
import { migrationSets, platformModules } from './modules.js';
import { loadPlatformConfig, startPlatform } from './platform.js';

const usage = `Usage:
  flowgate start [--only <module,...>]   run the platform (all modules), or only the named ones
  flowgate migrate                        apply every module's database migrations and exit

Modules: gateway, ${platformModules.map((m) => m.name).join(', ')}. A module that does not run here is
reached at FLOWGATE_<MODULE>_URL. See README.md for all FLOWGATE_* variables.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { only: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
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
  if (command !== 'start') {
    console.error(`flowgate: unknown command ${JSON.stringify(command)}\n\n${usage}`);
    return 2;
  }
  const only = values.only?.split(',').map((m) => m.trim()).filter(Boolean);
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
