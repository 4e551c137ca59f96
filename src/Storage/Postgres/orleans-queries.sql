-- The statements Orleans' ADO.NET providers run (10.4.x), one OrleansQuery row per query key; the providers read
-- them once, at start-up. Applied by every migration, after the numbered scripts: a changed statement replaces the
-- stored one. Keys and @parameter names are the providers' contract (see docs/storage.md); the SQL is ours.
--
-- Rules the providers rely on:
--  * Queries answering true/false return exactly one row with one boolean column.
--  * Every conditional write is one statement, so it is atomic without an explicit transaction (the providers
--    send none): a data-modifying CTE feeds the next one, and nothing is written unless every condition holds.
--  * Times arrive as UTC DateTime (Npgsql sends them as timestamptz) and go back the same way.

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Clustering (Microsoft.Orleans.Clustering.AdoNet) ----------------------------------------------------------------

-- @DeploymentId. Creates the cluster's version row; true if this call created it.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM created);
$q$),

-- @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime,
-- @IAmAliveTime, @Version (the table version the silo read). Adds the silo's row and bumps the version, both or
-- neither: the version row is locked by the UPDATE, so of two writers holding the same version only one succeeds.
('InsertMembershipKey', $q$
WITH bumped AS (
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, ChangedAt = now()
    WHERE DeploymentId = @DeploymentId
      AND Version = @Version
      AND NOT EXISTS (
          SELECT 1 FROM OrleansMembershipTable
          WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation)
    RETURNING DeploymentId),
inserted AS (
    INSERT INTO OrleansMembershipTable
        (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
    SELECT DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
    FROM bumped
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM inserted);
$q$),

-- @DeploymentId, @Address, @Port, @Generation, @Status, @SuspectTimes, @IAmAliveTime, @Version.
-- Changes the silo's row and bumps the version, both or neither.
('UpdateMembershipKey', $q$
WITH bumped AS (
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, ChangedAt = now()
    WHERE DeploymentId = @DeploymentId
      AND Version = @Version
      AND EXISTS (
          SELECT 1 FROM OrleansMembershipTable
          WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation)
    RETURNING DeploymentId),
changed AS (
    UPDATE OrleansMembershipTable AS m
    SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
    FROM bumped
    WHERE m.DeploymentId = bumped.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM changed);
$q$),

-- @DeploymentId, @Address, @Port, @Generation, @IAmAliveTime. The heartbeat: no version change.
('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
$q$),

-- @DeploymentId, @Address, @Port, @Generation. The version row, with the silo's columns when it has a row
-- (all NULL otherwise): the provider needs the version either way.
('MembershipReadRowKey', $q$
SELECT m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.SuspectTimes,
       m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m
       ON m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;
$q$),

-- @DeploymentId. Every silo of the cluster with the version, read in one snapshot.
('MembershipReadAllKey', $q$
SELECT m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort, m.SuspectTimes,
       m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable AS v
LEFT JOIN OrleansMembershipTable AS m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;
$q$),

-- @DeploymentId. Forgets the cluster.
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$),

-- @DeploymentId, @Status (Active). Where clients connect: the gateways of active silos.
('GatewaysQueryKey', $q$
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
$q$),

-- @DeploymentId, @IAmAliveTime (the cut-off). Removes dead silos (status 6) last heard of before the cut-off.
-- The provider uses this only when CleanupDefunctSiloEntryKey is absent; rows still carrying suspicions are kept.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId
  AND Status = 6
  AND IAmAliveTime < @IAmAliveTime
  AND StartTime < @IAmAliveTime
  AND coalesce(SuspectTimes, '') = '';
$q$),

-- @DeploymentId, @Address, @Port, @Generation, @StartTime, @IAmAliveTime, @SuspectTimes: one dead silo's row as
-- the provider read it and judged it defunct. Removed only if it is still exactly that row.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
  AND Status = 6
  AND StartTime = @StartTime
  AND IAmAliveTime = @IAmAliveTime
  AND coalesce(SuspectTimes, '') = coalesce(@SuspectTimes, '');
$q$),

