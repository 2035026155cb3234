-- As SQLite's migration 0007: the submissions of the public form.
CREATE TABLE intake_submissions (
	submission_id text COLLATE "C" PRIMARY KEY,
	tracking_code text COLLATE "C" NOT NULL UNIQUE,
	unit          text COLLATE "C" NOT NULL,
	case_id       text COLLATE "C" NOT NULL,
	case_unit     text COLLATE "C" NOT NULL,
	phone_check   text COLLATE "C" NOT NULL,
	received_at   bigint NOT NULL,
	day           text COLLATE "C" NOT NULL
);

CREATE INDEX intake_submissions_case ON intake_submissions (case_id);
CREATE INDEX intake_submissions_day ON intake_submissions (day, unit);
