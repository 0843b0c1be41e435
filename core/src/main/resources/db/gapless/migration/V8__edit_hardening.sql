-- Edit hardening, mirroring V4a, HunkMatch and TextEdits (a property test compares the two write paths):
--  * an insert into a file with CRLF line breaks turns the text's LF line breaks into CRLF;
--  * finding a hunk is bounded: at each level the candidates are the lines equal to the pattern's first line, and a
--    search whose candidates times pattern lines is over 2,000,000 is refused before it is made;
--  * a hunk without an anchor (and not at the end of the file) that matches in several places is refused, naming them;
--  * a new file whose name differs from an existing one's only in case is refused, naming the one that exists.

CREATE OR REPLACE FUNCTION gapless_insert(p_content text, p_after integer, p_text text, p_filename text, p_at text)
    RETURNS text LANGUAGE plpgsql IMMUTABLE AS
$$
DECLARE
    v_breaks integer := gapless_breaks(p_content);
    v_lines  integer := v_breaks + CASE WHEN p_content = '' OR right(p_content, 1) = E'\n' THEN 0 ELSE 1 END;
    v_eol    text := CASE WHEN strpos(p_content, E'\r\n') > 0 THEN E'\r\n' ELSE E'\n' END;
    v_offset integer := 0;
    v_before text;
    v_after  text;
    v_text   text := p_text;
BEGIN
    IF p_after > v_lines THEN
        PERFORM gapless_edit_rejected('LINE_OUT_OF_RANGE', format('cannot insert into ''%s'': line %s is past the'
            || ' end of the file, which has %s %s in %s; the line to insert after must be 0 to %s', p_filename,
            p_after, v_lines, CASE WHEN v_lines = 1 THEN 'line' ELSE 'lines' END, p_at, v_lines));
    END IF;
    IF v_eol = E'\r\n' THEN
        v_text := replace(replace(v_text, E'\r\n', E'\n'), E'\n', E'\r\n');
    END IF;
    IF p_after > v_breaks THEN
        v_offset := length(p_content);
    ELSIF p_after > 0 THEN
        v_offset := length(array_to_string((string_to_array(p_content, E'\n'))[1:p_after], E'\n')) + 1;
    END IF;
    v_before := left(p_content, v_offset);
    v_after := substr(p_content, v_offset + 1);
    IF v_before <> '' AND right(v_before, 1) <> E'\n' THEN
        v_text := v_eol || v_text;
    END IF;
    IF v_after <> '' AND right(v_text, 1) <> E'\n' THEN
        v_text := v_text || v_eol;
    END IF;
    RETURN v_before || v_text || v_after;
END
$$;

-- The 0-based positions at or after p_from where p_pattern matches p_lines (at the end only with p_at_end), at the
-- first level where it matches: all of them with p_all, else the first. o_starts is NULL when the search is refused
-- as too costly; o_candidates is the number of lines equal to the pattern's first line at the level searched last.
CREATE FUNCTION gapless_matches(p_lines text[], p_pattern text[], p_from integer, p_at_end boolean, p_all boolean,
                                OUT o_starts integer[], OUT o_candidates integer)
    LANGUAGE plpgsql IMMUTABLE AS
$$
DECLARE
    v_m     integer := cardinality(p_pattern);
    v_last  integer := cardinality(p_lines) - cardinality(p_pattern);
    v_first integer;
    v_lines text[];
    v_pat   text[];
    v_at    integer[];
    v_i     integer;
BEGIN
    o_starts := ARRAY []::integer[];
    o_candidates := 0;
    IF v_last < p_from THEN
        RETURN;
    END IF;
    v_first := CASE WHEN p_at_end THEN v_last ELSE p_from END;
    FOR v_level IN 0..2 LOOP
        v_lines := ARRAY(SELECT gapless_normal(x, v_level) FROM unnest(p_lines) WITH ORDINALITY AS u(x, o) ORDER BY o);
        v_pat := ARRAY(SELECT gapless_normal(x, v_level) FROM unnest(p_pattern) WITH ORDINALITY AS u(x, o) ORDER BY o);
        v_at := ARRAY(SELECT u.o - 1 FROM unnest(v_lines) WITH ORDINALITY AS u(x, o)
                       WHERE u.x = v_pat[1] AND u.o - 1 BETWEEN v_first AND v_last ORDER BY u.o);
        o_candidates := cardinality(v_at);
        IF o_candidates::bigint * v_m > 2000000 THEN
            o_starts := NULL;
            RETURN;
        END IF;
        FOREACH v_i IN ARRAY v_at LOOP
            IF v_lines[v_i + 1:v_i + v_m] = v_pat THEN
                o_starts := o_starts || v_i;
                EXIT WHEN NOT p_all;
            END IF;
        END LOOP;
        IF cardinality(o_starts) > 0 THEN
            RETURN;
        END IF;
    END LOOP;
