-- local_files lists the evidence files' contents (app.Attachment, by
-- SHA-256) this device has held in its file store (the data folder's "tep"
-- folder): attached here, restored from a backup or downloaded. The check
-- at start reports one that is gone (storage/attach.go, CheckFiles), while
-- a file of another laptop never downloaded is only "not on this laptop".
CREATE TABLE local_files (
	sha256 TEXT PRIMARY KEY,
	held_at TEXT NOT NULL
) STRICT;
