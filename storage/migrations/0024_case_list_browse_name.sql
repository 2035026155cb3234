-- The list by name (storage/casepage.go nameOrder) takes each case's
-- consumer name from the list index, which is read from case_list_browse
-- alone: the name joins that index, last, and the index of the names
-- alone (migration 0023), which the list by name read in a second pass,
-- goes. The order of the list by name is unchanged.
DROP INDEX case_list_browse;
CREATE INDEX case_list_browse ON case_list (received_at DESC, number DESC, status, sector, kind, channel,
	voided, restricted, vulnerable_groups, intake_opened_at, id, consumer_name);
DROP INDEX case_list_name;
