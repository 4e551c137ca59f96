-- TryOn read model: relational tables written by grains after each committed change and read by list
-- and query endpoints. Applied at every start; every statement is idempotent. Columns added after a table's
-- first release are listed in SqliteDatabase.AddedColumns (accounts.monthly_cap, storage_cap, stored_bytes), not here.

CREATE TABLE IF NOT EXISTS accounts (
    account_id      TEXT    NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL,
    active          INTEGER NOT NULL,
    credit_balance  INTEGER NOT NULL,
    reserved        INTEGER NOT NULL,
    writes_per_min  INTEGER NOT NULL,
    reads_per_min   INTEGER NOT NULL,
    max_in_flight   INTEGER NOT NULL,
    retention_days  INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    version         INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS accounts_by_creation ON accounts (created_at, account_id);

-- Append-only; (account_id, sequence) makes a re-published entry a no-op.
CREATE TABLE IF NOT EXISTS ledger_entries (
    account_id      TEXT    NOT NULL,
    sequence        INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    amount          INTEGER NOT NULL,
    balance_after   INTEGER NOT NULL,
    reserved_after  INTEGER NOT NULL,
    reason          TEXT    NOT NULL,
    reference       TEXT    NULL,
    created_at      TEXT    NOT NULL,
    PRIMARY KEY (account_id, sequence)
) WITHOUT ROWID;

-- Stored shopper images, for retention sweeps (by expiry) and erasure (by external user id).
CREATE TABLE IF NOT EXISTS images (
    image_id          TEXT NOT NULL PRIMARY KEY,
    account_id        TEXT NOT NULL,
    external_user_id  TEXT NULL,
    blob_key          TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    expires_at        TEXT NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS images_by_expiry ON images (expires_at);
CREATE INDEX IF NOT EXISTS images_by_user ON images (account_id, external_user_id) WHERE external_user_id IS NOT NULL;

-- Products: the list (one-shots are stored but not listed) and the expiry index of the sweep.
-- document is the product as JSON, so a list page needs no grain call.
CREATE TABLE IF NOT EXISTS products (
    account_id   TEXT    NOT NULL,
    external_id  TEXT    NOT NULL,
    listed       INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NULL,
    version      INTEGER NOT NULL,
    document     TEXT    NOT NULL,
    PRIMARY KEY (account_id, external_id)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS products_by_creation ON products (account_id, listed, created_at, external_id);
CREATE INDEX IF NOT EXISTS products_by_expiry ON products (expires_at) WHERE expires_at IS NOT NULL;

-- Generations: the list, product stats, erasure by end user and the recovery of unfinished ones.
CREATE TABLE IF NOT EXISTS generations (
    generation_id       TEXT    NOT NULL PRIMARY KEY,
    account_id          TEXT    NOT NULL,
    product_external_id TEXT    NOT NULL,
    external_user_id    TEXT    NULL,
    status              TEXT    NOT NULL,
    created_at          TEXT    NOT NULL,
    updated_at          TEXT    NOT NULL,
    generation_time_ms  INTEGER NULL,
    version             INTEGER NOT NULL,
    document            TEXT    NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS generations_by_account ON generations (account_id, created_at, generation_id);
CREATE INDEX IF NOT EXISTS generations_by_product ON generations (account_id, product_external_id, created_at);
CREATE INDEX IF NOT EXISTS generations_unfinished ON generations (updated_at) WHERE status IN ('Pending', 'Processing');
CREATE INDEX IF NOT EXISTS generations_by_user ON generations (account_id, external_user_id) WHERE external_user_id IS NOT NULL;

-- Generations that still hold files (result, product copy), by the end of their retention (keepForDays from
-- creation): the index of the retention sweep. A table beside `generations` rather than a new column, so a
-- database made by an earlier version gains it here too. expires_at is null while the generation runs and once its
-- files are removed. The grain publishes it with its version; a row of the same version is rewritten, so a grain
-- can correct a back-filled row.
CREATE TABLE IF NOT EXISTS generation_files (
    generation_id  TEXT    NOT NULL PRIMARY KEY,
    account_id     TEXT    NOT NULL,
    expires_at     TEXT    NULL,
    version        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS generation_files_by_expiry ON generation_files (expires_at) WHERE expires_at IS NOT NULL;

-- One-off steps for databases made by earlier versions, each recorded when it has run.
CREATE TABLE IF NOT EXISTS read_model_migrations (
    name        TEXT NOT NULL PRIMARY KEY,
    applied_at  TEXT NOT NULL
) WITHOUT ROWID;

-- Generations that finished before generation_files existed are listed as due now: the sweep asks each grain, which
-- removes its files only when its own retention has ended, and otherwise publishes its true expiry.
INSERT INTO generation_files (generation_id, account_id, expires_at, version)
SELECT generation_id, account_id, created_at, 0 FROM generations
WHERE status IN ('Completed', 'Failed')
  AND NOT EXISTS (SELECT 1 FROM read_model_migrations WHERE name = 'generation_files backfill')
ON CONFLICT (generation_id) DO NOTHING;

INSERT INTO read_model_migrations (name, applied_at)
VALUES ('generation_files backfill', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
ON CONFLICT (name) DO NOTHING;
