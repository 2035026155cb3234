-- device_cursors: how far each device has acknowledged each scope: the
-- cursor its latest pull sent (it holds every change of the scope up to
-- seq, in the epoch it names). The files' prune (fileprune.go) removes the
-- content of a file whose attachment records are all voided only once
-- every device that receives those records has acknowledged the voids.
CREATE TABLE device_cursors (
	device_id TEXT NOT NULL,
	scope     TEXT NOT NULL,
	seq       INTEGER NOT NULL,
	at        INTEGER NOT NULL,
	PRIMARY KEY (device_id, scope)
) STRICT;
