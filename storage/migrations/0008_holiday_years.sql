-- The holiday calendar as the province publishes it, pulled from the shared
-- reference scope: one row per year, which replaces that year's seeded days
-- entirely (see DB.Calendar). days is the JSON array of the record's days
-- ({date, name, kind, status}, by date). Nothing else changes: a store
-- without rows here counts working days on the seeded calendar, as before.
CREATE TABLE holiday_years (
	year           INTEGER PRIMARY KEY,
	basis          TEXT NOT NULL,
	published_at   TEXT NOT NULL,
	days           TEXT NOT NULL CHECK (json_valid(days)),
	server_version INTEGER NOT NULL,
	pulled_at      TEXT NOT NULL
) STRICT;
