-- The evidence files' content kept in PostgreSQL (the engine's store when
-- the server is given no --files folder; pgcontent.go). A file arrives
-- in chunks of 256 KiB, each checked against its SHA-256 and committed
-- as it arrives, under the name of its transfer (part: the sender's
-- scope), so that a cut resumes from what was committed; the last chunk
-- of a cut transfer may be shorter (what arrived of it). Once a
-- transfer's chunks make the whole file and it has the file's hash, they
-- are copied under part '' (the stored content) and the file is listed in
-- file_content: only then does it count as stored.
CREATE TABLE file_chunks (
	sha256 text COLLATE "C" NOT NULL,
	part   text COLLATE "C" NOT NULL,
	idx    integer NOT NULL,
	data   bytea NOT NULL,
	PRIMARY KEY (sha256, part, idx)
);

CREATE TABLE file_content (
	sha256     text COLLATE "C" PRIMARY KEY,
	size       bigint NOT NULL,
	chunk_sums text NOT NULL, -- the hex SHA-256 of each chunk, comma-separated
	stored_at  bigint NOT NULL
);