END
$$;

-- The matches of a search, or the rejection of one too costly to make (see V4a.starts).
CREATE FUNCTION gapless_hunk_starts(p_lines text[], p_pattern text[], p_from integer, p_at_end boolean,
                                    p_all boolean, p_hunk text, p_at text)
    RETURNS integer[] LANGUAGE plpgsql IMMUTABLE AS
$$
DECLARE
    v_r record;
BEGIN
    SELECT * INTO v_r FROM gapless_matches(p_lines, p_pattern, p_from, p_at_end, p_all);
    IF v_r.o_starts IS NULL THEN
        PERFORM gapless_edit_rejected('PATCH_DOES_NOT_APPLY', format('%s is too costly to match in %s: the line'
            || ' ''%s'' it starts with occurs %s times below line %s, and each place needs up to %s line comparisons,'
            || ' over the limit of 2000000; start the hunk at a more distinctive line, or add an ''@@'' line naming'
            || ' one above the change', p_hunk, p_at, gapless_shorten(p_pattern[1]), v_r.o_candidates, p_from,
            cardinality(p_pattern)));
    END IF;
    RETURN v_r.o_starts;
END
$$;

CREATE OR REPLACE FUNCTION gapless_apply_hunks(p_content text, p_hunks jsonb, p_filename text, p_at text)
    RETURNS text LANGUAGE plpgsql IMMUTABLE AS
$$
DECLARE
    v_crlf   boolean := strpos(p_content, E'\r\n') > 0;
    v_text   text := CASE WHEN strpos(p_content, E'\r\n') > 0 THEN replace(p_content, E'\r\n', E'\n')
                          ELSE p_content END;
    v_ends   boolean;
    v_lines  text[];
    v_cursor integer := 0;
    v_k      integer := 0;
    v_hunk   jsonb;
    v_name   text;
    v_anchor text;
    v_found  integer[];
    v_body   text[];
    v_old    text[];
    v_out    text[];
    v_line   text;
    v_start  integer;
    v_at     integer;
    v_eof    boolean;
    v_free   boolean;
