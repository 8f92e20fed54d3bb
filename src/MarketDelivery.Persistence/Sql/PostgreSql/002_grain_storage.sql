-- Grain state for Orleans.Persistence.AdoNet (10.4).
-- Parameters the provider binds: ServiceId, GrainTypeString, GrainTypeHash, GrainIdN0, GrainIdN1,
-- GrainIdExtensionString (may be NULL), GrainIdHash, GrainStateVersion (NULL before the first write),
-- PayloadBinary. Result columns it reads: PayloadBinary + Version (read), NewGrainStateVersion (write),
-- first column (clear/delete). A NULL or missing version in a write/clear result means
-- "someone else wrote first" and the provider throws InconsistentStateException.
CREATE TABLE IF NOT EXISTS md_grain_state
(
    service_id       text        NOT NULL,
    grain_type       text        NOT NULL,
    grain_id_n0      bigint      NOT NULL,
    grain_id_n1      bigint      NOT NULL,
    -- '' instead of NULL so the primary key also works for grains without a key extension.
    grain_id_ext     text        NOT NULL DEFAULT '',
    grain_id_hash    integer     NOT NULL,
    grain_type_hash  integer     NOT NULL,
    payload          bytea       NULL,
    version          integer     NOT NULL,
    modified_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_md_grain_state PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $sql$
SELECT s.payload AS "PayloadBinary", s.version AS "Version"
FROM md_grain_state s
WHERE s.service_id = @ServiceId
  AND s.grain_type = @GrainTypeString
  AND s.grain_id_n0 = @GrainIdN0
  AND s.grain_id_n1 = @GrainIdN1
  AND s.grain_id_ext = COALESCE(@GrainIdExtensionString, '');
$sql$),
-- One statement: the first write (no version) inserts version 1; a later write must name the current
-- version and bumps it. Any other case changes nothing and yields NULL, which the provider turns into
-- an InconsistentStateException. The proposed row is only offered when it can be valid, so a write with
-- a version never resurrects a row that is gone.
('WriteToStorageKey', $sql$
WITH written AS (
    INSERT INTO md_grain_state AS s
        (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext, grain_id_hash, grain_type_hash, payload, version, modified_at)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''),
           @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1, now()
    WHERE @GrainStateVersion IS NULL
       OR EXISTS (SELECT 1 FROM md_grain_state e
                  WHERE e.service_id = @ServiceId AND e.grain_type = @GrainTypeString
                    AND e.grain_id_n0 = @GrainIdN0 AND e.grain_id_n1 = @GrainIdN1
                    AND e.grain_id_ext = COALESCE(@GrainIdExtensionString, ''))
    ON CONFLICT (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext) DO UPDATE
        SET payload = EXCLUDED.payload,
            grain_id_hash = EXCLUDED.grain_id_hash,
            grain_type_hash = EXCLUDED.grain_type_hash,
            version = s.version + 1,
            modified_at = now()
        WHERE s.version = @GrainStateVersion
    RETURNING s.version
)
SELECT (SELECT version FROM written) AS "NewGrainStateVersion";
$sql$),
-- Clearing keeps the row (payload NULL) and bumps the version, so the grain's ETag stays meaningful.
('ClearStorageKey', $sql$
WITH cleared AS (
    UPDATE md_grain_state s
    SET payload = NULL, version = s.version + 1, modified_at = now()
    WHERE s.service_id = @ServiceId
      AND s.grain_type = @GrainTypeString
      AND s.grain_id_n0 = @GrainIdN0
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_id_ext = COALESCE(@GrainIdExtensionString, '')
      AND s.version = @GrainStateVersion
    RETURNING s.version
)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion";
$sql$),
-- Used only with DeleteStateOnClear=true. The provider compares the returned value with the grain's
-- ETag, so it must differ from it on success: return the version the row would have had next.
('DeleteStorageKey', $sql$
WITH deleted AS (
    DELETE FROM md_grain_state s
    WHERE s.service_id = @ServiceId
      AND s.grain_type = @GrainTypeString
      AND s.grain_id_n0 = @GrainIdN0
      AND s.grain_id_n1 = @GrainIdN1
      AND s.grain_id_ext = COALESCE(@GrainIdExtensionString, '')
      AND s.version = @GrainStateVersion
    RETURNING s.version + 1 AS next_version
)
SELECT (SELECT next_version FROM deleted) AS "NewGrainStateVersion";
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
