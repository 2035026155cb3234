-- Mutations the server acknowledged, kept for a while: if the server is
-- restored from a backup (its epoch changes), they are sent again, since the
-- restored server may not have them. Same columns as the outbox.
CREATE TABLE sent_log (
	seq          INTEGER PRIMARY KEY,
	mutation_id  TEXT NOT NULL UNIQUE,
	entity       TEXT NOT NULL,
	record_id    TEXT NOT NULL,
	unit_code    TEXT NOT NULL,
	op           TEXT NOT NULL,
	fields       TEXT NOT NULL CHECK (json_valid(fields)),
	hlc          TEXT NOT NULL,
	officer      TEXT NOT NULL,
	device_time  TEXT NOT NULL,
	base_version INTEGER NOT NULL DEFAULT 0,
	acked_at     TEXT NOT NULL
) STRICT;

CREATE INDEX sent_log_acked ON sent_log (acked_at);
