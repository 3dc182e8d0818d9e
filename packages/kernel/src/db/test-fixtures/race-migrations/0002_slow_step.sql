-- Slow on purpose: holds the migration lock long enough for the other process to arrive and wait.
SELECT pg_sleep(0.5);
CREATE TABLE widgets (id integer PRIMARY KEY);
INSERT INTO run_log (migration) VALUES ('0002');
