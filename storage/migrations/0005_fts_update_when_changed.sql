-- Re-index a case only when its search text changed: a pulled record
-- written again unchanged, or an edit of its status, costs no index work.
DROP TRIGGER cases_fts_update;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF search_folded ON cases
WHEN old.search_folded IS NOT new.search_folded BEGIN
	INSERT INTO cases_fts (cases_fts, rowid, search_folded) VALUES ('delete', old.rowid, old.search_folded);
	INSERT INTO cases_fts (rowid, search_folded) VALUES (new.rowid, new.search_folded);
END;
