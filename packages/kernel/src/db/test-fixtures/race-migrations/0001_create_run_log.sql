-- Every migration of this fixture appends its own name, so the test can count how often each ran.
CREATE TABLE run_log (
  migration text NOT NULL,
  ran_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
INSERT INTO run_log (migration) VALUES ('0001');