BEGIN
    v_ends := v_text = '' OR right(v_text, 1) = E'\n';
    v_lines := string_to_array(v_text, E'\n');
    IF v_ends AND v_text <> '' THEN
        v_lines := v_lines[1:cardinality(v_lines) - 1];
    END IF;
    FOR v_hunk IN SELECT h.value FROM jsonb_array_elements(p_hunks) WITH ORDINALITY AS h(value, o) ORDER BY h.o LOOP
        v_k := v_k + 1;
        v_name := format('cannot patch ''%s'': hunk %s (line %s of the patch)', p_filename, v_k, v_hunk ->> 'line');
        v_eof := (v_hunk ->> 'eof')::boolean;
        FOR v_anchor IN SELECT a.value FROM jsonb_array_elements_text(v_hunk -> 'anchors') WITH ORDINALITY AS a(value, o)
                         ORDER BY a.o LOOP
            v_found := gapless_hunk_starts(v_lines, ARRAY [v_anchor], v_cursor, false, false, v_name, p_at);
            IF cardinality(v_found) = 0 THEN
                PERFORM gapless_edit_rejected('PATCH_DOES_NOT_APPLY', format('%s needs the line ''%s'' below line %s,'
                    || ' and %s has none', v_name, gapless_shorten(v_anchor), v_cursor, p_at));
            END IF;
            v_cursor := v_found[1] + 1;
        END LOOP;
        v_body := ARRAY(SELECT x.value FROM jsonb_array_elements_text(v_hunk -> 'lines') WITH ORDINALITY AS x(value, o)
                         ORDER BY x.o);
        v_old := ARRAY(SELECT substr(b.value, 2) FROM unnest(v_body) WITH ORDINALITY AS b(value, o)
                        WHERE left(b.value, 1) <> '+' ORDER BY b.o);
        IF cardinality(v_old) = 0 THEN
            v_start := CASE WHEN jsonb_array_length(v_hunk -> 'anchors') > 0 AND NOT v_eof
                            THEN v_cursor ELSE cardinality(v_lines) END;
        ELSE
            v_free := jsonb_array_length(v_hunk -> 'anchors') = 0 AND NOT v_eof;
            v_found := gapless_hunk_starts(v_lines, v_old, v_cursor, v_eof, v_free, v_name, p_at);
            IF cardinality(v_found) = 0 THEN
                PERFORM gapless_edit_rejected('PATCH_DOES_NOT_APPLY', format('%s expects %s %s starting ''%s'' %s %s,'
                    || ' which has no such lines', v_name, cardinality(v_old),
                    CASE WHEN cardinality(v_old) = 1 THEN 'line' ELSE 'lines' END, gapless_shorten(v_old[1]),
                    CASE WHEN v_eof THEN 'at the end of' ELSE 'below line ' || v_cursor || ' of' END, p_at));
            END IF;
            IF cardinality(v_found) > 1 THEN
                PERFORM gapless_edit_rejected('AMBIGUOUS_MATCH', format('%s matches %s places in %s (at lines %s%s);'
                    || ' add an ''@@'' line naming a line above the change, or more context, to make it unique',
                    v_name, cardinality(v_found), p_at,
                    (SELECT string_agg((s + 1)::text, ', ' ORDER BY o) FROM unnest(v_found[1:10]) WITH ORDINALITY
                         AS f(s, o)),
                    CASE WHEN cardinality(v_found) > 10 THEN ' and ' || (cardinality(v_found) - 10) || ' more'
                         ELSE '' END));
            END IF;
            v_start := v_found[1];
        END IF;
        -- kept lines stay as the file has them (they may have matched ignoring blanks); added lines are the patch's
        v_out := ARRAY []::text[];
        v_at := v_start;
        FOREACH v_line IN ARRAY v_body LOOP
            IF left(v_line, 1) = '+' THEN
                v_out := v_out || substr(v_line, 2);
            ELSIF left(v_line, 1) = ' ' THEN
                v_at := v_at + 1;
                v_out := v_out || v_lines[v_at];
            ELSE
                v_at := v_at + 1;
            END IF;
        END LOOP;
        v_lines := v_lines[1:v_start] || v_out || v_lines[v_at + 1:cardinality(v_lines)];
        v_cursor := v_start + cardinality(v_out);
    END LOOP;
    IF cardinality(v_lines) = 0 THEN
        RETURN '';
    END IF;
    v_text := array_to_string(v_lines, E'\n') || CASE WHEN v_ends THEN E'\n' ELSE '' END;
    RETURN CASE WHEN v_crlf THEN replace(v_text, E'\n', E'\r\n') ELSE v_text END;
END
$$;

DROP FUNCTION gapless_seek(text[], text[], integer, boolean);

