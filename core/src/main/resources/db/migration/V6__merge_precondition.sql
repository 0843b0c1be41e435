-- Gapless schema, version 6: gapless_append with preconditions, for the server-function strategy (issue 20).
--
-- A put that says which version its writer saw is merged in Java with what changed its file since; the merged
-- file is written only if the file is still the one merged onto: p_files / p_file_sha256 name each such file and
-- the digest of its content at the head the merge read (NULL: the file must not exist). Checked under the
-- artifact's row lock; a file that moved again fails with GL409, which the strategy retries (merging again).
-- p_check_unchanged: when every leaf of the change is a put of a file identical to the head's (content, language
-- and description), and its key is not applied yet, nothing is written and o_unchanged is true with the head.
-- The lock order is kept: contents first, then the row lock, then gapless_append, which takes the same lock again.

CREATE FUNCTION gapless_append_checked(p_files text[], p_file_sha256 bytea[], p_check_unchanged boolean,
                                       p_artifact uuid, p_change jsonb, p_sha256 bytea[], p_contents text[],
                                       p_key text, p_request_sha256 bytea, p_expected integer, p_max_files integer,
                                       p_max_bytes bigint, p_lock_timeout_ms integer, p_max_file_bytes integer,
                                       OUT o_version integer, OUT o_summary text, OUT o_deduplicated boolean,
                                       OUT o_unchanged boolean)
    LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
    v_head integer;
BEGIN
    o_unchanged := false;
    IF cardinality(p_files) > 0 OR p_check_unchanged THEN
        PERFORM set_config('lock_timeout', greatest(p_lock_timeout_ms, 1)::text, true);
        INSERT INTO artifact_contents (artifact_id, sha256, content)
        SELECT p_artifact, t.h, t.c FROM unnest(p_sha256, p_contents) AS t(h, c) ORDER BY t.h
        ON CONFLICT DO NOTHING;
        SELECT a.head_version INTO v_head FROM artifacts a WHERE a.id = p_artifact FOR NO KEY UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no artifact with id %', p_artifact USING ERRCODE = 'GL003';
        END IF;
        IF EXISTS (SELECT 1 FROM unnest(p_files, p_file_sha256) AS p(name, sha)
                     LEFT JOIN artifact_files f ON f.artifact_id = p_artifact AND f.filename = p.name
                    WHERE f.sha256 IS DISTINCT FROM p.sha) THEN
            RAISE EXCEPTION 'a file of artifact % changed since the merge read it', p_artifact
                USING ERRCODE = 'GL409';
        END IF;
        IF p_check_unchanged
           AND (p_expected IS NULL OR p_expected = v_head)
           AND (p_key IS NULL OR NOT EXISTS (SELECT 1 FROM artifact_versions v
                                              WHERE v.artifact_id = p_artifact AND v.idempotency_key = p_key))
           AND NOT EXISTS (SELECT 1 FROM gapless_change_leaves(p_change) l
                             LEFT JOIN artifact_files f
                               ON f.artifact_id = p_artifact AND f.filename = l.leaf -> 'file' ->> 'filename'
                            WHERE l.leaf ->> 'op' <> 'put' OR f.filename IS NULL
                               OR f.sha256 <> decode(l.leaf -> 'file' ->> 'sha256', 'hex')
                               OR f.language IS DISTINCT FROM l.leaf -> 'file' ->> 'language'
                               OR f.description IS DISTINCT FROM l.leaf -> 'file' ->> 'description') THEN
            o_version := v_head;
            o_deduplicated := false;
            o_unchanged := true;
            RETURN;
        END IF;
    END IF;
    SELECT a.o_version, a.o_summary, a.o_deduplicated INTO o_version, o_summary, o_deduplicated
      FROM gapless_append(p_artifact, p_change, p_sha256, p_contents, p_key, p_request_sha256, p_expected,
                          p_max_files, p_max_bytes, p_lock_timeout_ms, p_max_file_bytes) a;
END
$$;
