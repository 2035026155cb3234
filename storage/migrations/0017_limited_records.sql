-- limited_records lists the records this device holds without their
-- personal fields: a provincial laptop with the limited copy receives a
-- commune's cases, steps and participants so, unless the case was referred
-- to a provincial body (syncproto.Record.Limited; the server's
-- serverstore/provincecopy.go). The screens say the personal data stay
-- with the commune, and an edit of those fields is refused
-- (storage/limited.go). A later version of the record that comes whole
-- takes it off the list.
CREATE TABLE limited_records (
	entity TEXT NOT NULL,
	id     TEXT NOT NULL,
	PRIMARY KEY (entity, id)
) STRICT;
