-- Grain state for Orleans.Persistence.AdoNet (10.4) on SQLite (invariant "System.Data.SQLite", which
-- Orleans 10.4 serves with Microsoft.Data.Sqlite). Same contract as the PostgreSQL script; SQLite has no
-- data-changing CTEs, so each query is an UPSERT/UPDATE ... RETURNING followed by a
-- "SELECT NULL ... WHERE changes() = 0" that yields the NULL version the provider needs to detect a conflict.
CREATE TABLE IF NOT EXISTS md_grain_state
(
    service_id      TEXT    NOT NULL,
    grain_type      TEXT    NOT NULL,
    grain_id_n0     INTEGER NOT NULL,
    grain_id_n1     INTEGER NOT NULL,
    grain_id_ext    TEXT    NOT NULL DEFAULT '',
    grain_id_hash   INTEGER NOT NULL,
    grain_type_hash INTEGER NOT NULL,
    payload         BLOB    NULL,
    version         INTEGER NOT NULL,
    modified_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
FROM md_grain_state
WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '''');
'),
('WriteToStorageKey', '
INSERT INTO md_grain_state
    (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext, grain_id_hash, grain_type_hash, payload, version)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''''),
       @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1
WHERE @GrainStateVersion IS NULL
   OR EXISTS (SELECT 1 FROM md_grain_state e
              WHERE e.service_id = @ServiceId AND e.grain_type = @GrainTypeString
                AND e.grain_id_n0 = @GrainIdN0 AND e.grain_id_n1 = @GrainIdN1
                AND e.grain_id_ext = COALESCE(@GrainIdExtensionString, ''''))
ON CONFLICT (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext) DO UPDATE
    SET payload = excluded.payload,
        grain_id_hash = excluded.grain_id_hash,
        grain_type_hash = excluded.grain_type_hash,
        version = md_grain_state.version + 1,
        modified_at = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
    WHERE md_grain_state.version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;
SELECT NULL AS NewGrainStateVersion WHERE changes() = 0;
'),
('ClearStorageKey', '
UPDATE md_grain_state
SET payload = NULL, version = version + 1, modified_at = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '''')
  AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;
SELECT NULL AS NewGrainStateVersion WHERE changes() = 0;
'),
('DeleteStorageKey', '
DELETE FROM md_grain_state
WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_id_ext = COALESCE(@GrainIdExtensionString, '''')
  AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion;
SELECT NULL AS NewGrainStateVersion WHERE changes() = 0;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
