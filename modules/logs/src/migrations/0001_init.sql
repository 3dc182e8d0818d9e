-- Logs: run, node and LLM-usage records built from the engine's run events, and hourly rollups
-- for statistics. Applied with the module's schema (logs) first on the search_path.
--
-- Events arrive in batches, possibly twice and out of order; every write is a merge that gives
-- the same row whatever the order (see src/ingest/record-writer.ts).

CREATE TABLE runs (
  run_id        uuid             PRIMARY KEY,
  -- Null until run_started is ingested (a later event may arrive first).
  workflow_id   uuid,
  version       integer,
  trigger       text,
  parent_run_id uuid,
  status        text             NOT NULL DEFAULT 'running',
  inputs        jsonb,
  outputs       jsonb,
  error         text,
  started_at    timestamptz,
  finished_at   timestamptz,
  elapsed_ms    double precision,
  total_tokens  bigint           NOT NULL DEFAULT 0,
  -- Counted in the hourly rollups: set once, when the run is both started and finished.
  rolled_up     boolean          NOT NULL DEFAULT false,
  recorded_at   timestamptz      NOT NULL DEFAULT now()
);
-- Run history: newest first per workflow, the cursor being (started_at, run_id).
CREATE INDEX runs_history_idx ON runs (workflow_id, started_at DESC, run_id DESC);
-- Retention: the age of a run, whichever of its times is known.
CREATE INDEX runs_age_idx ON runs ((coalesce(started_at, finished_at, recorded_at)));

CREATE TABLE node_runs (
  run_id      uuid             NOT NULL,
  -- A node runs at most once per run (an iteration's inner nodes are part of their iteration).
  node_id     text             NOT NULL,
  -- The run's event sequence number at the node's first event: the order nodes were reached.
  seq         integer          NOT NULL,
  node_type   text             NOT NULL,
  status      text             NOT NULL,
  inputs      jsonb,
  outputs     jsonb,
  error       text,
  attempts    integer          NOT NULL DEFAULT 0,
  started_at  timestamptz,
  finished_at timestamptz,
  elapsed_ms  double precision,
  PRIMARY KEY (run_id, node_id)
);

CREATE TABLE llm_usage (
  run_id            uuid             NOT NULL,
  -- The event's sequence number: one node may call a model many times (inside an iteration).
  seq               integer          NOT NULL,
  node_id           text             NOT NULL,
  provider          text             NOT NULL,
  model             text             NOT NULL,
  prompt_tokens     integer          NOT NULL,
  completion_tokens integer          NOT NULL,
  total_tokens      integer          NOT NULL,
  latency_ms        double precision NOT NULL,
  PRIMARY KEY (run_id, seq)
);

-- Finished runs per workflow per hour and per day (of started_at, UTC), and the same over every
-- workflow: statistics read these, never the runs, and they are kept after retention prunes
-- run detail. `bucket` is the start of the hour or day. `histogram` counts runs per elapsed-time
-- bin (bin i >= 1 holds [1.1^(i-1), 1.1^i) µs, bin 0 under 1 µs), from which percentiles are read.
-- Elapsed sums are in microseconds: integer sums do not depend on the order runs are added in.
CREATE TABLE workflow_hours (
  workflow_id    uuid             NOT NULL,
  bucket         timestamptz      NOT NULL,
  runs           integer          NOT NULL,
  succeeded      integer          NOT NULL,
  failed         integer          NOT NULL,
  cancelled      integer          NOT NULL,
  elapsed_sum_us bigint           NOT NULL,
  elapsed_min    double precision,
  elapsed_max    double precision,
  tokens         bigint           NOT NULL,
  histogram      jsonb            NOT NULL,
  PRIMARY KEY (workflow_id, bucket)
);
-- Top workflows over a range's partial days.
CREATE INDEX workflow_hours_bucket_idx ON workflow_hours (bucket);

CREATE TABLE workflow_days (
  workflow_id    uuid             NOT NULL,
  bucket         timestamptz      NOT NULL,
  runs           integer          NOT NULL,
  succeeded      integer          NOT NULL,
  failed         integer          NOT NULL,
  cancelled      integer          NOT NULL,
  elapsed_sum_us bigint           NOT NULL,
  elapsed_min    double precision,
  elapsed_max    double precision,
  tokens         bigint           NOT NULL,
  histogram      jsonb            NOT NULL,
  PRIMARY KEY (workflow_id, bucket)
);
-- Top workflows over a range's whole days.
CREATE INDEX workflow_days_bucket_idx ON workflow_days (bucket);

CREATE TABLE platform_hours (
  bucket         timestamptz      PRIMARY KEY,
  runs           integer          NOT NULL,
  succeeded      integer          NOT NULL,
  failed         integer          NOT NULL,
  cancelled      integer          NOT NULL,
  elapsed_sum_us bigint           NOT NULL,
  elapsed_min    double precision,
  elapsed_max    double precision,
  tokens         bigint           NOT NULL,
  histogram      jsonb            NOT NULL
);

CREATE TABLE platform_days (
  bucket         timestamptz      PRIMARY KEY,
  runs           integer          NOT NULL,
  succeeded      integer          NOT NULL,
  failed         integer          NOT NULL,
  cancelled      integer          NOT NULL,
  elapsed_sum_us bigint           NOT NULL,
  elapsed_min    double precision,
  elapsed_max    double precision,
  tokens         bigint           NOT NULL,
  histogram      jsonb            NOT NULL
);

-- Adds two histograms bin by bin.
CREATE FUNCTION merge_histograms(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_object_agg(bin, runs), '{}'::jsonb)
  FROM (
    SELECT bin, sum(runs)::integer AS runs
    FROM (
      SELECT key AS bin, value::integer AS runs FROM jsonb_each_text(a)
      UNION ALL
      SELECT key, value::integer FROM jsonb_each_text(b)
    ) AS both_sides
    GROUP BY bin
  ) AS merged
$$;
