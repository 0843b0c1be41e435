-- Gapless schema, version 5: a keyed append that the artifact's state rejected keeps its key.
--
--   artifact_key_failures  per (artifact, idempotency key): the rejection a keyed append met under the artifact's
--                          lock (a missing file, a file that already exists, an edit that does not apply, a limit),
--                          committed in the transaction that found it instead of rolling it back
--
-- A replay of the key (same change) is answered with the recorded rejection, as a replay of a written version is
-- answered with that version, so that a replayed response never changes the artifact: before this, a failed delete
-- ran again on the replay and could then succeed, deleting a file the first run had added. A key is in this table or
-- in artifact_versions, never in both: both are written and read under the artifact's lock (or compare-and-set of
-- its head). Failures found before the artifact is looked at (input validation) and transient ones (timeouts, lost
-- connections, lock timeouts) are not recorded: they wrote nothing and may run again.

CREATE TABLE artifact_key_failures (
    artifact_id     uuid        NOT NULL REFERENCES artifacts (id) ON DELETE CASCADE,
    idempotency_key text        NOT NULL,
    -- the SHA-256 of the change, to tell a replay from a reuse of the key for another change
    request_sha256  bytea       NOT NULL,
    -- the exception's type (its simple class name), its reason where it has one, and its message, as first raised
    failure_type    text        NOT NULL,
    reason          text,
    message         text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT artifact_key_failures_key PRIMARY KEY (artifact_id, idempotency_key)
);

-- ---------------------------------------------------------------------------------------------------------------
-- The server-function strategy's entry point from this version on: gapless_append (unchanged, still raising its
-- errors) behind the lock and the key lookups, with the rejections of a keyed append recorded and returned instead
-- of raised, so that the caller's COMMIT keeps the record. o_failure_type is NULL on success; when it is set,
-- o_version, o_summary and o_deduplicated are NULL and nothing but the record was written. The contents this call
-- stored before the lock are removed again when it is rejected (nothing references them).
-- Limits are reworded as dev.gapless.core.internal.Limits words them, edits keep gapless_append's messages (which
-- mirror TextEdits and V4a): the record reads the same whichever strategy replays it.

CREATE FUNCTION gapless_try_append(p_artifact uuid, p_change jsonb, p_sha256 bytea[], p_contents text[], p_key text,
                                   p_request_sha256 bytea, p_expected integer, p_max_files integer,
                                   p_max_bytes bigint, p_lock_timeout_ms integer, p_max_file_bytes integer,
                                   OUT o_version integer, OUT o_summary text, OUT o_deduplicated boolean,
                                   OUT o_failure_type text, OUT o_reason text, OUT o_message text)
    LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
    v_inserted bytea[];
    v_request  bytea;
    v_state    text;
    v_detail   text;
BEGIN
    IF p_key IS NULL THEN
        SELECT a.o_version, a.o_summary, a.o_deduplicated INTO o_version, o_summary, o_deduplicated
          FROM gapless_append(p_artifact, p_change, p_sha256, p_contents, p_key, p_request_sha256, p_expected,
                              p_max_files, p_max_bytes, p_lock_timeout_ms, p_max_file_bytes) a;
        RETURN;
    END IF;
    PERFORM set_config('lock_timeout', greatest(p_lock_timeout_ms, 1)::text, true);
    -- the lock order of every writer: contents (in SHA-256 order) first, then the artifact's row
    WITH ins AS (
        INSERT INTO artifact_contents (artifact_id, sha256, content)
        SELECT p_artifact, t.h, t.c FROM unnest(p_sha256, p_contents) AS t(h, c) ORDER BY t.h
        ON CONFLICT DO NOTHING RETURNING sha256)
    SELECT array_agg(sha256) INTO v_inserted FROM ins;
    PERFORM 1 FROM artifacts a WHERE a.id = p_artifact FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no artifact with id %', p_artifact USING ERRCODE = 'GL003';
    END IF;
    SELECT f.request_sha256, f.failure_type, f.reason, f.message INTO v_request, o_failure_type, o_reason, o_message
      FROM artifact_key_failures f WHERE f.artifact_id = p_artifact AND f.idempotency_key = p_key;
    IF FOUND THEN
        IF v_request <> p_request_sha256 THEN
            RAISE EXCEPTION 'idempotency key % was already used by a rejected call with another change', p_key
                USING ERRCODE = 'GL006', DETAIL = '0';
        END IF;
    ELSE
        BEGIN
            -- a subtransaction: a rejection undoes what gapless_append did, but not the row lock taken above
            SELECT a.o_version, a.o_summary, a.o_deduplicated INTO o_version, o_summary, o_deduplicated
              FROM gapless_append(p_artifact, p_change, p_sha256, p_contents, p_key, p_request_sha256, p_expected,
                                  p_max_files, p_max_bytes, p_lock_timeout_ms, p_max_file_bytes) a;
            RETURN;
        EXCEPTION WHEN SQLSTATE 'GL001' OR SQLSTATE 'GL004' OR SQLSTATE 'GL005' OR SQLSTATE 'GL007' THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, o_message = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
        o_failure_type := 'InvalidChangeException';
        o_reason := CASE v_state WHEN 'GL001' THEN 'NO_SUCH_FILE' WHEN 'GL004' THEN 'TOO_MANY_FILES'
                                 WHEN 'GL005' THEN 'ARTIFACT_TOO_LARGE' ELSE v_detail END;
        IF v_state = 'GL004' THEN
            o_message := format('the change would leave %s files in the artifact, over the limit of %s files',
                                v_detail, p_max_files);
        ELSIF v_state = 'GL005' THEN
            o_message := format('the change would make the artifact''s files %s bytes in total, over the limit of'
                                || ' %s bytes', v_detail, p_max_bytes);
        END IF;
        INSERT INTO artifact_key_failures (artifact_id, idempotency_key, request_sha256, failure_type, reason, message)
        VALUES (p_artifact, p_key, p_request_sha256, o_failure_type, o_reason, o_message);
    END IF;
    o_version := NULL;
    o_summary := NULL;
    o_deduplicated := NULL;
    DELETE FROM artifact_contents c WHERE c.artifact_id = p_artifact AND c.sha256 = ANY (v_inserted);
END
$$;
