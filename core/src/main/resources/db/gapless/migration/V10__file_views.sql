-- Gapless schema, version 10: what each reader of an artifact last saw of each file.
--
-- A row says that a reader (the model of a chat, viewer '', or one client of it: an MCP session, an agent id) last
-- saw the file's content as it was at artifact version `version` (0: before version 1), by reading it or by writing
-- it whole. A later whole-file write from that reader is based on that version, so that what others changed since is
-- merged rather than overwritten (docs/tool-calls.md). Only ever moves forward: the upsert keeps the greater version.
--
-- No foreign key to artifacts: a key check would take a KEY SHARE lock on the artifact row that writers hold for
-- update, so a read would wait for a write. Deleting an artifact deletes its views through the trigger below.

CREATE TABLE gapless_file_views (
    artifact_id uuid        NOT NULL,
    viewer      text        NOT NULL,
    filename    text        NOT NULL,
    version     integer     NOT NULL CHECK (version >= 0),
    seen_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (artifact_id, viewer, filename)
);

CREATE FUNCTION gapless_delete_file_views() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM gapless_file_views f USING deleted d WHERE f.artifact_id = d.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER artifacts_delete_file_views AFTER DELETE ON artifacts
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION gapless_delete_file_views();
