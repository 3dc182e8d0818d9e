-- Logs: the list of every workflow's runs (GET /api/v1/runs), newest first, the cursor being
-- (started_at, run_id) as in runs_history_idx.
--
-- Two indexes, because one cannot serve both forms of the query: with only the first, a status
-- filter walks the index discarding other statuses, i.e. the whole index for a status that is
-- rare in recent history (`running`, or `failed` on a healthy platform); with only the second,
-- the list without a status has no index in its order and sorts the whole table.
-- Rows without started_at (run_started not yet ingested) are never listed.
--
-- Plain CREATE INDEX (a migration runs in a transaction): ingestion waits while they build,
-- about 0.3 s per 100,000 runs; the run events wait on the bus meanwhile, nothing is lost.

-- Every workflow's runs, newest first.
CREATE INDEX runs_recent_idx ON runs (started_at DESC, run_id DESC);
-- Every workflow's runs with one status (e.g. the dashboard's recent failures), newest first.
CREATE INDEX runs_status_recent_idx ON runs (status, started_at DESC, run_id DESC);
