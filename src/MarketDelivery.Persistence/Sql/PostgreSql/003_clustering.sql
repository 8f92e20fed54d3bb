-- Membership for Orleans.Clustering.AdoNet (10.4). "DeploymentId" is the cluster id.
-- The table version (one row per cluster) is the optimistic-concurrency token of the whole table:
-- every insert/update of a member must name the current version (@Version) and bumps it.
-- Status codes are Orleans' SiloStatus values (3 = Active, 6 = Dead).
CREATE TABLE IF NOT EXISTS md_membership_version
(
    deployment_id text        NOT NULL PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS md_membership
(
    deployment_id   text        NOT NULL REFERENCES md_membership_version (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NULL,
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    CONSTRAINT pk_md_membership PRIMARY KEY (deployment_id, address, port, generation)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
-- Returns one boolean column: whether the version row was created now.
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO md_membership_version (deployment_id) VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created);
$sql$),
-- The version row always comes back (LEFT JOIN): the provider takes the table version from the first row
-- and treats a row without StartTime as "no member".
('MembershipReadAllKey', $sql$
SELECT v.version AS "Version",
       m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status",
       m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
       m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM md_membership_version v
LEFT JOIN md_membership m ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
$sql$),
('MembershipReadRowKey', $sql$
SELECT v.version AS "Version",
       m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
       m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status",
       m.proxy_port AS "ProxyPort", m.suspect_times AS "SuspectTimes",
       m.start_time AS "StartTime", m.i_am_alive_time AS "IAmAliveTime"
FROM md_membership_version v
LEFT JOIN md_membership m
       ON m.deployment_id = v.deployment_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deployment_id = @DeploymentId;
$sql$),
-- Bumps the table version only if it is still @Version and the silo is not yet a member, then adds it.
('InsertMembershipKey', $sql$
WITH bumped AS (
    UPDATE md_membership_version v
    SET version = v.version + 1, changed_at = now()
    WHERE v.deployment_id = @DeploymentId
      AND v.version = @Version
      AND NOT EXISTS (SELECT 1 FROM md_membership m
                      WHERE m.deployment_id = @DeploymentId AND m.address = @Address
                        AND m.port = @Port AND m.generation = @Generation)
    RETURNING v.deployment_id
), added AS (
    INSERT INTO md_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                               proxy_port, suspect_times, start_time, i_am_alive_time)
    SELECT b.deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
           @ProxyPort, NULL, @StartTime, @IAmAliveTime
    FROM bumped b
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM added);
$sql$),
('UpdateMembershipKey', $sql$
WITH bumped AS (
    UPDATE md_membership_version v
    SET version = v.version + 1, changed_at = now()
    WHERE v.deployment_id = @DeploymentId
      AND v.version = @Version
      AND EXISTS (SELECT 1 FROM md_membership m
                  WHERE m.deployment_id = @DeploymentId AND m.address = @Address
                    AND m.port = @Port AND m.generation = @Generation)
    RETURNING v.deployment_id
), changed AS (
    UPDATE md_membership m
    SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
    FROM bumped b
    WHERE m.deployment_id = b.deployment_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM changed);
$sql$),
-- Heartbeat: deliberately does not touch the table version (it is not a membership change).
('UpdateIAmAlivetimeKey', $sql$
UPDATE md_membership
SET i_am_alive_time = @IAmAliveTime
WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
$sql$),
('GatewaysQueryKey', $sql$
SELECT m.address AS "Address", m.proxy_port AS "ProxyPort", m.generation AS "Generation"
FROM md_membership m
WHERE m.deployment_id = @DeploymentId AND m.status = @Status AND m.proxy_port > 0;
$sql$),
-- Members go with their version row (ON DELETE CASCADE).
('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM md_membership_version WHERE deployment_id = @DeploymentId;
$sql$),
-- Fallback used by Orleans when CleanupDefunctSiloEntryKey is absent: stale, non-active rows.
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM md_membership
WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND status <> 3;
$sql$),
-- 10.4 prefers this one: Orleans picks dead rows older than the cut-off itself and deletes each one
-- only if it still has the values it saw (so a row that came back to life is kept).
('CleanupDefunctSiloEntryKey', $sql$
DELETE FROM md_membership
WHERE deployment_id = @DeploymentId
  AND address = @Address AND port = @Port AND generation = @Generation
  AND status = 6
  AND start_time = @StartTime
  AND i_am_alive_time = @IAmAliveTime
  AND suspect_times IS NOT DISTINCT FROM @SuspectTimes;
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
