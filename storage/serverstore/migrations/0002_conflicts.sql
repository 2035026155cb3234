-- The last stamp the server used for each device's writes: a device's
-- writes are applied in its outbox order even when its clock was changed.
ALTER TABLE devices ADD COLUMN last_stamp TEXT NOT NULL DEFAULT '';
