-- Gapless schema, version 4: storage v2. An append costs what it changes, not what the artifact holds.
--
--   artifact_contents   each distinct file content of an artifact, once, keyed by its SHA-256 (of the UTF-8 bytes)
--   artifact_files      the head version's files, one row each, rewritten under the artifact's row lock
--   artifact_versions   per version: its change (files referenced by SHA-256), summary, key, file count
--   artifact_manifests  a version's whole file list (metadata and SHA-256, no content), written whenever the file
--                       entries changed since the previous manifest reach max(64, files): any version is then one
--                       manifest plus a bounded number of changes away
--
-- The per-version full snapshot (content_json) is gone: this migration moves every stored snapshot into the layout
-- above, in place, and keeps one manifest per migrated version so that every old version reads back exactly as it
-- was stored. Readers of the old shape use the view artifact_snapshots (same columns as the old artifact_versions).
-- Stop Gapless 0.1 writers before applying: they write content_json, which no longer exists, and fail loudly.

ALTER TABLE artifacts
    ADD COLUMN file_count             integer NOT NULL DEFAULT 0 CHECK (file_count >= 0),
    ADD COLUMN total_bytes            bigint  NOT NULL DEFAULT 0 CHECK (total_bytes >= 0),
    ADD COLUMN changes_since_manifest integer NOT NULL DEFAULT 0 CHECK (changes_since_manifest >= 0);

ALTER TABLE artifact_versions
    ADD COLUMN file_count     integer,
    ADD COLUMN request_sha256 bytea;

-- No foreign key to artifacts: contents are inserted before the artifact's lock is taken, and a foreign key check
-- would take a KEY SHARE lock on the hot artifact row while another writer holds it for update, turning its lock
-- into a MultiXact on every append. Deleting an artifact deletes its contents through the trigger below.
CREATE TABLE artifact_contents (
    artifact_id uuid  NOT NULL,
    sha256      bytea NOT NULL,
    content     text  NOT NULL,
    PRIMARY KEY (artifact_id, sha256)
);

CREATE FUNCTION gapless_delete_contents() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    DELETE FROM artifact_contents c USING deleted d WHERE c.artifact_id = d.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER artifacts_delete_contents AFTER DELETE ON artifacts
    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION gapless_delete_contents();

CREATE TABLE artifact_files (
    artifact_id   uuid    NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
    filename      text    NOT NULL,
    language      text    NOT NULL,
    description   text    NOT NULL,
    sha256        bytea   NOT NULL,
    bytes         integer NOT NULL CHECK (bytes >= 0),
    -- snapshot order: a file keeps its place when replaced and goes last when (re-)added
    added_version integer NOT NULL,
    added_index   integer NOT NULL,
    PRIMARY KEY (artifact_id, filename),
    FOREIGN KEY (artifact_id, sha256) REFERENCES artifact_contents (artifact_id, sha256)
);

CREATE TABLE artifact_manifests (
    artifact_id    uuid    NOT NULL,
    version_number integer NOT NULL,
    -- [[filename, language, description, sha256 hex, bytes], ...] in snapshot order
    files          jsonb   NOT NULL,
    PRIMARY KEY (artifact_id, version_number),
    FOREIGN KEY (artifact_id, version_number)
        REFERENCES artifact_versions (artifact_id, version_number) ON DELETE CASCADE
);

-- The leaves of a change in the order they apply: a batch contributes its changes depth-first.
CREATE FUNCTION gapless_change_leaves(p_change jsonb)
    RETURNS TABLE (leaf_index integer, leaf jsonb)
    LANGUAGE sql IMMUTABLE AS
$$
    WITH RECURSIVE t(path, node) AS (
        SELECT ARRAY []::integer[], p_change
        UNION ALL
        SELECT t.path || e.ord::integer, e.value
          FROM t, jsonb_array_elements(t.node -> 'changes') WITH ORDINALITY AS e(value, ord)
         WHERE t.node ->> 'op' = 'batch'
    )
    SELECT (row_number() OVER (ORDER BY path) - 1)::integer, node FROM t WHERE node ->> 'op' <> 'batch'
