-- The dashboard and the annual report of a province (issue 22, item 3)
-- read each case's facts from case_list alone, without its document:
-- beside each case, its transaction type, its issue types (a JSON array,
-- as vulnerable_groups) and the commune it was forwarded to, derived from
-- the record where the other columns are (storage/case.go, caseIndex).
-- Filled here from each case's document. The full-text triggers fire on
-- search_folded only: this update leaves cases_fts alone.
ALTER TABLE case_list ADD COLUMN transaction_type TEXT NOT NULL DEFAULT '';
ALTER TABLE case_list ADD COLUMN issue_types TEXT NOT NULL DEFAULT '[]';
ALTER TABLE case_list ADD COLUMN forwarded_to TEXT NOT NULL DEFAULT '';
UPDATE case_list SET
	transaction_type = coalesce(json_extract(d.fields, '$.transaction_type'), ''),
	issue_types = coalesce(json_extract(d.fields, '$.issue_types'), '[]'),
	forwarded_to = coalesce(json_extract(d.fields, '$.forwarded_to'), '')
	FROM cases d WHERE d.id = case_list.id;

-- The last sync of each commune (T1, storage/kpi.go syncedUnits) is the
-- newest change of the commune that came through the server: these
-- indexes find it per commune instead of reading every case, step and
-- record of the province.
CREATE INDEX case_list_unit_updated ON case_list (unit_code, updated_at);
CREATE INDEX case_events_synced_unit ON case_events (json_extract(fields, '$.unit_code'), at)
	WHERE server_version > 0;
CREATE INDEX records_synced_unit ON records (unit_code, json_extract(fields, '$.updated_at'))
	WHERE server_version > 0;
