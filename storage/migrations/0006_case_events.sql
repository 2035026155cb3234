-- The timeline of each case: append-only steps (app.CaseEvent), kept as
-- the JSON of their fields, one row each, so laptops never conflict.
CREATE TABLE case_events (
	id             TEXT PRIMARY KEY,
	case_id        TEXT NOT NULL,
	at             TEXT NOT NULL,
	fields         TEXT NOT NULL CHECK (json_valid(fields)),
	server_version INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX case_events_case ON case_events (case_id, at);
