-- The provincial server's schema on PostgreSQL: the same tables and
-- columns as SQLite's migrations 0001-0003, with the same meaning (see
-- migrations/). Times are Unix milliseconds, UTC. Text compares byte by
-- byte (COLLATE "C"), as SQLite's does, so that both engines order the
-- records, the dumps and the reports alike whatever the database's locale.

-- meta holds single values: "app" marks the database as this server's,
-- "schema_version" is the last migration applied.
CREATE TABLE meta (
	key   text COLLATE "C" PRIMARY KEY,
	value text COLLATE "C" NOT NULL
);

INSERT INTO meta (key, value) VALUES ('app', 'bvntd-server');

-- server_epoch holds the random id of this copy of the data. A backup
-- (Store.Backup) leaves its row out, so a restored database makes a new
-- epoch when it is first opened and every device starts its pull again.
CREATE TABLE server_epoch (
	epoch text COLLATE "C" NOT NULL
);

CREATE TABLE enrol_codes (
	code_hash      text COLLATE "C" PRIMARY KEY,
	scope          text COLLATE "C" NOT NULL,
	created_at     bigint NOT NULL,
	expires_at     bigint NOT NULL,
	used_at        bigint,
	used_by_device text COLLATE "C"
);

CREATE TABLE devices (
	id           text COLLATE "C" PRIMARY KEY,
	tag          text COLLATE "C" NOT NULL,
	name         text COLLATE "C" NOT NULL DEFAULT '',
	scope        text COLLATE "C" NOT NULL,
	token_hash   text COLLATE "C" NOT NULL UNIQUE,
	app_version  text COLLATE "C" NOT NULL DEFAULT '',
	created_at   bigint NOT NULL,
	enrolled_at  bigint NOT NULL,
	last_seen_at bigint,
	last_sync_at bigint,
	revoked_at   bigint,
	last_stamp   text COLLATE "C" NOT NULL DEFAULT ''
);

-- fields and stamps are JSON kept as text: the bytes the Go code wrote.
CREATE TABLE records (
	entity      text COLLATE "C" NOT NULL,
	id          text COLLATE "C" NOT NULL,
	scope       text COLLATE "C" NOT NULL,
	fields      text NOT NULL,
	stamps      text NOT NULL,
	seq         bigint NOT NULL,
	version     bigint NOT NULL,
	created_at  bigint NOT NULL,
	updated_at  bigint NOT NULL,
	sole_writer text COLLATE "C" NOT NULL DEFAULT '',
	PRIMARY KEY (entity, id)
);

CREATE UNIQUE INDEX records_scope_seq ON records (scope, seq);
CREATE INDEX records_id ON records (id);

-- scope_seq is the change counter of each scope. A push locks the rows of
-- its scopes (lockScopes) before it takes numbers, and holds the locks
-- until it commits: the numbers of a scope are handed out in commit order.
CREATE TABLE scope_seq (
	scope text COLLATE "C" PRIMARY KEY,
	seq   bigint NOT NULL
);

CREATE TABLE applied_mutations (
	mutation_id    text COLLATE "C" PRIMARY KEY,
	device_id      text COLLATE "C" NOT NULL REFERENCES devices (id),
	entity         text COLLATE "C" NOT NULL,
	record_id      text COLLATE "C" NOT NULL,
	scope          text COLLATE "C" NOT NULL,
	op             text COLLATE "C" NOT NULL,
	payload_sha256 text COLLATE "C" NOT NULL,
	payload        text NOT NULL,
	status         text COLLATE "C" NOT NULL,
	code           text COLLATE "C" NOT NULL DEFAULT '',
	message        text NOT NULL DEFAULT '',
	seq            bigint,
	hlc            text COLLATE "C" NOT NULL,
	stamp_hlc      text COLLATE "C" NOT NULL DEFAULT '',
	officer        text NOT NULL DEFAULT '',
	device_time    bigint NOT NULL DEFAULT 0,
	received_at    bigint NOT NULL
);

CREATE INDEX applied_mutations_record ON applied_mutations (entity, record_id);
CREATE INDEX applied_mutations_device ON applied_mutations (device_id, received_at);
