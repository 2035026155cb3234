-- As SQLite's migration 0008_attachment_files_index: the attachment
-- records by the file they name, filled from the records held (a record
-- whose fields are not a JSON object is left out, as files.go does).
CREATE TABLE attachment_files (
	id     text COLLATE "C" PRIMARY KEY,
	scope  text COLLATE "C" NOT NULL,
	sha256 text COLLATE "C" NOT NULL,
	voided integer NOT NULL
);
CREATE INDEX attachment_files_sha256 ON attachment_files (sha256, scope);

DO $$
DECLARE
	r record;
	j jsonb;
BEGIN
	FOR r IN SELECT id, scope, fields FROM records WHERE entity = 'attachment' LOOP
		BEGIN
			j := r.fields::jsonb;
		EXCEPTION WHEN others THEN
			CONTINUE;
		END;
		IF jsonb_typeof(j) = 'object' AND jsonb_typeof(j -> 'sha256') = 'string' THEN
			INSERT INTO attachment_files (id, scope, sha256, voided)
			VALUES (r.id, r.scope, j ->> 'sha256', CASE WHEN j -> 'voided' = 'true'::jsonb THEN 1 ELSE 0 END);
		END IF;
	END LOOP;
END
$$;
