-- Gapless schema, version 2: the server-function strategy's append in one round trip.
-- gapless_apply_change mirrors dev.gapless.core.Change#apply and #summary exactly (a property test compares them);
-- gapless_append locks the artifact row, then reads in later statements of this VOLATILE function, each with a
-- fresh snapshot (docs/architecture.md, trap 1). Errors carry Gapless's own SQLSTATEs: GL001 no such file, GL002 head is not
-- the expected version (DETAIL = the actual head), GL003 no such artifact.

CREATE OR REPLACE FUNCTION gapless_apply_change(p_files jsonb, p_change jsonb, OUT o_files jsonb, OUT o_summary text)
    LANGUAGE plpgsql IMMUTABLE AS
$$
DECLARE
    v_op      text := p_change ->> 'op';
    v_name    text;
    v_index   integer;
    v_inner   jsonb;
    v_partial text;
BEGIN
    o_files := p_files;
    IF v_op = 'put' THEN
        v_name := p_change -> 'file' ->> 'filename';
        SELECT e.ord - 1 INTO v_index
          FROM jsonb_array_elements(o_files) WITH ORDINALITY AS e(f, ord)
         WHERE e.f ->> 'filename' = v_name;
        IF v_index IS NULL THEN
            o_files := o_files || jsonb_build_array(p_change -> 'file');
            o_summary := 'Added ' || v_name;
        ELSE
            o_files := jsonb_set(o_files, ARRAY [v_index::text], p_change -> 'file');
            o_summary := 'Updated ' || v_name;
        END IF;
    ELSIF v_op = 'delete' THEN
        v_name := p_change ->> 'filename';
        SELECT e.ord - 1 INTO v_index
          FROM jsonb_array_elements(o_files) WITH ORDINALITY AS e(f, ord)
         WHERE e.f ->> 'filename' = v_name;
        IF v_index IS NULL THEN
            RAISE EXCEPTION 'cannot delete ''%'': the artifact has no such file', v_name USING ERRCODE = 'GL001';
        END IF;
        o_files := o_files - v_index;
        o_summary := 'Removed ' || v_name;
    ELSIF v_op = 'batch' THEN
        o_summary := '';
        FOR v_inner IN SELECT value FROM jsonb_array_elements(p_change -> 'changes') LOOP
            SELECT a.o_files, a.o_summary INTO o_files, v_partial FROM gapless_apply_change(o_files, v_inner) a;
            o_summary := CASE WHEN o_summary = '' THEN v_partial ELSE o_summary || '; ' || v_partial END;
        END LOOP;
    ELSE
        RAISE EXCEPTION 'unknown change op %', v_op USING ERRCODE = '22023';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION gapless_append(p_artifact uuid, p_change jsonb, p_key text, p_expected integer,
                                          OUT o_version integer, OUT o_summary text, OUT o_deduplicated boolean)
    LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
    v_head  integer;
    v_files jsonb;
BEGIN
    SELECT a.head_version INTO v_head FROM artifacts a WHERE a.id = p_artifact FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no artifact with id %', p_artifact USING ERRCODE = 'GL003';
    END IF;
    IF p_key IS NOT NULL THEN
        SELECT v.version_number, v.change_summary INTO o_version, o_summary
          FROM artifact_versions v
         WHERE v.artifact_id = p_artifact AND v.idempotency_key = p_key;
        IF FOUND THEN
            o_deduplicated := true;
            RETURN;
        END IF;
    END IF;
    IF p_expected IS NOT NULL AND p_expected <> v_head THEN
        RAISE EXCEPTION 'artifact % is at version %, expected %', p_artifact, v_head, p_expected
            USING ERRCODE = 'GL002', DETAIL = v_head::text;
    END IF;
    IF v_head = 0 THEN
        v_files := '[]'::jsonb;
    ELSE
        SELECT v.content_json -> 'files' INTO v_files
          FROM artifact_versions v
         WHERE v.artifact_id = p_artifact AND v.version_number = v_head;
    END IF;
    SELECT a.o_files, a.o_summary INTO v_files, o_summary FROM gapless_apply_change(v_files, p_change) a;
    INSERT INTO artifact_versions (artifact_id, version_number, content_json, change_json, change_summary,
                                   idempotency_key)
    VALUES (p_artifact, v_head + 1, jsonb_build_object('files', v_files), p_change, o_summary, p_key);
    UPDATE artifacts SET head_version = v_head + 1 WHERE id = p_artifact;
    o_version := v_head + 1;
    o_deduplicated := false;
END
$$;
