-- Gapless schema, version 11: an artifact's life after its versions are written (retention).
--
--   artifact_retention  per pruned artifact, the oldest version still kept: versions before it were pruned, and
--                       reading one raises VersionPrunedException naming it. No row: nothing was pruned (oldest 1).
--
-- A separate table rather than a column of artifacts: pruning then never updates the artifact's row, which every
-- writer locks, so it never waits for a writer nor makes one wait. Inserting the row takes only a KEY SHARE lock on
-- the artifact's row (the foreign key), which does not conflict with a writer's NO KEY UPDATE. Deleting the artifact
-- deletes it with the rest (ON DELETE CASCADE).

CREATE TABLE artifact_retention (
    artifact_id    uuid    PRIMARY KEY REFERENCES artifacts (id) ON DELETE CASCADE,
    oldest_version integer NOT NULL CHECK (oldest_version > 0)
);

-- No index on artifact_versions.created_at: pruning by age reads the kept versions' times through the
-- (artifact_id, version_number) index, which every write maintains anyway; another index would cost every append.
