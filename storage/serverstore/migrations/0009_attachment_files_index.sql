-- attachment_files indexes the attachment records by the file they name
-- (fields.sha256): which records, of which scope, name a file, and whether
-- they are voided. The files' rights (files.go: fileAccess) and counts
-- read it instead of every attachment record's JSON; the push path keeps
-- it in step with the records (push.go: putRecord). Filled here from the
-- records already held.
CREATE TABLE attachment_files (
	id     TEXT PRIMARY KEY, -- the attachment record's id
	scope  TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	voided INTEGER NOT NULL
) STRICT;
CREATE INDEX attachment_files_sha256 ON attachment_files (sha256, scope);

INSERT INTO attachment_files (id, scope, sha256, voided)
	SELECT id, scope, json_extract(fields, '$.sha256'),
	       CASE WHEN json_extract(fields, '$.voided') THEN 1 ELSE 0 END
	FROM records
	WHERE entity = 'attachment' AND json_valid(fields) AND json_type(fields, '$.sha256') = 'text';
