-- Workflows: apps, workflows (drafts), published versions, deployments, LLM providers.
-- Applied with the module's schema (workflows) first on the search_path.

CREATE TABLE apps (
  id          uuid        PRIMARY KEY,
  name        text        NOT NULL,
  description text,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  created_by  text        NOT NULL
);
CREATE INDEX apps_created_at_id_idx ON apps (created_at, id);

CREATE TABLE workflows (
  id             uuid        PRIMARY KEY,
  -- An app that still holds workflows cannot be deleted.
  app_id         uuid        REFERENCES apps (id),
  name           text        NOT NULL,
  description    text,
  graph          jsonb       NOT NULL,
  revision       integer     NOT NULL DEFAULT 0,
  latest_version integer     NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  created_by     text        NOT NULL,
  updated_by     text        NOT NULL
);
CREATE INDEX workflows_created_at_id_idx ON workflows (created_at, id);
CREATE INDEX workflows_app_id_created_at_id_idx ON workflows (app_id, created_at, id);

CREATE TABLE workflow_versions (
  id          uuid        PRIMARY KEY,
  workflow_id uuid        NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  version     integer     NOT NULL,
  graph       jsonb       NOT NULL,
  created_at  timestamptz NOT NULL,
  created_by  text        NOT NULL,
  CONSTRAINT workflow_versions_workflow_id_version_key UNIQUE (workflow_id, version)
);

-- Which providers each published version uses, so "is this provider in use?" is one index lookup.
CREATE TABLE version_providers (
  version_id  uuid NOT NULL REFERENCES workflow_versions (id) ON DELETE CASCADE,
  provider_id text NOT NULL,
  CONSTRAINT version_providers_pkey PRIMARY KEY (version_id, provider_id)
);
CREATE INDEX version_providers_provider_id_idx ON version_providers (provider_id);

CREATE TABLE deployments (
  id          uuid        PRIMARY KEY,
  slug        text        NOT NULL CONSTRAINT deployments_slug_key UNIQUE,
  workflow_id uuid        NOT NULL,
  version     integer     NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  created_by  text        NOT NULL,
  -- Always a published version; a deployed workflow (and so its versions) cannot be deleted.
  CONSTRAINT deployments_version_fkey FOREIGN KEY (workflow_id, version) REFERENCES workflow_versions (workflow_id, version)
);
CREATE INDEX deployments_created_at_id_idx ON deployments (created_at, id);
CREATE INDEX deployments_workflow_id_idx ON deployments (workflow_id);

CREATE TABLE llm_providers (
  id                uuid        PRIMARY KEY,
  name              text        NOT NULL,
  kind              text        NOT NULL CONSTRAINT llm_providers_kind_check CHECK (kind IN ('openai_compatible')),
  base_url          text        NOT NULL,
  -- SecretBox token (AES-256-GCM, aad = the provider id); never the key itself.
  api_key_encrypted text,
  models            text[]      NOT NULL,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  created_by        text        NOT NULL
);
-- Names are unique whatever their case.
CREATE UNIQUE INDEX llm_providers_name_key ON llm_providers (lower(name));
CREATE INDEX llm_providers_created_at_id_idx ON llm_providers (created_at, id);
