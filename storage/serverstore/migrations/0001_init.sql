-- The provincial server's schema. Times are Unix milliseconds, UTC.

-- meta holds single values; "epoch" is a random id made when the database
-- is created. A device that pulled from another epoch starts again from 0.
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

INSERT INTO meta (key, value) VALUES ('epoch', lower(hex(randomblob(16))));

-- enrol_codes are one-time codes an administrator hands to an officer. Only
-- the SHA-256 of the normalised code is kept.
CREATE TABLE enrol_codes (
	code_hash      TEXT PRIMARY KEY,
	scope          TEXT NOT NULL,
	created_at     INTEGER NOT NULL,
	expires_at     INTEGER NOT NULL,
	used_at        INTEGER,
	used_by_device TEXT
) STRICT;

-- devices are the enrolled laptops. Only the SHA-256 of the token is kept.
CREATE TABLE devices (
	id           TEXT PRIMARY KEY,
	tag          TEXT NOT NULL,
	name         TEXT NOT NULL DEFAULT '',
	scope        TEXT NOT NULL,
	token_hash   TEXT NOT NULL UNIQUE,
	app_version  TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	enrolled_at  INTEGER NOT NULL,
	last_seen_at INTEGER,
	last_sync_at INTEGER,
	revoked_at   INTEGER
) STRICT;

-- records hold the merged current state of every record: its fields (a JSON
-- object) and, per field, the stamp of the write that set it (a JSON object
-- of app.Stamp). seq is the scope's sequence number of its latest change.
CREATE TABLE records (
	entity     TEXT NOT NULL,
	id         TEXT NOT NULL,
	scope      TEXT NOT NULL,
	fields     TEXT NOT NULL,
	stamps     TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	version    INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (entity, id)
) STRICT;

CREATE UNIQUE INDEX records_scope_seq ON records (scope, seq);
CREATE INDEX records_id ON records (id);

-- scope_seq is the change counter of each scope, bumped inside the writing
-- transaction so that sequence numbers are gap-free in commit order.
CREATE TABLE scope_seq (
	scope TEXT PRIMARY KEY,
	seq   INTEGER NOT NULL
) STRICT;

-- applied_mutations is the audit trail and the idempotency table: every
-- mutation received with a valid id, applied or rejected. hlc is the stamp
-- as sent; stamp_hlc the one used for the merge (clamped to the server
-- clock when the device's clock was ahead).
CREATE TABLE applied_mutations (
	mutation_id    TEXT PRIMARY KEY,
	device_id      TEXT NOT NULL REFERENCES devices (id),
	entity         TEXT NOT NULL,
	record_id      TEXT NOT NULL,
	scope          TEXT NOT NULL,
	op             TEXT NOT NULL,
	payload_sha256 TEXT NOT NULL,
	payload        TEXT NOT NULL,
	status         TEXT NOT NULL,
	code           TEXT NOT NULL DEFAULT '',
	message        TEXT NOT NULL DEFAULT '',
	seq            INTEGER,
	hlc            TEXT NOT NULL,
	stamp_hlc      TEXT NOT NULL DEFAULT '',
	officer        TEXT NOT NULL DEFAULT '',
	device_time    INTEGER NOT NULL DEFAULT 0,
	received_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX applied_mutations_record ON applied_mutations (entity, record_id);
CREATE INDEX applied_mutations_device ON applied_mutations (device_id, received_at);
