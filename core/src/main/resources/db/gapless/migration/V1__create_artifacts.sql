-- Gapless schema, version 1: artifacts and their append-only versions.
-- Table and constraint names are those of the original application, so existing readers keep working.
-- Idempotent (IF NOT EXISTS), and valid Flyway migration naming for teams that run Flyway themselves.

CREATE TABLE IF NOT EXISTS artifacts (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    chat_id      text        NOT NULL,
    type         text        NOT NULL,
    title        text        NOT NULL DEFAULT '',
    -- always equal to max(artifact_versions.version_number), kept in the same transaction as each insert
    head_version integer     NOT NULL DEFAULT 0 CHECK (head_version >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- makes get-or-create race-free: INSERT ... ON CONFLICT DO NOTHING, then read
    CONSTRAINT artifacts_chat_id_type_key UNIQUE (chat_id, type)
);

CREATE TABLE IF NOT EXISTS artifact_versions (
    artifact_id     uuid        NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
    version_number  integer     NOT NULL CHECK (version_number > 0),
    -- {"files":[{"filename":..,"language":..,"content":..,"description":..}]}
    content_json    jsonb       NOT NULL,
    -- the change that produced this version: content(k) = apply(change(k), content(k-1))
    change_json     jsonb       NOT NULL,
    change_summary  text        NOT NULL,
    -- e.g. the tool_call_id; makes appends exactly-once
    idempotency_key text,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT artifact_versions_artifact_id_version_number_key UNIQUE (artifact_id, version_number),
    CONSTRAINT artifact_versions_artifact_id_idempotency_key_key UNIQUE (artifact_id, idempotency_key)
);
