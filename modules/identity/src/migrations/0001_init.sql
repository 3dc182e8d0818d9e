-- Identity: users, refresh-token families, API keys, access-token signing keys.
-- Applied with the module's schema (identity) first on the search_path.

CREATE TABLE users (
  id            uuid        PRIMARY KEY,
  email         text        NOT NULL,
  name          text        NOT NULL,
  role          text        NOT NULL CONSTRAINT users_role_check CHECK (role IN ('viewer', 'editor', 'admin')),
  password_hash text        NOT NULL,
  disabled      boolean     NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
-- Emails are unique whatever their case; the address is kept as it was typed.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_created_at_id_idx ON users (created_at, id);

CREATE TABLE refresh_tokens (
  id          uuid        PRIMARY KEY,
  token_hash  text        NOT NULL CONSTRAINT refresh_tokens_token_hash_key UNIQUE,
  family_id   uuid        NOT NULL,
  user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  replaced_by uuid,
  revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);

CREATE TABLE api_keys (
  id                   uuid        PRIMARY KEY,
  user_id              uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name                 text        NOT NULL,
  prefix               text        NOT NULL CONSTRAINT api_keys_prefix_key UNIQUE,
  secret_hash          text        NOT NULL CONSTRAINT api_keys_secret_hash_key UNIQUE,
  previous_secret_hash text        CONSTRAINT api_keys_previous_secret_hash_key UNIQUE,
  previous_valid_until timestamptz,
  scopes               text[]      NOT NULL,
  expires_at           timestamptz,
  last_used_at         timestamptz,
  use_count            bigint      NOT NULL DEFAULT 0,
  revoked_at           timestamptz,
  created_at           timestamptz NOT NULL
);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);

CREATE TABLE signing_keys (
  kid                   text        PRIMARY KEY,
  alg                   text        NOT NULL,
  public_jwk            jsonb       NOT NULL,
  private_key_encrypted text        NOT NULL,
  created_at            timestamptz NOT NULL,
  retired_at            timestamptz
);
