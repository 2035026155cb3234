-- As SQLite's migration 0007_device_cursors_prune: how far each device
-- has acknowledged each scope (the cursor of its latest pull).
CREATE TABLE device_cursors (
	device_id text COLLATE "C" NOT NULL,
	scope     text COLLATE "C" NOT NULL,
	seq       bigint NOT NULL,
	at        bigint NOT NULL,
	PRIMARY KEY (device_id, scope)
);
