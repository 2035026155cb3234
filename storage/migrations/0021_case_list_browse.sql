-- The case list of the window reads what it chooses, orders, filters and
-- counts the cases by from this index alone (storage/casepage.go), newest
-- first, without reading the rows (their search text makes them long).
CREATE INDEX case_list_browse ON case_list (received_at DESC, number DESC, status, sector, kind, channel,
	voided, restricted, vulnerable_groups, intake_opened_at, id);
