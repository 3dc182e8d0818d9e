CREATE TABLE gateway.audit_log (
  id text PRIMARY KEY,
  at timestamptz NOT NULL,
  request_id text NOT NULL,
  principal_kind text,
  user_id text,
  api_key_id text,
  method text NOT NULL,
  route text NOT NULL,
  path text NOT NULL,
  status integer NOT NULL,
  ip text
);
CREATE INDEX audit_log_at ON gateway.audit_log (at DESC, id DESC);
CREATE INDEX audit_log_user ON gateway.audit_log (user_id, at DESC, id DESC);
