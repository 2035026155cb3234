-- The rows of complaint registers imported from Excel (bvntd import
-- --register, the import screen), so that importing the same register again
-- adds nothing: key is the row's register number with its year, or a hash of
-- its date, consumer, phone, business and summary (storage.CaseImportKey);
-- case_id the case it became or was found to be.
--
-- Local to this device and never synced: it is bookkeeping of what this
-- laptop read from its files, not data of the case (the case itself syncs,
-- through the outbox, like any other). Syncing it would need a new entity on
-- the server for no gain in the usual case of one officer importing the
-- commune's register once; a second laptop importing the same file is
-- caught instead by the case numbers and contents the pull brings
-- (ImportCases also recognises a case already in the store).
CREATE TABLE import_keys (
	key         TEXT PRIMARY KEY,
	case_id     TEXT NOT NULL,
	imported_at TEXT NOT NULL
) STRICT;
