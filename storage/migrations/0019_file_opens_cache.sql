-- file_opens keeps when an evidence file's content (by SHA-256) was last
-- opened on this laptop (its thumbnail shown or the file opened, attached
-- or downloaded), in Unix milliseconds of the program's clock. The files of
-- the store that the server holds (downloaded, or attached here and
-- uploaded) are a cache within a limit: the least recently opened are
-- removed first (storage/filecache.go). Not the file system's access time,
-- which many systems do not keep.
CREATE TABLE file_opens (
	sha256 TEXT PRIMARY KEY,
	opened_at INTEGER NOT NULL
) STRICT;
