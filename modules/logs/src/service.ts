import { isUuid, NotFoundError, type CallContext, type CursorCodec, type Database } from '@flowgate/kernel';
import type { LogsApi, PlatformStats, RunDetail, RunPage, WorkflowStats } from './contract.js';
import { getRunDetail } from './queries/run-detail.js';
import { readRunHistory } from './queries/run-history.js';
import { readRollups, statsRange, summarize, topWorkflows } from './stats/run-stats.js';

/** Whether the workflows module knows a workflow (asked only when the log has nothing on it). */
export type WorkflowExists = (workflowId: string, ctx: CallContext) => Promise<boolean>;

export interface LogsServiceOptions {
  db: Database;
  cursors: CursorCodec;
  workflowExists: WorkflowExists;
  clock?: () => Date;
}


/**
 * Run history, run detail and statistics, read from the records and rollups that the run event
 * consumer writes. A workflow the log has nothing on is a 404 unless the workflows module knows
 * it; a deleted workflow's runs stay readable until retention prunes them. Both run lists are
 * one query: a workflow's runs are the runs of every workflow filtered to it.
 */
export class LogsService implements LogsApi {
  constructor(private readonly options: LogsServiceOptions) {}

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }

  private async assertWorkflowKnown(workflowId: string, ctx: CallContext): Promise<void> {
    if (!isUuid(workflowId) || !(await this.options.workflowExists(workflowId, ctx))) throw new NotFoundError(`Workflow ${workflowId} not found`);
  }

  async listWorkflowRuns(input: Parameters<LogsApi['listWorkflowRuns']>[0], ctx: CallContext): Promise<RunPage> {
    if (!isUuid(input.id)) throw new NotFoundError(`Workflow ${input.id} not found`);
    const { id, ...filters } = input;
    const page = await this.listRuns({ ...filters, workflow_id: id });
    if (page.items.length === 0 && input.cursor === undefined) await this.assertWorkflowKnown(input.id, ctx);
    return page;
  }

  async listRuns(input: Parameters<LogsApi['listRuns']>[0]): Promise<RunPage> {
    return readRunHistory(this.options.db, this.options.cursors, { workflowId: input.workflow_id, status: input.status, trigger: input.trigger, limit: input.limit ?? 50, cursor: input.cursor });
  }

  async getRun(input: { run_id: string }): Promise<RunDetail> {
    const run = isUuid(input.run_id) ? await getRunDetail(this.options.db, input.run_id) : undefined;
    if (!run) throw new NotFoundError(`Run ${input.run_id} not found`);
    return run;
  }

  async getWorkflowStats(input: Parameters<LogsApi['getWorkflowStats']>[0], ctx: CallContext): Promise<WorkflowStats> {
    const range = statsRange(input, this.now());
    if (!isUuid(input.id)) throw new NotFoundError(`Workflow ${input.id} not found`);
    const { whole, fine } = await readRollups(this.options.db, range, input.id);
    if (whole.length === 0) await this.assertWorkflowKnown(input.id, ctx);
    return { workflow_id: input.id, from: range.from.toISOString(), to: range.to.toISOString(), interval: range.interval, ...summarize(whole, fine, range) };
  }

  async getStats(input: Parameters<LogsApi['getStats']>[0]): Promise<PlatformStats> {
    const range = statsRange(input, this.now());
    const [{ whole, fine }, top] = await Promise.all([readRollups(this.options.db, range), topWorkflows(this.options.db, range)]);
    return { from: range.from.toISOString(), to: range.to.toISOString(), interval: range.interval, ...summarize(whole, fine, range), top_workflows: top };
  }
}
