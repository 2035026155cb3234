-- The first schema of the local store of the desktop app.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

-- Reference data, loaded from the embedded seeds and upgraded by version.
CREATE TABLE admin_units (
	code       TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	short_name TEXT NOT NULL,
	type       TEXT NOT NULL
) STRICT;

CREATE TABLE agencies (
	id      TEXT PRIMARY KEY,
	name_vi TEXT NOT NULL,
	name_en TEXT NOT NULL,
	kind    TEXT NOT NULL,
	level   TEXT NOT NULL
) STRICT;

CREATE TABLE sectors (
	code     TEXT PRIMARY KEY,
	label_vi TEXT NOT NULL,
	label_en TEXT NOT NULL,
	ord      INTEGER NOT NULL
) STRICT;

CREATE TABLE issue_types (
	code     TEXT PRIMARY KEY,
	label_vi TEXT NOT NULL,
	label_en TEXT NOT NULL,
	ord      INTEGER NOT NULL
) STRICT;

CREATE TABLE plan_tasks (
	id          TEXT PRIMARY KEY,
	section     TEXT NOT NULL,
	text_vi     TEXT NOT NULL,
	lead_ids    TEXT NOT NULL CHECK (json_valid(lead_ids)),
	partner_ids TEXT NOT NULL CHECK (json_valid(partner_ids)),
	outputs     TEXT NOT NULL CHECK (json_valid(outputs)),
	start_year  INTEGER NOT NULL,
	end_year    INTEGER NOT NULL
) STRICT;

CREATE TABLE plan_targets (
	id        TEXT PRIMARY KEY,
	text_vi   TEXT NOT NULL,
	text_en   TEXT NOT NULL,
	kind      TEXT NOT NULL,
	value     REAL NOT NULL,
	unit      TEXT NOT NULL,
	horizon   TEXT NOT NULL,
	frequency TEXT NOT NULL
) STRICT;

-- Cases (vụ việc). Times are RFC 3339 in UTC. search_folded is the
-- diacritic-free search form (app.Fold) and is never shown.
CREATE TABLE cases (
	id               TEXT PRIMARY KEY,
	unit_code        TEXT NOT NULL,
	number           TEXT NOT NULL,
	received_at      TEXT NOT NULL,
	channel          TEXT NOT NULL,
	kind             TEXT NOT NULL,
	consumer_name    TEXT NOT NULL,
	consumer_phone   TEXT NOT NULL,
	consumer_address TEXT NOT NULL,
	business_name    TEXT NOT NULL,
	business_address TEXT NOT NULL,
	sector           TEXT NOT NULL,
	summary          TEXT NOT NULL,
	status           TEXT NOT NULL,
	created_at       TEXT NOT NULL,
	created_by       TEXT NOT NULL,
	updated_at       TEXT NOT NULL,
	updated_by       TEXT NOT NULL,
	search_folded    TEXT NOT NULL
) STRICT;

CREATE INDEX cases_received_at ON cases (received_at DESC);
CREATE INDEX cases_number ON cases (number);

CREATE VIRTUAL TABLE cases_fts USING fts5 (
	search_folded,
	content = 'cases',
	content_rowid = 'rowid',
	tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
	INSERT INTO cases_fts (rowid, search_folded) VALUES (new.rowid, new.search_folded);
END;
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
	INSERT INTO cases_fts (cases_fts, rowid, search_folded) VALUES ('delete', old.rowid, old.search_folded);
END;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF search_folded ON cases BEGIN
	INSERT INTO cases_fts (cases_fts, rowid, search_folded) VALUES ('delete', old.rowid, old.search_folded);
	INSERT INTO cases_fts (rowid, search_folded) VALUES (new.rowid, new.search_folded);
END;

-- Per commune and year, the last sequence number this device gave a case.
CREATE TABLE case_counters (
	unit_code TEXT NOT NULL,
	year      INTEGER NOT NULL,
	seq       INTEGER NOT NULL,
	PRIMARY KEY (unit_code, year)
) STRICT;

-- The outbox: one row per logical change, written in the same transaction
-- as the change, removed only when the server has acknowledged it.
CREATE TABLE outbox (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	mutation_id TEXT NOT NULL UNIQUE,
	entity      TEXT NOT NULL,
	record_id   TEXT NOT NULL,
	unit_code   TEXT NOT NULL,
	op          TEXT NOT NULL,
	fields      TEXT NOT NULL CHECK (json_valid(fields)),
	hlc         TEXT NOT NULL,
	officer     TEXT NOT NULL,
	device_time TEXT NOT NULL,
	state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'parked')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	error_code  TEXT NOT NULL DEFAULT '',
	error_msg   TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX outbox_record ON outbox (entity, record_id);

-- How far each scope has been pulled; written in the same transaction as
-- the records it covers.
CREATE TABLE sync_cursors (
	scope TEXT PRIMARY KEY,
	epoch TEXT NOT NULL,
	seq   INTEGER NOT NULL
) STRICT;
