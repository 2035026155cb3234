-- intake_submissions lists the submissions of the public form (issue 21):
-- one row per submission id, so that a double click or a resend makes one
-- case. unit is the commune the consumer chose (the counts are by it);
-- case_id and case_unit, the case that handles it now (a forwarded
-- submission follows its case to the new commune). phone_check is the
-- SHA-256 of the tracking code with the last four digits of the phone:
-- the status page is opened by both, compared in constant time. day is the
-- day of received_at in Vietnam (YYYY-MM-DD), for the counts.
CREATE TABLE intake_submissions (
	submission_id TEXT PRIMARY KEY,
	tracking_code TEXT NOT NULL UNIQUE,
	unit          TEXT NOT NULL,
	case_id       TEXT NOT NULL,
	case_unit     TEXT NOT NULL,
	phone_check   TEXT NOT NULL,
	received_at   INTEGER NOT NULL,
	day           TEXT NOT NULL
) STRICT;

CREATE INDEX intake_submissions_case ON intake_submissions (case_id);
CREATE INDEX intake_submissions_day ON intake_submissions (day, unit);
