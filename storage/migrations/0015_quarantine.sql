-- quarantine keeps the records pulled from the server that this version
-- could not read (a value of the wrong type, a kind it does not know, a
-- record the server withheld), one row per record, so that one bad record
-- never stops a pull (issue 15). fields is the record as pulled (NULL when
-- the server sent it without its fields); reason an app.Quarantine… value;
-- bad_fields the names of the fields that could not be read (a JSON array);
-- app_version the version that tried it last: a newer one tries again when
-- it opens the store (storage/quarantine.go).
CREATE TABLE quarantine (
	entity      TEXT NOT NULL,
	id          TEXT NOT NULL,
	scope       TEXT NOT NULL,
	version     INTEGER NOT NULL,
	fields      TEXT CHECK (fields IS NULL OR json_valid(fields)),
	reason      TEXT NOT NULL,
	bad_fields  TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(bad_fields)),
	app_version TEXT NOT NULL,
	first_at    TEXT NOT NULL,
	last_at     TEXT NOT NULL,
	PRIMARY KEY (entity, id)
) STRICT;
