import type { Answer } from '../../api/types';

export type RunSummary = Answer<'/api/v1/workflows/{id}/runs', 'get'>['items'][number];
export type RunStatusFilter = RunSummary['status'];
export type RunTrigger = RunSummary['trigger'];

export const runStatuses: readonly RunStatusFilter[] = ['running', 'succeeded', 'failed', 'cancelled'];
export const runTriggers: readonly RunTrigger[] = ['api', 'deployment', 'schedule', 'console', 'sub_workflow'];

export const triggerLabels: Record<RunTrigger, string> = {
  api: 'API',
  deployment: 'Deployment',
  schedule: 'Schedule',
  console: 'Console',
  sub_workflow: 'Sub-workflow',
};

/**
 * The runs list's state, all of it in the URL so that a reload or a shared link shows the same
 * page: the filters, and the cursors of the pages before this one (`after`, oldest first), since
 * the API's cursors only go forward.
 */
export interface RunsView {
  status: RunStatusFilter | undefined;
  trigger: RunTrigger | undefined;
  /** Cursors that led to this page; the last one is this page's cursor. */
  after: string[];
}

export function runsViewOf(params: URLSearchParams): RunsView {
  const status = params.get('status');
  const trigger = params.get('trigger');
  return {
    status: runStatuses.find((value) => value === status),
    trigger: runTriggers.find((value) => value === trigger),
    after: params.getAll('after').filter(Boolean),
  };
}

export function searchOf(view: RunsView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.status) params.set('status', view.status);
  if (view.trigger) params.set('trigger', view.trigger);
  for (const cursor of view.after) params.append('after', cursor);
  return params;
}
