-- The key ring ASP.NET Core Data Protection uses for the dashboard's cookies and antiforgery tokens, shared by every
-- gateway so that a session or a form made by one is read by the others (src/Web/Dashboard/DashboardKeyRing.cs).
-- Rows are only added; Data Protection retires old keys by expiry. Runs once (see 0001-orleans.sql).

CREATE TABLE IF NOT EXISTS data_protection_keys
(
    friendly_name text        NOT NULL PRIMARY KEY,
    xml           text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
