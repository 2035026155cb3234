-- The online intake channel (issue 21): beside each case in case_list,
-- when an officer first opened a case the consumer filed on the public
-- form (Case.IntakeOpenedAt, "" not yet): the list marks a case of that
-- channel not yet opened "Mới từ cổng trực tuyến" without reading the
-- documents. Filled here from each case's document (a zero time is stored
-- as year 1 and stays "").
ALTER TABLE case_list ADD COLUMN intake_opened_at TEXT NOT NULL DEFAULT '';
UPDATE case_list SET intake_opened_at = coalesce((
	SELECT json_extract(d.fields, '$.intake_opened_at') FROM cases d
	WHERE d.id = case_list.id AND json_extract(d.fields, '$.intake_opened_at') NOT LIKE '0001-%'), '');
