-- The officers' accounts on this device (tài khoản cán bộ), for sign-in on
-- a laptop the commune's officers share. Device-local: never synced, never
-- in a dump; the synced officer registry record is linked by officer_id.
-- secret_hash is an Argon2id PHC string (app/passhash), never the secret.
-- failed_attempts and locked_until (Unix seconds, 0: not locked) slow down
-- wrong secrets and survive a restart of the app.
CREATE TABLE officer_profiles (
	id              TEXT PRIMARY KEY,
	full_name       TEXT NOT NULL,
	name_folded     TEXT NOT NULL UNIQUE,
	role            TEXT NOT NULL,
	unit_code       TEXT NOT NULL,
	officer_id      TEXT NOT NULL DEFAULT '',
	secret_hash     TEXT NOT NULL CHECK (secret_hash LIKE '$argon2id$%'),
	failed_attempts INTEGER NOT NULL DEFAULT 0,
	locked_until    INTEGER NOT NULL DEFAULT 0,
	created_at      TEXT NOT NULL,
	last_signin_at  TEXT NOT NULL DEFAULT ''
) STRICT;
