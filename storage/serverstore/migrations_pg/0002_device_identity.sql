-- As SQLite's migration 0004: the operator's allowance to enrol an id
-- again, and the history of every device identity.
ALTER TABLE devices ADD COLUMN reenrol_until bigint;

CREATE TABLE device_events (
	device_id text COLLATE "C" NOT NULL,
	at        bigint NOT NULL,
	event     text COLLATE "C" NOT NULL,
	scope     text COLLATE "C" NOT NULL DEFAULT ''
);

CREATE INDEX device_events_device ON device_events (device_id, at);
