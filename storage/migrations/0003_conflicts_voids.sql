-- Voided cases, the server version each record was last pulled at (sent
-- back as the base of later edits), and conflicts for review.

ALTER TABLE cases ADD COLUMN voided INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;

ALTER TABLE outbox ADD COLUMN base_version INTEGER NOT NULL DEFAULT 0;

-- Conflicts are made by the server and pulled; the officer resolves them.
-- The record's fields are kept as the JSON the server sent (app.Conflict).
CREATE TABLE conflicts (
	id             TEXT PRIMARY KEY,
	unit_code      TEXT NOT NULL,
	record_id      TEXT NOT NULL,
	status         TEXT NOT NULL,
	detected_at    TEXT NOT NULL,
	fields         TEXT NOT NULL CHECK (json_valid(fields)),
	server_version INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX conflicts_status ON conflicts (status, detected_at);
CREATE INDEX conflicts_record ON conflicts (record_id);
