-- records.stamps may now name a shared stamp under the empty name: the
-- stamp of every field the object does not name (app.EncodeRecordStamps).
-- A new record's stamps take some 80 bytes instead of 5.6 KB. Rows written
-- before keep the full form, which reads as before. The schema is bumped so
-- that an older server, which would read a shared stamp as no stamp at all,
-- refuses this store instead of merging wrongly.
INSERT INTO meta (key, value) VALUES ('stamps_form', 'shared') ON CONFLICT (key) DO NOTHING;
