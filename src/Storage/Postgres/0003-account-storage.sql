-- The per-account storage quota (limits.storageBytes) and what the account's blobs take, on the accounts read model.
-- Rows from before it get the default quota (5 GiB) and nothing counted; the account grain writes both figures with
-- its next change. Runs once (see 0001-orleans.sql).

ALTER TABLE accounts ADD COLUMN IF NOT EXISTS storage_cap  bigint NOT NULL DEFAULT 5368709120;
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS stored_bytes bigint NOT NULL DEFAULT 0;
