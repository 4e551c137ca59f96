-- TryOn read model: relational tables written by grains after each committed change and read by list and query
-- endpoints. The same tables as the SQLite read-model.sql, in PostgreSQL types: timestamptz for times, boolean
-- flags, json documents. Keys compare byte-wise (COLLATE "C"), as in SQLite, so list and cursor order never
-- depends on the server's locale.
-- Runs once (see 0001-orleans.sql); later changes are new numbered scripts.

CREATE TABLE IF NOT EXISTS accounts
(
    account_id      text COLLATE "C" NOT NULL PRIMARY KEY,
    name            text        NOT NULL,
    active          boolean     NOT NULL,
    credit_balance  bigint      NOT NULL,
    reserved        bigint      NOT NULL,
    writes_per_min  integer     NOT NULL,
    reads_per_min   integer     NOT NULL,
    max_in_flight   integer     NOT NULL,
    monthly_cap     integer     NOT NULL DEFAULT 0,
    retention_days  integer     NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    version         bigint      NOT NULL
);

CREATE INDEX IF NOT EXISTS accounts_by_creation ON accounts (created_at, account_id);
CREATE INDEX IF NOT EXISTS accounts_with_reservations ON accounts (updated_at) WHERE reserved > 0;

-- Append-only; (account_id, sequence) makes a re-published entry a no-op.
CREATE TABLE IF NOT EXISTS ledger_entries
(
    account_id      text COLLATE "C" NOT NULL,
    sequence        bigint      NOT NULL,
    kind            text        NOT NULL,
    amount          bigint      NOT NULL,
    balance_after   bigint      NOT NULL,
    reserved_after  bigint      NOT NULL,
    reason          text        NOT NULL,
    reference       text        NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (account_id, sequence)
);

-- Stored shopper images, for retention sweeps (by expiry) and erasure (by external user id).
CREATE TABLE IF NOT EXISTS images
(
    image_id          text COLLATE "C" NOT NULL PRIMARY KEY,
    account_id        text COLLATE "C" NOT NULL,
    external_user_id  text COLLATE "C" NULL,
    blob_key          text        NOT NULL,
    created_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL
);

CREATE INDEX IF NOT EXISTS images_by_expiry ON images (expires_at);
CREATE INDEX IF NOT EXISTS images_by_user ON images (account_id, external_user_id, image_id) WHERE external_user_id IS NOT NULL;

-- Products: the list (one-shots are stored but not listed) and the expiry index of the sweep.
-- document is the product as JSON, so a list page needs no grain call.
CREATE TABLE IF NOT EXISTS products
(
    account_id   text COLLATE "C" NOT NULL,
    external_id  text COLLATE "C" NOT NULL,
    listed       boolean     NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NULL,
    version      bigint      NOT NULL,
    document     json        NOT NULL,
    PRIMARY KEY (account_id, external_id)
);

CREATE INDEX IF NOT EXISTS products_by_creation ON products (account_id, created_at, external_id) WHERE listed;
CREATE INDEX IF NOT EXISTS products_by_expiry ON products (expires_at) WHERE expires_at IS NOT NULL;

-- Generations: the list, product stats, erasure by end user and the recovery of unfinished ones.
CREATE TABLE IF NOT EXISTS generations
(
    generation_id       text COLLATE "C" NOT NULL PRIMARY KEY,
    account_id          text COLLATE "C" NOT NULL,
    product_external_id text COLLATE "C" NOT NULL,
    external_user_id    text COLLATE "C" NULL,
    status              text        NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    generation_time_ms  bigint      NULL,
    version             bigint      NOT NULL,
    document            json        NOT NULL
);

CREATE INDEX IF NOT EXISTS generations_by_account ON generations (account_id, created_at, generation_id);
CREATE INDEX IF NOT EXISTS generations_by_product ON generations (account_id, product_external_id, created_at);
CREATE INDEX IF NOT EXISTS generations_unfinished ON generations (updated_at) WHERE status IN ('Pending', 'Processing');
CREATE INDEX IF NOT EXISTS generations_by_user ON generations (account_id, external_user_id, generation_id) WHERE external_user_id IS NOT NULL;

-- Generations that still hold files (result, product copy), by the end of their retention: the index of the
-- retention sweep. expires_at is null while the generation runs and once its files are removed. A row of the same
-- version is rewritten, so a grain can correct its own row. (In SQLite this is a side table so that old files gain
-- it; PostgreSQL keeps the same shape so both stores answer the same statements.)
CREATE TABLE IF NOT EXISTS generation_files
(
    generation_id  text COLLATE "C" NOT NULL PRIMARY KEY,
    account_id     text COLLATE "C" NOT NULL,
    expires_at     timestamptz NULL,
    version        bigint      NOT NULL
);

CREATE INDEX IF NOT EXISTS generation_files_by_expiry ON generation_files (expires_at) WHERE expires_at IS NOT NULL;
