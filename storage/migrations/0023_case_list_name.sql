-- The list by name (storage/casepage.go nameOrder) reads every case's
-- consumer name: from this index, not from the rows, whose search text makes
-- them long (a province's 300,000 cases: 300 MB of rows, a few MB of index).
CREATE INDEX case_list_name ON case_list (consumer_name);