-- Grain state (Microsoft.Orleans.Persistence.AdoNet) --------------------------------------------------------------
-- Every statement names the grain by @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
-- @GrainIdExtensionString (NULL when the key has no string part) and @ServiceId.

-- PayloadBinary and Version. A NULL payload (a cleared state) reads as "no state" with its version kept.
('ReadFromStorageKey', $q$
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = coalesce(@GrainIdExtensionString, '');
$q$),

-- + @PayloadBinary, @GrainStateVersion (the ETag; NULL for a grain that has never been written).
-- Returns NewGrainStateVersion, or no row when the ETag is stale (the provider then raises
-- InconsistentStateException). A NULL ETag may only create the row; a version may only update a row that still
-- has it (ON CONFLICT re-checks the locked row, so of two concurrent writers only one wins).
('WriteToStorageKey', $q$
INSERT INTO OrleansStorage AS s
    (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
     ServiceId, PayloadBinary, ModifiedOn, Version)
SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, coalesce(@GrainIdExtensionString, ''),
       @ServiceId, @PayloadBinary, now(), 1
WHERE @GrainStateVersion IS NULL
   OR EXISTS (
        SELECT 1 FROM OrleansStorage
        WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
          AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
          AND GrainIdExtensionString = coalesce(@GrainIdExtensionString, '')
          AND Version = @GrainStateVersion)
ON CONFLICT (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
DO UPDATE SET PayloadBinary = EXCLUDED.PayloadBinary, ModifiedOn = EXCLUDED.ModifiedOn, Version = s.Version + 1
WHERE s.Version = @GrainStateVersion
RETURNING s.Version AS NewGrainStateVersion;
$q$),

-- + @GrainStateVersion. Used with DeleteStateOnClear = false (ours): keeps the row, drops the payload, bumps the
-- version, which becomes the grain's ETag.
('ClearStorageKey', $q$
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = coalesce(@GrainIdExtensionString, '')
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
$q$),

-- + @GrainStateVersion. Used only with DeleteStateOnClear = true. The provider reads a returned value equal to the
-- ETag as a conflict, so success returns the deleted version + 1.
('DeleteStorageKey', $q$
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1 AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = coalesce(@GrainIdExtensionString, '')
  AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
$q$),

-- Reminders (Microsoft.Orleans.Reminders.AdoNet) ------------------------------------------------------------------
-- Rows return GrainId, ReminderName, StartTime, Period (milliseconds) and Version (the ETag).

-- @ServiceId, @GrainId. One grain's reminders.
('ReadReminderRowsKey', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId;
$q$),

-- @ServiceId, @GrainId, @ReminderName.
('ReadReminderRowKey', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;
$q$),

-- @ServiceId, @BeginHash, @EndHash: the ring range (begin, end] when begin < end as signed integers.
('ReadRangeRows1Key', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;
$q$),

-- The same when the range wraps past the top of the ring: (begin, max] and [min, end].
('ReadRangeRows2Key', $q$
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);
$q$),

-- @ServiceId, @GrainId, @GrainHash, @ReminderName, @StartTime, @Period. Returns the row's new Version.
('UpsertReminderRowKey', $q$
INSERT INTO OrleansRemindersTable AS r (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 1)
ON CONFLICT (ServiceId, GrainId, ReminderName)
DO UPDATE SET StartTime = EXCLUDED.StartTime, Period = EXCLUDED.Period, GrainHash = EXCLUDED.GrainHash,
              Version = r.Version + 1
RETURNING r.Version AS Version;
$q$),

-- @ServiceId, @GrainId, @ReminderName, @Version. True if the row with that version was removed.
('DeleteReminderRowKey', $q$
WITH removed AS (
    DELETE FROM OrleansRemindersTable
    WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version
    RETURNING 1)
SELECT EXISTS (SELECT 1 FROM removed);
$q$),

-- @ServiceId. Every reminder of the service (used by tests).
('DeleteReminderRowsKey', $q$
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;
$q$)

ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText
WHERE OrleansQuery.QueryText IS DISTINCT FROM EXCLUDED.QueryText;