-- Case twins: a new file (or a move's target) whose name differs from an existing file's only in ASCII case
-- (main.cpp, MAIN.CPP) is refused, naming the file that exists: they would be one file on Windows and macOS.
-- gapless_fold is HeadState.fold; artifact_files is indexed by it, so the check is one index lookup per new name.
CREATE FUNCTION gapless_fold(p_name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
    SELECT translate(p_name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
$$;

CREATE INDEX artifact_files_fold ON artifact_files (artifact_id, gapless_fold(filename));

-- The existing file (the least name, if several) whose name differs from p_name only in case, other than p_except
-- (a move's source: a move may change only the case of a name), or NULL.
CREATE FUNCTION gapless_case_twin(p_artifact uuid, p_name text, p_except text DEFAULT NULL)
    RETURNS text LANGUAGE sql STABLE AS
$$
    SELECT f.filename FROM artifact_files f
     WHERE f.artifact_id = p_artifact AND gapless_fold(f.filename) = gapless_fold(p_name) AND f.filename <> p_name
       AND f.filename IS DISTINCT FROM p_except
     ORDER BY f.filename COLLATE "C" LIMIT 1
$$;

-- gapless_append as in V4, with the case-twin checks.
CREATE OR REPLACE FUNCTION gapless_append(p_artifact uuid, p_change jsonb, p_sha256 bytea[], p_contents text[],
                               p_key text,
                               p_request_sha256 bytea, p_expected integer, p_max_files integer,
                               p_max_bytes bigint, p_lock_timeout_ms integer,
                               p_max_file_bytes integer DEFAULT 1048576,
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
    v_stored       jsonb := p_change;
    v_op           text;
    v_part         text;
    v_source       text;
    v_verb         text;
    v_at           text;
    v_content      text;
    v_result       text;
    v_count        integer;
    v_sha          bytea;
    v_size         integer;
    v_new_leaf     jsonb;
    v_twin         text;
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
    v_at := 'version ' || v_head;
    FOR v_leaf IN SELECT l.leaf_index, l.leaf, l.leaf_path FROM gapless_change_leaves(p_change) l
                   ORDER BY l.leaf_index LOOP
        v_leaves := v_leaves + 1;
        v_op := v_leaf.leaf ->> 'op';
        v_new_leaf := NULL;
        IF v_op IN ('put', 'create', 'add') THEN
            v_name := v_leaf.leaf -> 'file' ->> 'filename';
            SELECT * INTO v_old FROM artifact_files f WHERE f.artifact_id = p_artifact AND f.filename = v_name;
            IF FOUND AND v_op <> 'put' THEN
                PERFORM gapless_edit_rejected('FILE_EXISTS', format('cannot %s ''%s'': the file already exists in %s;'
                    || ' edit it, or delete it first', v_op, v_name, v_at));
            END IF;
            IF NOT FOUND THEN
                v_twin := gapless_case_twin(p_artifact, v_name);
                IF v_twin IS NOT NULL THEN
                    PERFORM gapless_edit_rejected('FILE_EXISTS', format('cannot %s ''%s'': the file ''%s'' already'
                        || ' exists in %s, and names that differ only in case are one file on Windows and macOS; edit'
                        || ' it, or delete it first', CASE WHEN v_op = 'put' THEN 'add' ELSE v_op END, v_name, v_twin,
                        v_at));
                END IF;
            END IF;
            IF FOUND THEN
                UPDATE artifact_files
                   SET language = v_leaf.leaf -> 'file' ->> 'language',
                       description = v_leaf.leaf -> 'file' ->> 'description',
                       sha256 = decode(v_leaf.leaf -> 'file' ->> 'sha256', 'hex'),
                       bytes = (v_leaf.leaf -> 'file' ->> 'bytes')::integer
                 WHERE artifact_id = p_artifact AND filename = v_name;
                v_bytes := v_bytes - v_old.bytes + (v_leaf.leaf -> 'file' ->> 'bytes')::bigint;
                v_part := 'Updated ' || v_name;
            ELSE
                INSERT INTO artifact_files (artifact_id, filename, language, description, sha256, bytes,
                                            added_version, added_index)
                VALUES (p_artifact, v_name, v_leaf.leaf -> 'file' ->> 'language',
                        v_leaf.leaf -> 'file' ->> 'description', decode(v_leaf.leaf -> 'file' ->> 'sha256', 'hex'),
                        (v_leaf.leaf -> 'file' ->> 'bytes')::integer, v_head + 1, v_leaf.leaf_index);
                v_files := v_files + 1;
                v_bytes := v_bytes + (v_leaf.leaf -> 'file' ->> 'bytes')::bigint;
                v_part := 'Added ' || v_name;
            END IF;
        ELSIF v_op = 'delete' THEN
            v_name := v_leaf.leaf ->> 'filename';
            DELETE FROM artifact_files f WHERE f.artifact_id = p_artifact AND f.filename = v_name
            RETURNING f.bytes INTO v_old.bytes;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'cannot delete ''%'': the artifact has no such file in %', v_name, v_at
                    USING ERRCODE = 'GL001';
            END IF;
            v_files := v_files - 1;
            v_bytes := v_bytes - v_old.bytes;
            v_part := 'Removed ' || v_name;
        ELSIF v_op IN ('edit', 'insert', 'update') THEN
            v_name := v_leaf.leaf ->> 'filename';
            v_source := coalesce(v_leaf.leaf ->> 'source', v_name);
            v_verb := CASE v_op WHEN 'edit' THEN 'edit' WHEN 'insert' THEN 'insert into' ELSE 'patch' END;
            SELECT * INTO v_old FROM artifact_files f WHERE f.artifact_id = p_artifact AND f.filename = v_source;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'cannot % ''%'': the artifact has no such file in %', v_verb, v_source, v_at
                    USING ERRCODE = 'GL001';
            END IF;
            IF v_source <> v_name AND EXISTS (SELECT 1 FROM artifact_files f
                                               WHERE f.artifact_id = p_artifact AND f.filename = v_name) THEN
                PERFORM gapless_edit_rejected('FILE_EXISTS', format('cannot move ''%s'' to ''%s'': the file already'
                    || ' exists in %s; edit it, or delete it first', v_source, v_name, v_at));
            END IF;
            IF v_source <> v_name THEN
                v_twin := gapless_case_twin(p_artifact, v_name, v_source);
                IF v_twin IS NOT NULL THEN
                    PERFORM gapless_edit_rejected('FILE_EXISTS', format('cannot move ''%s'' to ''%s'': the file ''%s'''
                        || ' already exists in %s, and names that differ only in case are one file on Windows and'
                        || ' macOS; edit it, or delete it first', v_source, v_name, v_twin, v_at));
                END IF;
            END IF;
            SELECT c.content INTO v_content FROM artifact_contents c
             WHERE c.artifact_id = p_artifact AND c.sha256 = v_old.sha256;
            v_count := 0;
            IF v_op = 'edit' THEN
                SELECT r.o_text, r.o_count INTO v_result, v_count
                  FROM gapless_replace(v_content, v_leaf.leaf ->> 'old_string', v_leaf.leaf ->> 'new_string',
                                       (v_leaf.leaf ->> 'replace_all')::boolean, v_source, v_at) r;
            ELSIF v_op = 'insert' THEN
                v_result := gapless_insert(v_content, (v_leaf.leaf ->> 'insert_line')::integer,
                                           v_leaf.leaf ->> 'text', v_source, v_at);
            ELSE
                v_result := gapless_apply_hunks(v_content, v_leaf.leaf -> 'hunks', v_source, v_at);
            END IF;
            v_size := octet_length(convert_to(v_result, 'UTF8'));
            IF v_size > p_max_file_bytes THEN
                PERFORM gapless_edit_rejected('CONTENT_TOO_LARGE', format('the edit would make ''%s'' %s bytes, over'
                    || ' the limit of %s bytes', v_name, v_size, p_max_file_bytes));
            END IF;
            v_sha := sha256(convert_to(v_result, 'UTF8'));
            -- after the lock, unlike every other content: the edit's result was not known before it
            INSERT INTO artifact_contents (artifact_id, sha256, content) VALUES (p_artifact, v_sha, v_result)
            ON CONFLICT DO NOTHING;
            IF v_source = v_name THEN
                UPDATE artifact_files SET sha256 = v_sha, bytes = v_size
                 WHERE artifact_id = p_artifact AND filename = v_name;
                v_bytes := v_bytes - v_old.bytes + v_size;
            ELSE
                INSERT INTO artifact_files (artifact_id, filename, language, description, sha256, bytes,
                                            added_version, added_index)
                VALUES (p_artifact, v_name, v_old.language, v_old.description, v_sha, v_size, v_head + 1,
                        v_leaf.leaf_index);
                v_files := v_files + 1;
                v_bytes := v_bytes + v_size;
            END IF;
            v_part := format('Edited %s (%s %s)', v_name, v_count,
                             CASE WHEN v_count = 1 THEN 'replacement' ELSE 'replacements' END);
            v_new_leaf := (v_leaf.leaf - 'summary' - 'hunks') || jsonb_build_object('file', jsonb_build_object(
                'filename', v_name, 'language', v_old.language, 'description', v_old.description,
                'sha256', encode(v_sha, 'hex'), 'bytes', v_size));
        ELSE
            RAISE EXCEPTION 'unknown change op %', v_op USING ERRCODE = '22023';
        END IF;
        IF (v_leaf.leaf -> 'summary') IS NOT NULL THEN
            v_part := v_leaf.leaf ->> 'summary';
            v_new_leaf := coalesce(v_new_leaf, v_leaf.leaf - 'summary');
        END IF;
        IF v_part <> '' THEN
            v_parts := v_parts || v_part;
        END IF;
        IF v_new_leaf IS NOT NULL THEN
            v_stored := CASE WHEN cardinality(v_leaf.leaf_path) = 0 THEN v_new_leaf
                             ELSE jsonb_set(v_stored, v_leaf.leaf_path, v_new_leaf) END;
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
    VALUES (p_artifact, o_version, v_stored, o_summary, p_key, v_files,
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
