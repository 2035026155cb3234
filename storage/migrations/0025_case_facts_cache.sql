-- The dashboard and the annual report of a province (issue 22, item 3)
-- read each case as its facts (app.CaseFacts): the columns of case_list
-- the figures read, and what comes from the case's steps (status changes,
-- how the handling ended, timed against the time limits, the earliest own
-- due day). They are kept here, computed once (storage/kpifacts_cache.go),
-- instead of reading 1.4 million steps and 300,000 rows of case_list at
-- every dashboard. A derived cache: empty here, filled by the first
-- dashboard, never the only copy of anything.
--
-- facts is a compact binary encoding (the case's number, name and
-- columns, then appendStepFacts), valid for the case's row of case_list
-- and its steps as they are, against the time limits and the working-day
-- calendar whose fingerprint is case_facts_basis.basis: a row of another
-- basis is never read.
CREATE TABLE case_facts (
	case_id TEXT PRIMARY KEY,
	facts   BLOB NOT NULL
) STRICT, WITHOUT ROWID;

-- One row: the fingerprint the cached facts were computed against, and a
-- generation every write of a case or a step raises (the triggers below):
-- facts read before a write are not stored after it.
CREATE TABLE case_facts_basis (
	only       INTEGER PRIMARY KEY CHECK (only = 1),
	basis      TEXT NOT NULL,
	generation INTEGER NOT NULL
) STRICT;
INSERT INTO case_facts_basis (only, basis, generation) VALUES (1, '', 0);

-- Any write of a case's row or of one of its steps, by any path (a local
-- edit, a pull, an import, a void, retention, a migration's UPDATE),
-- drops the case's cached facts. A later migration that rebuilds
-- case_list or case_events (a new table renamed over the old one) drops
-- these triggers with the old table: it must create them again and
-- empty case_facts.
CREATE TRIGGER case_facts_list_insert AFTER INSERT ON case_list BEGIN
	DELETE FROM case_facts WHERE case_id = NEW.id;
	UPDATE case_facts_basis SET generation = generation + 1;
END;
CREATE TRIGGER case_facts_list_update AFTER UPDATE ON case_list BEGIN
	DELETE FROM case_facts WHERE case_id IN (OLD.id, NEW.id);
	UPDATE case_facts_basis SET generation = generation + 1;
END;
CREATE TRIGGER case_facts_list_delete AFTER DELETE ON case_list BEGIN
	DELETE FROM case_facts WHERE case_id = OLD.id;
	UPDATE case_facts_basis SET generation = generation + 1;
END;
CREATE TRIGGER case_facts_step_insert AFTER INSERT ON case_events BEGIN
	DELETE FROM case_facts WHERE case_id = NEW.case_id;
	UPDATE case_facts_basis SET generation = generation + 1;
END;
CREATE TRIGGER case_facts_step_update AFTER UPDATE ON case_events BEGIN
	DELETE FROM case_facts WHERE case_id IN (OLD.case_id, NEW.case_id);
	UPDATE case_facts_basis SET generation = generation + 1;
END;
CREATE TRIGGER case_facts_step_delete AFTER DELETE ON case_events BEGIN
	DELETE FROM case_facts WHERE case_id = OLD.case_id;
	UPDATE case_facts_basis SET generation = generation + 1;
END;
