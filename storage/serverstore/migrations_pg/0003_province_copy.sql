-- As SQLite's migration 0005: the provincial device's copy (full or
-- limited), and the records every provincial device receives whole.
ALTER TABLE devices ADD COLUMN full_copy integer NOT NULL DEFAULT 0;

CREATE TABLE province_held (
	entity text COLLATE "C" NOT NULL,
	id     text COLLATE "C" NOT NULL,
	scope  text COLLATE "C" NOT NULL,
	reason text COLLATE "C" NOT NULL,
	at     bigint NOT NULL,
	PRIMARY KEY (entity, id)
);

CREATE INDEX province_held_scope ON province_held (scope);
