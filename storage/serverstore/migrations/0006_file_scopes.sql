-- file_scopes lists, per evidence file (the SHA-256 of its content), the
-- scopes for which a device proved that it holds the content, by sending
-- it whole: a commune's device for its commune; a provincial device for
-- the province and the communes of the attachment records naming the file.
-- A hash is not a capability: an attachment record opens its file to the
-- devices of its scope only once its scope is listed here (files.go).
CREATE TABLE file_scopes (
	sha256    TEXT NOT NULL,
	scope     TEXT NOT NULL,
	device_id TEXT NOT NULL,
	at        INTEGER NOT NULL,
	PRIMARY KEY (sha256, scope)
) STRICT;
