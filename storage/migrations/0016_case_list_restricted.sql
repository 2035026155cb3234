-- A person's data (issue 19): beside each case in case_list, whether the
-- person asked to restrict its processing (the lists of an officer who does
-- not see restricted people leave it out), and the folded names and
-- addresses of the consumer and the representative that "Dữ liệu của một
-- người" looks a person up in (app.PersonIndex). The Go step of this
-- migration (storage/migrate.go) fills them from each case's document.
ALTER TABLE case_list ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE case_list ADD COLUMN person_names TEXT NOT NULL DEFAULT '';
ALTER TABLE case_list ADD COLUMN person_addresses TEXT NOT NULL DEFAULT '';
