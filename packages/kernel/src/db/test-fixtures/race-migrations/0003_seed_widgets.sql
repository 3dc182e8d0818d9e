INSERT INTO widgets (id) VALUES (1), (2), (3);
INSERT INTO run_log (migration) VALUES ('0003');
