// A separate process that migrates one module, for the two-process race test. Started with
// vite-node and an IPC channel:  vite-node migrate-child.ts <database url> <module> <dir>
// It sends {ready: true} once connected, waits for a {go: true} message (so that both processes
// start migrating together), sends {applied: [...]} or {error: '...'}, then exits.
// Keep its stdin open until it exits: the Vite server inside vite-node ends the process when
// stdin closes.
import { once } from 'node:events';
import { migrate } from '../migrate.js';
import { openDatabase } from '../open-database.js';

const [url, moduleName, dir] = process.argv.slice(2);
if (url === undefined || moduleName === undefined || dir === undefined || process.send === undefined) {
  throw new Error('usage: vite-node migrate-child.ts <database url> <module name> <migrations dir>, spawned with an IPC channel');
}
const send = (message: object) => new Promise<void>((resolve) => process.send?.(message, () => resolve()));

const go = once(process, 'message');
const db = await openDatabase({ url, dataDir: 'memory://' });
try {
  await send({ ready: true });
  await go;
  const { applied } = await migrate(db, { name: moduleName, dir });
  await send({ applied });
} catch (error) {
  await send({ error: (error as Error).message });
  process.exitCode = 1;
} finally {
  await db.close();
  process.disconnect();
}
