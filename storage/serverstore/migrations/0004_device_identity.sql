-- reenrol_until: the operator allowed this device's id to enrol again
-- without its token (`bvntd-server allow-reenrol`), until then (Unix ms);
-- NULL: not allowed. Enrolling again uses the allowance up.
ALTER TABLE devices ADD COLUMN reenrol_until INTEGER;

-- device_events is the history of every device identity: enrolled (a new
-- id), moved (enrolled again with its token), reenrolled (with the
-- operator's allowance), reenrol_allowed, revoked. scope is the device's
-- scope after the event.
CREATE TABLE device_events (
	device_id TEXT NOT NULL,
	at        INTEGER NOT NULL,
	event     TEXT NOT NULL,
	scope     TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX device_events_device ON device_events (device_id, at);
