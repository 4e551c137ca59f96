-- Tables of Orleans' ADO.NET providers on PostgreSQL through Npgsql (Invariant "Npgsql"):
-- Microsoft.Orleans.Clustering.AdoNet, .Persistence.AdoNet and .Reminders.AdoNet 10.4.x.
-- The statements the providers run are rows of OrleansQuery, written by orleans-queries.sql.
--
-- A numbered script runs once per database, recorded in tryon_schema_migrations, inside the migration's
-- transaction; it is still written to be re-runnable. Never edit one that has shipped: add the next number.
-- Identifiers are unquoted, so PostgreSQL stores them in lower case; Npgsql finds the columns the providers ask
-- for (e.g. "IAmAliveTime") whatever their case.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  text NOT NULL PRIMARY KEY,
    QueryText text NOT NULL
);

-- Membership. One version row per cluster (DeploymentId is Orleans' ClusterId): every change of a member row
-- bumps it, and a writer names the version it read, so two silos cannot both act on the same view.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId text        NOT NULL PRIMARY KEY,
    Version      integer     NOT NULL DEFAULT 0,
    ChangedAt    timestamptz NOT NULL DEFAULT now()
);

-- One row per silo process (address, port and generation, the start time in seconds).
-- SuspectTimes is Orleans' own text ("silo,time|silo,time"); the times are UTC.
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId text        NOT NULL REFERENCES OrleansMembershipVersionTable (DeploymentId),
    Address      text        NOT NULL,
    Port         integer     NOT NULL,
    Generation   integer     NOT NULL,
    SiloName     text        NOT NULL,
    HostName     text        NOT NULL,
    Status       integer     NOT NULL,
    ProxyPort    integer     NOT NULL,
    SuspectTimes text        NULL,
    StartTime    timestamptz NOT NULL,
    IAmAliveTime timestamptz NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- Grain state. GrainTypeString holds the [PersistentState] name, not the grain class, and the grain id columns
-- the key only: every grain class uses its own state name (see docs/storage.md). Rows are never deleted (a clear
-- keeps the row with a NULL payload and a higher version), so a stale ETag can never re-create a state.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer     NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    GrainTypeHash          integer     NOT NULL,
    GrainTypeString        text        NOT NULL,
    -- '' rather than NULL for keys without a string part, so the key below is exact.
    GrainIdExtensionString text        NOT NULL DEFAULT '',
    ServiceId              text        NOT NULL,
    PayloadBinary          bytea       NULL,
    ModifiedOn             timestamptz NOT NULL,
    Version                integer     NOT NULL,
    -- The two hashes first, so a lookup seeks on integers; the full values make the key exact.
    CONSTRAINT OrleansStorage_Grain PRIMARY KEY
        (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1, GrainTypeString, GrainIdExtensionString)
);

-- Reminders. GrainHash is the grain's place on the ring (a uint passed as a signed integer): each silo reads the
-- range it owns.
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    text        NOT NULL,
    GrainId      text        NOT NULL,
    ReminderName text        NOT NULL,
    StartTime    timestamptz NOT NULL,
    Period       bigint      NOT NULL,
    GrainHash    integer     NOT NULL,
    Version      integer     NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IF NOT EXISTS OrleansReminders_ByHash ON OrleansRemindersTable (ServiceId, GrainHash);
