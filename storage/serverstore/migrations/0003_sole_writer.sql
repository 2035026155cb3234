-- sole_writer is the device that wrote every field of the record, or '' if
-- several did. A pull skips such a record for that device: it already has
-- it (its own push coming back), which halves a first sync.
ALTER TABLE records ADD COLUMN sole_writer TEXT NOT NULL DEFAULT '';
