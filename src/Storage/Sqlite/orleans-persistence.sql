-- Orleans ADO.NET grain persistence (Microsoft.Orleans.Persistence.AdoNet 10.4.x) on SQLite
-- through Microsoft.Data.Sqlite. The provider must be configured with Invariant
-- "System.Data.SQLite": that is the only SQLite invariant it knows, and it maps it to
-- Microsoft.Data.Sqlite.SqliteFactory.
--
-- Safe to run at every start (all statements are re-runnable); run it before the silo starts,
-- because the provider reads OrleansQuery once, during silo start-up.
-- Run it outside an explicit transaction: journal_mode cannot be changed inside one.

-- WAL lets readers carry on while a writer commits, which the provider needs because it
-- opens a connection per operation. The mode is stored in the database file, so setting it
-- here is enough; busy waiting is per connection and comes from the connection string
-- ("Default Timeout").
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    -- The provider passes the state name here (e.g. "state" for every Grain<T>), not the grain
    -- class, and the grain id part carries the key only: two grain classes that share a state
    -- name and a key share one row. Give each grain class its own state name.
    GrainTypeString        TEXT    NOT NULL,
    -- '' rather than NULL for keys without a string part: SQLite treats NULLs as distinct in a
    -- UNIQUE constraint, which would let duplicate rows in and keep ON CONFLICT from firing.
    GrainIdExtensionString TEXT    NOT NULL DEFAULT '',
    ServiceId              TEXT    NOT NULL,
    -- NULL after a clear; the row is kept so the version keeps counting and stale ETags still fail.
    PayloadBinary          BLOB    NULL,
    ModifiedOn             TEXT    NOT NULL,
    Version                INTEGER NOT NULL,
    -- The hashes come first so that lookups seek on two integers; the full values make the
    -- key exact, so a hash collision can never merge two grains.
    CONSTRAINT UQ_OrleansStorage_Grain UNIQUE
        (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
);

-- Result: zero or one row with PayloadBinary and Version (the ETag). A NULL payload reads as
-- "no record" while the version is still handed back, so the next write must match it.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = IFNULL(@GrainIdExtensionString, '''');
');

-- One statement, so the version check and the write are atomic without a transaction (the
-- provider sends none). A NULL @GrainStateVersion may only create the row; a non-NULL one may
-- only update a row that still has that version. The SELECT yields a row only in those two
-- cases, so a stale ETag cannot re-create a deleted row, and the DO UPDATE guard stops a
-- NULL ETag from overwriting an existing row. When nothing is written, RETURNING yields no
-- row and the provider raises InconsistentStateException.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO OrleansStorage
    (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString,
     ServiceId, PayloadBinary, ModifiedOn, Version)
SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, IFNULL(@GrainIdExtensionString, ''''),
       @ServiceId, @PayloadBinary, strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''), 1
WHERE @GrainStateVersion IS NULL
   OR EXISTS (
        SELECT 1
        FROM OrleansStorage
        WHERE GrainIdHash = @GrainIdHash
          AND GrainTypeHash = @GrainTypeHash
          AND ServiceId = @ServiceId
          AND GrainIdN0 = @GrainIdN0
          AND GrainIdN1 = @GrainIdN1
          AND GrainTypeString = @GrainTypeString
          AND GrainIdExtensionString = IFNULL(@GrainIdExtensionString, '''')
          AND Version = @GrainStateVersion)
ON CONFLICT (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
DO UPDATE SET
    PayloadBinary = excluded.PayloadBinary,
    ModifiedOn = excluded.ModifiedOn,
    Version = Version + 1
WHERE Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
');

-- Used when DeleteStateOnClear = false (the default). Keeps the row and bumps the version, so
-- the new version becomes the grain's ETag.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL,
    ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now''),
    Version = Version + 1
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = IFNULL(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
');

-- Used only when DeleteStateOnClear = true. The provider treats a returned value equal to the
-- ETag as a conflict, so success must return something else: the deleted version + 1.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash
  AND GrainTypeHash = @GrainTypeHash
  AND ServiceId = @ServiceId
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainTypeString = @GrainTypeString
  AND GrainIdExtensionString = IFNULL(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
');
