-- Cases become documents like every other record (issue 14): their fields
-- as synced, in one JSON column of cases, the one source of truth; beside
-- them, in case_list, the columns the list, its search, the register and
-- the indicators read, derived from the record in one place
-- (storage/case.go, caseIndex), so that those never read the documents.
-- The rows are copied by the Go step of this migration (storage/migrate.go),
-- which reads the old columns as the previous version did, then replaces
-- the old table.
CREATE TABLE cases_doc (
	id             TEXT PRIMARY KEY,
	server_version INTEGER NOT NULL DEFAULT 0,
	fields         TEXT NOT NULL CHECK (json_valid(fields))
) STRICT;

CREATE TABLE case_list (
	id                TEXT PRIMARY KEY,
	unit_code         TEXT NOT NULL,
	number            TEXT NOT NULL,
	received_at       TEXT NOT NULL,
	channel           TEXT NOT NULL,
	kind              TEXT NOT NULL,
	consumer_name     TEXT NOT NULL,
	consumer_phone    TEXT NOT NULL,
	consumer_address  TEXT NOT NULL,
	business_name     TEXT NOT NULL,
	sector            TEXT NOT NULL,
	status            TEXT NOT NULL,
	voided            INTEGER NOT NULL,
	vulnerable_groups TEXT NOT NULL,
	updated_at        TEXT NOT NULL,
	search_folded     TEXT NOT NULL
) STRICT;
