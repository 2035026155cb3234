-- The records of the registries, training and outreach work (officers,
-- organisations, participants, training sessions, attendance, outreach
-- events, publications: app.RecordEntities), kept as the JSON of their
-- fields, one row each. They sync and merge per field like cases.
CREATE TABLE records (
	entity         TEXT NOT NULL,
	id             TEXT NOT NULL,
	unit_code      TEXT NOT NULL,
	fields         TEXT NOT NULL CHECK (json_valid(fields)),
	search_folded  TEXT NOT NULL DEFAULT '',
	server_version INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (entity, id)
) STRICT;

CREATE INDEX records_entity_unit ON records (entity, unit_code);

-- Attendance is read by session.
CREATE INDEX records_attendance_session ON records (json_extract(fields, '$.session_id'))
	WHERE entity = 'attendance';
