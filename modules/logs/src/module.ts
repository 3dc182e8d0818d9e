import { fileURLToPath } from 'node:url';
import { createCursorCodec, defineModule, NotFoundError, type CallContext, type Principal } from '@flowgate/kernel';
import type { WorkflowsApi } from '@flowgate/workflows/contract';
import { logsConfig } from './config.js';
import { logsContract } from './contract.js';
import { RunEventConsumer } from './ingest/run-event-consumer.js';
import { RetentionPruner } from './retention/retention-pruner.js';
import { LogsService } from './service.js';

export * from './contract.js';
export { logsConfig, type LogsConfig } from './config.js';
export { RunEventConsumer } from './ingest/run-event-consumer.js';

/** Points at the package's `src/migrations` from src/ (tests) and from dist/ (built) alike. */
const migrations = fileURLToPath(new URL('../src/migrations', import.meta.url));

const logsPrincipal: Principal = { kind: 'service', user_id: 'logs', email: '', name: 'logs', role: 'admin' };

export const logsModule = defineModule({
  name: 'logs',
  contract: logsContract,
  config: logsConfig,
  needs: ['workflows'],
  migrations,
  async createLocal({ config, db, bus, logger, metrics, deriveKey, module }) {
    const consumer = config.ingest ? new RunEventConsumer({ bus, db, logger, metrics, batchSize: config.batchSize, flushMs: config.flushMs, durable: config.consumerName }) : undefined;
    await consumer?.start();
    const pruner = new RetentionPruner({ db, logger, retentionDays: config.retentionDays });
    pruner.start();
    const workflowExists = async (id: string, ctx: CallContext) => {
      try {
        await module<WorkflowsApi>('workflows').getWorkflow({ id }, { ...ctx, principal: logsPrincipal });
        return true;
      } catch (error) {
        if (error instanceof NotFoundError) return false;
        throw error;
      }
    };
    return {
      api: new LogsService({ db, cursors: createCursorCodec(deriveKey('logs-cursors')), workflowExists }),
      async stop() {
        await pruner.stop();
        await consumer?.stop();
      },
    };
  },
});
