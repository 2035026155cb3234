-- A pull stores up to 4,096 records a transaction (syncclient's
-- applyCoalesce). Indexed by the triggers row by row, the full-text index
-- wrote its pending terms out at every statement (an FTS5 table flushes
-- them at each statement's savepoint) as a segment of about 128 cases,
-- then merged those segments again and again; and each row raised the
-- facts' generation on its own. Now the rows of case_list a pull's
-- transaction adds are indexed once, at its end, in one statement
-- (storage/pullapply.go, deferIndexing and indexDeferred).
--
-- pull_deferred holds one row only inside such a transaction: every row of
-- case_list above rowid `above` was added by it. The triggers leave those
-- rows alone (whatever happens to them before the end: written again,
-- removed); the rows at or below it, there before the transaction, are
-- kept indexed row by row as always. Outside a pull the table is empty and
-- every trigger acts as before. A case_list row never changes its rowid.
CREATE TABLE pull_deferred (
	only  INTEGER PRIMARY KEY CHECK (only = 1),
	above INTEGER NOT NULL
) STRICT;

DROP TRIGGER cases_fts_insert;
DROP TRIGGER cases_fts_delete;
DROP TRIGGER cases_fts_update;
CREATE TRIGGER cases_fts_insert AFTER INSERT ON case_list
WHEN NOT EXISTS (SELECT 1 FROM pull_deferred WHERE new.rowid > above) BEGIN
	INSERT INTO cases_fts (rowid, search_folded) VALUES (new.rowid, new.search_folded);
END;
CREATE TRIGGER cases_fts_delete AFTER DELETE ON case_list
WHEN NOT EXISTS (SELECT 1 FROM pull_deferred WHERE old.rowid > above) BEGIN
	INSERT INTO cases_fts (cases_fts, rowid, search_folded) VALUES ('delete', old.rowid, old.search_folded);
END;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF search_folded ON case_list
WHEN old.search_folded IS NOT new.search_folded
	AND NOT EXISTS (SELECT 1 FROM pull_deferred WHERE old.rowid > above) BEGIN
	INSERT INTO cases_fts (cases_fts, rowid, search_folded) VALUES ('delete', old.rowid, old.search_folded);
	INSERT INTO cases_fts (rowid, search_folded) VALUES (new.rowid, new.search_folded);
END;

DROP TRIGGER case_facts_list_insert;
DROP TRIGGER case_facts_list_update;
DROP TRIGGER case_facts_list_delete;
CREATE TRIGGER case_facts_list_insert AFTER INSERT ON case_list
WHEN NOT EXISTS (SELECT 1 FROM pull_deferred WHERE new.rowid > above) BEGIN
	DELETE FROM case_facts WHERE case_id = NEW.id;
	UPDATE case_facts_basis SET generation = generation + 1;
END;
CREATE TRIGGER case_facts_list_update AFTER UPDATE ON case_list
WHEN NOT EXISTS (SELECT 1 FROM pull_deferred WHERE old.rowid > above) BEGIN
	DELETE FROM case_facts WHERE case_id IN (OLD.id, NEW.id);
	UPDATE case_facts_basis SET generation = generation + 1;
END;
CREATE TRIGGER case_facts_list_delete AFTER DELETE ON case_list
WHEN NOT EXISTS (SELECT 1 FROM pull_deferred WHERE old.rowid > above) BEGIN
	DELETE FROM case_facts WHERE case_id = OLD.id;
	UPDATE case_facts_basis SET generation = generation + 1;
END;
