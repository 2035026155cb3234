-- As SQLite's migration 0006: the scopes that proved they hold an
-- evidence file's content.
CREATE TABLE file_scopes (
	sha256    text COLLATE "C" NOT NULL,
	scope     text COLLATE "C" NOT NULL,
	device_id text COLLATE "C" NOT NULL,
	at        bigint NOT NULL,
	PRIMARY KEY (sha256, scope)
);
