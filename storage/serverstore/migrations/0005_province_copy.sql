-- full_copy: a provincial device that receives every commune's personal
-- data (`bvntd-server province-copy --device ID --full`); 0, the default,
-- is the limited copy (provincecopy.go).
ALTER TABLE devices ADD COLUMN full_copy INTEGER NOT NULL DEFAULT 0;

-- province_held lists the records of the communes that every provincial
-- device receives whole: the cases referred to a provincial agency
-- (reason "referred"), and the cases, steps and participants a provincial
-- device made (reason "own"). A step of a listed case is whole too.
CREATE TABLE province_held (
	entity TEXT NOT NULL,
	id     TEXT NOT NULL,
	scope  TEXT NOT NULL,
	reason TEXT NOT NULL,
	at     INTEGER NOT NULL,
	PRIMARY KEY (entity, id)
) STRICT;

CREATE INDEX province_held_scope ON province_held (scope);
