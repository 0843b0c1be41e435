-- Gapless schema, version 3: gapless_append with the caller's lock timeout, so that the server-function strategy
-- can call it as a single autocommitted statement (one round trip): the function sets lock_timeout for its own
-- transaction before it takes the artifact's row lock.

CREATE OR REPLACE FUNCTION gapless_append(p_artifact uuid, p_change jsonb, p_key text, p_expected integer,
                                          p_lock_timeout_ms integer,
                                          OUT o_version integer, OUT o_summary text, OUT o_deduplicated boolean)
    LANGUAGE plpgsql VOLATILE AS
$$
BEGIN
    PERFORM set_config('lock_timeout', greatest(p_lock_timeout_ms, 1)::text, true);
    SELECT a.o_version, a.o_summary, a.o_deduplicated INTO o_version, o_summary, o_deduplicated
      FROM gapless_append(p_artifact, p_change, p_key, p_expected) a;
END
$$;