$$;

-- ---------------------------------------------------------------------------------------------------------------
-- Moving v1 data. Every v1 version is a full snapshot: its contents go to artifact_contents, its file list becomes
-- a manifest, its change is rewritten to reference contents, the head's files are materialized.

CREATE FUNCTION gapless_v1_change_to_v2(p_change jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS
$$
BEGIN
    IF p_change ->> 'op' = 'put' THEN
        RETURN jsonb_build_object('op', 'put', 'file', jsonb_build_object(
            'filename', p_change -> 'file' ->> 'filename',
            'language', coalesce(p_change -> 'file' ->> 'language', ''),
            'description', coalesce(p_change -> 'file' ->> 'description', ''),
            'sha256', encode(sha256(convert_to(p_change -> 'file' ->> 'content', 'UTF8')), 'hex'),
            'bytes', octet_length(convert_to(p_change -> 'file' ->> 'content', 'UTF8'))));
    ELSIF p_change ->> 'op' = 'batch' THEN
        RETURN jsonb_build_object('op', 'batch', 'changes', coalesce(
            (SELECT jsonb_agg(gapless_v1_change_to_v2(e.value) ORDER BY e.ord)
               FROM jsonb_array_elements(p_change -> 'changes') WITH ORDINALITY AS e(value, ord)),
            '[]'::jsonb));
    END IF;
    RETURN p_change;
END
$$;

-- contents of every stored snapshot, and of puts a batch overwrote within its own version
INSERT INTO artifact_contents (artifact_id, sha256, content)
SELECT v.artifact_id, sha256(convert_to(f.value ->> 'content', 'UTF8')), f.value ->> 'content'
  FROM artifact_versions v, jsonb_array_elements(v.content_json -> 'files') AS f(value)
ON CONFLICT DO NOTHING;

INSERT INTO artifact_contents (artifact_id, sha256, content)
SELECT v.artifact_id, sha256(convert_to(p.file ->> 'content', 'UTF8')), p.file ->> 'content'
  FROM artifact_versions v, jsonb_path_query(v.change_json, 'strict $.**.file') AS p(file)
 WHERE p.file ? 'content'
ON CONFLICT DO NOTHING;

INSERT INTO artifact_manifests (artifact_id, version_number, files)
SELECT v.artifact_id, v.version_number, coalesce(
           (SELECT jsonb_agg(jsonb_build_array(f.value ->> 'filename', coalesce(f.value ->> 'language', ''),
                                               coalesce(f.value ->> 'description', ''),
                                               encode(sha256(convert_to(f.value ->> 'content', 'UTF8')), 'hex'),
                                               octet_length(convert_to(f.value ->> 'content', 'UTF8')))
                             ORDER BY f.ord)
              FROM jsonb_array_elements(v.content_json -> 'files') WITH ORDINALITY AS f(value, ord)),
           '[]'::jsonb)
  FROM artifact_versions v;

-- a snapshot of 0.1 may name one file twice (0.1 stored a lone surrogate as '?', so two names could become one):
-- the file keeps its first place and its last content, as the readers of every older version do
INSERT INTO artifact_files (artifact_id, filename, language, description, sha256, bytes, added_version,
                            added_index)
SELECT DISTINCT ON (h.id, h.filename) h.id, h.filename, h.language, h.description, h.sha256, h.bytes, 0, h.place
  FROM (SELECT a.id, f.value ->> 'filename' AS filename, coalesce(f.value ->> 'language', '') AS language,
               coalesce(f.value ->> 'description', '') AS description,
               sha256(convert_to(f.value ->> 'content', 'UTF8')) AS sha256,
               octet_length(convert_to(f.value ->> 'content', 'UTF8')) AS bytes, f.ord,
               (min(f.ord) OVER (PARTITION BY a.id, f.value ->> 'filename'))::integer AS place
          FROM artifacts a
          JOIN artifact_versions v ON v.artifact_id = a.id AND v.version_number = a.head_version,
               jsonb_array_elements(v.content_json -> 'files') WITH ORDINALITY AS f(value, ord)) h
 ORDER BY h.id, h.filename, h.ord DESC;

UPDATE artifact_versions
   SET file_count = (SELECT count(DISTINCT f.value ->> 'filename')
                       FROM jsonb_array_elements(content_json -> 'files') AS f(value)),
       change_json = gapless_v1_change_to_v2(change_json);

UPDATE artifacts a
   SET file_count = s.n, total_bytes = s.bytes
  FROM (SELECT artifact_id, count(*) AS n, sum(bytes) AS bytes FROM artifact_files GROUP BY artifact_id) s
 WHERE s.artifact_id = a.id;

DROP FUNCTION gapless_v1_change_to_v2(jsonb);

ALTER TABLE artifact_versions
    DROP COLUMN content_json,
    ALTER COLUMN file_count SET NOT NULL;

-- 0.1's server function wrote the old layout: gone, so that a 0.1 writer fails instead of writing it
DROP FUNCTION IF EXISTS gapless_append(uuid, jsonb, text, integer, integer);
DROP FUNCTION IF EXISTS gapless_append(uuid, jsonb, text, integer);
DROP FUNCTION IF EXISTS gapless_apply_change(jsonb, jsonb);

-- ---------------------------------------------------------------------------------------------------------------
-- Moving the head after a version is computed, failing loudly when it cannot: with p_expected, only if the head is
-- still p_expected (compare-and-set, SQLSTATE GL409 when it moved); GL003 when the artifact does not exist.

CREATE FUNCTION gapless_set_head(p_artifact uuid, p_expected integer, p_head integer, p_file_count integer,
                                 p_total_bytes bigint, p_changes_since_manifest integer)
    RETURNS void LANGUAGE plpgsql VOLATILE AS
$$
BEGIN
    UPDATE artifacts
       SET head_version = p_head, file_count = p_file_count, total_bytes = p_total_bytes,
           changes_since_manifest = p_changes_since_manifest
     WHERE id = p_artifact AND (p_expected IS NULL OR head_version = p_expected);
    IF NOT FOUND THEN
        IF p_expected IS NULL THEN
            RAISE EXCEPTION 'no artifact with id %', p_artifact USING ERRCODE = 'GL003';
        END IF;
        RAISE EXCEPTION 'head of artifact % moved past %', p_artifact, p_expected USING ERRCODE = 'GL409';
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------------------------
-- The server-function strategy: one autocommitted statement per append. It stores the contents (before taking the
-- lock, in SHA-256 order, as every writer does), locks the artifact row, and then, in later statements of this
-- VOLATILE function, each with a fresh snapshot: checks the key, the expected version, applies the change to the
-- head's files row by row, checks the limits, inserts the version and maybe a manifest, moves the head.
-- It mirrors the Java write path exactly (a property test compares them). SQLSTATEs: GL001 no such file, GL002 head
-- is not the expected version (DETAIL = the head), GL003 no such artifact, GL004 too many files, GL005 artifact too
-- large (DETAIL = the count or bytes it would reach), GL006 idempotency key already used by another change
-- (DETAIL = that version).

CREATE FUNCTION gapless_append(p_artifact uuid, p_change jsonb, p_sha256 bytea[], p_contents text[], p_key text,
                               p_request_sha256 bytea, p_expected integer, p_max_files integer,
                               p_max_bytes bigint, p_lock_timeout_ms integer,
                               OUT o_version integer, OUT o_summary text, OUT o_deduplicated boolean)
    LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
    v_head         integer;
    v_files        integer;
    v_bytes        bigint;
    v_since        integer;
    v_files_before integer;
    v_bytes_before bigint;
    v_request      bytea;
    v_leaf         record;
    v_name         text;
    v_old          artifact_files%ROWTYPE;
    v_parts        text[] := ARRAY []::text[];
    v_leaves       integer := 0;
BEGIN
    PERFORM set_config('lock_timeout', greatest(p_lock_timeout_ms, 1)::text, true);
    INSERT INTO artifact_contents (artifact_id, sha256, content)
    SELECT p_artifact, t.h, t.c FROM unnest(p_sha256, p_contents) AS t(h, c) ORDER BY t.h
    ON CONFLICT DO NOTHING;
    SELECT a.head_version, a.file_count, a.total_bytes, a.changes_since_manifest
      INTO v_head, v_files, v_bytes, v_since
      FROM artifacts a WHERE a.id = p_artifact FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no artifact with id %', p_artifact USING ERRCODE = 'GL003';
    END IF;
    IF p_key IS NOT NULL THEN
        SELECT v.version_number, v.change_summary, v.request_sha256 INTO o_version, o_summary, v_request
          FROM artifact_versions v
         WHERE v.artifact_id = p_artifact AND v.idempotency_key = p_key;
        IF FOUND THEN
            IF v_request IS NOT NULL AND p_request_sha256 IS NOT NULL AND v_request <> p_request_sha256 THEN
                RAISE EXCEPTION 'idempotency key % was already used by version % for another change', p_key,
                    o_version USING ERRCODE = 'GL006', DETAIL = o_version::text;
            END IF;
            o_deduplicated := true;
            RETURN;
        END IF;
    END IF;
    IF p_expected IS NOT NULL AND p_expected <> v_head THEN
        RAISE EXCEPTION 'artifact % is at version %, expected %', p_artifact, v_head, p_expected
            USING ERRCODE = 'GL002', DETAIL = v_head::text;
    END IF;
    v_files_before := v_files;
    v_bytes_before := v_bytes;
    FOR v_leaf IN SELECT l.leaf_index, l.leaf FROM gapless_change_leaves(p_change) l ORDER BY l.leaf_index LOOP
        v_leaves := v_leaves + 1;
        IF v_leaf.leaf ->> 'op' = 'put' THEN
            v_name := v_leaf.leaf -> 'file' ->> 'filename';
            SELECT * INTO v_old FROM artifact_files f WHERE f.artifact_id = p_artifact AND f.filename = v_name;
            IF FOUND THEN
                UPDATE artifact_files
                   SET language = v_leaf.leaf -> 'file' ->> 'language',
                       description = v_leaf.leaf -> 'file' ->> 'description',
                       sha256 = decode(v_leaf.leaf -> 'file' ->> 'sha256', 'hex'),
                       bytes = (v_leaf.leaf -> 'file' ->> 'bytes')::integer
                 WHERE artifact_id = p_artifact AND filename = v_name;
                v_bytes := v_bytes - v_old.bytes + (v_leaf.leaf -> 'file' ->> 'bytes')::bigint;
                v_parts := v_parts || ('Updated ' || v_name);
            ELSE
                INSERT INTO artifact_files (artifact_id, filename, language, description, sha256, bytes,
                                            added_version, added_index)
                VALUES (p_artifact, v_name, v_leaf.leaf -> 'file' ->> 'language',
                        v_leaf.leaf -> 'file' ->> 'description', decode(v_leaf.leaf -> 'file' ->> 'sha256', 'hex'),
                        (v_leaf.leaf -> 'file' ->> 'bytes')::integer, v_head + 1, v_leaf.leaf_index);
                v_files := v_files + 1;
                v_bytes := v_bytes + (v_leaf.leaf -> 'file' ->> 'bytes')::bigint;
                v_parts := v_parts || ('Added ' || v_name);
            END IF;
        ELSIF v_leaf.leaf ->> 'op' = 'delete' THEN
            v_name := v_leaf.leaf ->> 'filename';
            DELETE FROM artifact_files f WHERE f.artifact_id = p_artifact AND f.filename = v_name
            RETURNING f.bytes INTO v_old.bytes;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'cannot delete ''%'': the artifact has no such file', v_name USING ERRCODE = 'GL001';
            END IF;
            v_files := v_files - 1;
            v_bytes := v_bytes - v_old.bytes;
            v_parts := v_parts || ('Removed ' || v_name);
        ELSE
            RAISE EXCEPTION 'unknown change op %', v_leaf.leaf ->> 'op' USING ERRCODE = '22023';
        END IF;
    END LOOP;
    IF v_files > p_max_files AND v_files > v_files_before THEN
        RAISE EXCEPTION 'the change would leave % files, over the limit of %', v_files, p_max_files
            USING ERRCODE = 'GL004', DETAIL = v_files::text;
    END IF;
    IF v_bytes > p_max_bytes AND v_bytes > v_bytes_before THEN
        RAISE EXCEPTION 'the change would make the artifact % bytes, over the limit of %', v_bytes, p_max_bytes
            USING ERRCODE = 'GL005', DETAIL = v_bytes::text;
    END IF;
    o_version := v_head + 1;
    o_summary := array_to_string(v_parts, '; ');
    o_deduplicated := false;
    INSERT INTO artifact_versions (artifact_id, version_number, change_json, change_summary, idempotency_key,
                                   file_count, request_sha256)
    VALUES (p_artifact, o_version, p_change, o_summary, p_key, v_files,
            CASE WHEN p_key IS NULL THEN NULL ELSE p_request_sha256 END);
    v_since := v_since + v_leaves;
    IF v_since >= greatest(64, v_files) THEN
        INSERT INTO artifact_manifests (artifact_id, version_number, files)
        SELECT p_artifact, o_version, coalesce(jsonb_agg(jsonb_build_array(f.filename, f.language, f.description,
                                                                            encode(f.sha256, 'hex'), f.bytes)
                                                         ORDER BY f.added_version, f.added_index), '[]'::jsonb)
          FROM artifact_files f WHERE f.artifact_id = p_artifact;
        v_since := 0;
    END IF;
    UPDATE artifacts
       SET head_version = o_version, file_count = v_files, total_bytes = v_bytes, changes_since_manifest = v_since
     WHERE id = p_artifact;
END
$$;

-- ---------------------------------------------------------------------------------------------------------------
-- The old full-snapshot shape, for readers written against schema v1.

-- The files of one version, in snapshot order: the newest manifest at or before it, then the changes after it. A
-- file's attributes come from its last put; a file is present unless its last event is a delete; its place is the
-- first put after its last delete (or its manifest place when it was not deleted since).
CREATE FUNCTION gapless_version_files(p_artifact uuid, p_version integer)
    RETURNS TABLE (filename text, language text, description text, sha256 bytea, bytes integer, place integer)
    LANGUAGE sql STABLE AS
$$
    WITH m AS (
        SELECT version_number, files FROM artifact_manifests
         WHERE artifact_id = p_artifact AND version_number <= p_version
         ORDER BY version_number DESC LIMIT 1
    ), events AS (
        SELECT e.value ->> 0 AS filename, 'put' AS op, e.value ->> 1 AS language, e.value ->> 2 AS description,
               e.value ->> 3 AS sha256, (e.value ->> 4)::integer AS bytes, m.version_number AS v, e.ord::integer AS i
          FROM m, jsonb_array_elements(m.files) WITH ORDINALITY AS e(value, ord)
        UNION ALL
        SELECT coalesce(l.leaf -> 'file' ->> 'filename', l.leaf ->> 'filename'), l.leaf ->> 'op',
               l.leaf -> 'file' ->> 'language', l.leaf -> 'file' ->> 'description', l.leaf -> 'file' ->> 'sha256',
               (l.leaf -> 'file' ->> 'bytes')::integer, v.version_number, l.leaf_index
          FROM artifact_versions v, gapless_change_leaves(v.change_json) l
         WHERE v.artifact_id = p_artifact AND v.version_number <= p_version
           AND v.version_number > coalesce((SELECT version_number FROM m), 0)
    ), ranked AS (
        SELECT ev.*,
               max(CASE WHEN ev.op = 'delete' THEN ARRAY [ev.v, ev.i] END) OVER w_all AS last_delete,
               row_number() OVER (PARTITION BY ev.filename ORDER BY ev.v DESC, ev.i DESC) AS recency
          FROM events ev
        WINDOW w_all AS (PARTITION BY ev.filename)
    ), placed AS (
        SELECT r.filename, min(ARRAY [r.v, r.i]) AS place
          FROM ranked r
         WHERE r.op = 'put' AND (r.last_delete IS NULL OR ARRAY [r.v, r.i] > r.last_delete)
         GROUP BY r.filename
    )
    SELECT r.filename, r.language, r.description, decode(r.sha256, 'hex'), r.bytes,
           (row_number() OVER (ORDER BY p.place))::integer
      FROM ranked r JOIN placed p ON p.filename = r.filename
     WHERE r.recency = 1 AND r.op = 'put'
$$;

-- {"files":[{"filename","language","content","description"}, ...]}: what content_json held in schema v1.
CREATE FUNCTION gapless_content_json(p_artifact uuid, p_version integer) RETURNS jsonb LANGUAGE sql STABLE AS
$$
    SELECT jsonb_build_object('files', coalesce(jsonb_agg(jsonb_build_object(
               'filename', f.filename, 'language', f.language, 'content', c.content,
               'description', f.description) ORDER BY f.place), '[]'::jsonb))
      FROM gapless_version_files(p_artifact, p_version) f
      JOIN artifact_contents c ON c.artifact_id = p_artifact AND c.sha256 = f.sha256
$$;

-- A change in the v1 shape: every file with its content inline instead of its SHA-256 and size.
CREATE FUNCTION gapless_change_json_v1(p_artifact uuid, p_change jsonb) RETURNS jsonb LANGUAGE plpgsql STABLE AS
$$
BEGIN
    IF p_change ->> 'op' = 'put' THEN
        RETURN jsonb_build_object('op', 'put', 'file', jsonb_build_object(
            'filename', p_change -> 'file' ->> 'filename',
            'language', p_change -> 'file' ->> 'language',
            'content', (SELECT c.content FROM artifact_contents c
                         WHERE c.artifact_id = p_artifact
                           AND c.sha256 = decode(p_change -> 'file' ->> 'sha256', 'hex')),
            'description', p_change -> 'file' ->> 'description'));
    ELSIF p_change ->> 'op' = 'batch' THEN
        RETURN jsonb_build_object('op', 'batch', 'changes', coalesce(
            (SELECT jsonb_agg(gapless_change_json_v1(p_artifact, e.value) ORDER BY e.ord)
               FROM jsonb_array_elements(p_change -> 'changes') WITH ORDINALITY AS e(value, ord)),
            '[]'::jsonb));
    END IF;
    RETURN p_change;
END
$$;

-- The columns of schema v1's artifact_versions, reconstructed. Each row rebuilds one version (one manifest plus the
-- changes after it): for compatibility, not for scanning long histories.
CREATE VIEW artifact_snapshots AS
SELECT v.artifact_id, v.version_number, gapless_content_json(v.artifact_id, v.version_number) AS content_json,
       gapless_change_json_v1(v.artifact_id, v.change_json) AS change_json, v.change_summary, v.idempotency_key,
       v.created_at
  FROM artifact_versions v;
