export { DEFAULT_MAX_RUN_DEPTH, DEFAULT_RUN_TIMEOUT_MS, executeGraph, type ExecuteGraphOptions, type RunResult } from './execute-graph.js';
export { CompiledGraph, compileGraph } from './plan.js';
export { MAX_BACKOFF_MS, NodeTimeoutError, RunAbortError } from './attempts.js';
export * from './events.js';
