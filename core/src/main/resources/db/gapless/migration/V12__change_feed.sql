-- Gapless schema, version 12: the change feed's wake-up.
--
-- After each INSERT statement on artifact_versions, one pg_notify on channel gapless_feed whose payload lists the
-- artifacts the statement wrote, each with the highest version it inserted: "<uuid>:<version>,<uuid>:<version>".
-- A payload that would pass 7,000 bytes (NOTIFY's limit is 8,000) is sent empty, meaning "look at every artifact".
-- PostgreSQL delivers it when the writing transaction commits, and drops it when it rolls back. One statement costs
-- one notification, however many versions it inserted.
--
-- The notification is only a wake-up: readers of the feed read the versions themselves from artifact_versions, and
-- poll on a timer too, because a notification is lost while a listener reconnects and does not pass a PgBouncer in
-- transaction mode. Setting gapless.feed_notify to off (ALTER DATABASE ... SET gapless.feed_notify = off, or per
-- role or session) skips the notification for deployments whose readers only poll.
-- Versions 9 to 11 are left to other migrations.

CREATE FUNCTION gapless_feed_notify() RETURNS trigger LANGUAGE plpgsql AS
$$
DECLARE
    v_payload text;
BEGIN
    IF coalesce(current_setting('gapless.feed_notify', true), '') = 'off' THEN
        RETURN NULL;
    END IF;
    SELECT string_agg(s.artifact_id::text || ':' || s.version_number, ',' ORDER BY s.artifact_id)
      INTO v_payload
      FROM (SELECT artifact_id, max(version_number) AS version_number FROM inserted GROUP BY artifact_id) s;
    IF v_payload IS NULL THEN
        RETURN NULL;
    END IF;
    IF octet_length(v_payload) > 7000 THEN
        v_payload := '';
    END IF;
    PERFORM pg_notify('gapless_feed', v_payload);
    RETURN NULL;
END
$$;

CREATE TRIGGER artifact_versions_feed_notify AFTER INSERT ON artifact_versions
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION gapless_feed_notify();
