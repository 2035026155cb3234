// Package serverstore is the provincial server's store: one-time enrolment
// codes, devices and their hashed tokens, the merged records of every
// commune with a gap-free change sequence per scope, and the audit trail of
// every mutation received.
//
// It runs on embedded SQLite (modernc.org/sqlite, a file: the pilot, one
// province) or on PostgreSQL (pgx v5, a postgres:// URL: production). Both
// run the same code and the same queries, bound for the engine by a
// dialect; only opening, migrating and backing up differ (postgres.go).
// It implements the Store interface of package syncserver.
package serverstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"bvntd/app"
	"bvntd/storage/sqlitefile"
	"bvntd/storage/stmt"
	"bvntd/sync/syncproto"

	"github.com/jackc/pgx/v5/pgxpool"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// applicationID marks a SQLite file as this server's database ("BVNS").
const applicationID = 0x42564e53

// dsnParams are set on every connection of the writer.
// The log is copied back by a checkpointer of its own (sqlitefile.Checkpointer),
// not inside a commit.
const dsnParams = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate&" + sqlitefile.NoAutoCheckpoint + "&" + sqlitefile.WriterMemory

// readerParams are set on every connection of the reader pool.
const readerParams = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=query_only(1)"

// maxReaders bounds the reader pool.
const maxReaders = 4

//go:embed migrations/*.sql migrations_pg/*.sql
var migrationFS embed.FS

// The migration folders of the two engines. Each engine has its own
// numbering: PostgreSQL's 0001 is SQLite's 0001–0003 in one.
const (
	sqliteMigrations   = "migrations"
	postgresMigrations = "migrations_pg"
)

// Options configure a Store.
type Options struct {
	// Now is the program's clock (app/clock.go); required.
	Now func() time.Time
	// FilesDir is the folder of the evidence files' content (files.go):
	// "" for DefaultFilesDir beside a SQLite file, and for the database
	// itself on PostgreSQL (pgcontent.go).
	FilesDir string
}

// Store is the server's SQLite store. It is safe for concurrent use: every
// write goes through the single writer connection, reads through a small
// read-only pool (WAL lets them run beside the writer).
//
// On PostgreSQL w and r are the same pool and writers run concurrently;
// the scope counters' row locks keep the sequences gap-free (see
// lockScopes).
type Store struct {
	w     *handle                  // SQLite: the only writer
	r     *handle                  // SQLite: read-only pool
	ckpt  *sqlitefile.Checkpointer // SQLite: copies the log back, beside the writer
	d     dialect
	pool  *pgxpool.Pool // PostgreSQL only
	url   string        // PostgreSQL only: the URL it was opened with
	now   func() time.Time
	clock *app.Clock  // server HLC: bounds the stamps of devices whose clock is ahead
	st    *stmt.Cache // SQLite only: prepared statements of the push path
	epoch string
	refs  app.Refs // the catalogue pushes are checked against (refs.go); nil: the seeds

	// Test hooks (export_test.go).
	plainSeq     bool   // take sequence numbers from a PostgreSQL sequence, unlocked
	beforeCommit func() // called before a push commits

	path      string        // SQLite: the database file (its disk's free space)
	seen      *seenFlusher  // last-seen times noted by pulls (lastseen.go)
	health    storageHealth // what the writes said of the storage (health.go)
	maxRecord int           // the largest record JSON a pull sends (pull.go)
	faultMu   sync.Mutex    // guards writeFault
	// writeFault, if set, fails every write transaction as a full disk
	// would (tests: export_test.go, lastseen_test.go).
	writeFault func() error

	files   fileStore   // the evidence files' content (files.go)
	cursors cursorNotes // the cursors pulls acknowledged, not yet written (fileprune.go)

	log *slog.Logger // the intake's log (intake.go SetLogger); nil: slog's default
}

// IsPostgres reports whether db names a PostgreSQL database (a
// postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Open opens or creates the database db, a SQLite file path or a
// PostgreSQL URL, and brings its schema up to date. It refuses a database
// written by a newer server (app.ENEWERDATA) or one that is not a BVNTD
// server database (app.EINVALID).
func Open(ctx context.Context, db string, opts Options) (*Store, error) {
	s := &Store{now: app.MustClock(opts.Now, "serverstore.Open"), seen: newSeenFlusher(), maxRecord: maxRecordBytes}
	s.clock = app.NewClock(app.HLC{}, s.now)
	s.files.dir = opts.FilesDir
	if s.files.dir == "" && !IsPostgres(db) {
		s.files.dir = DefaultFilesDir(db)
	}
	if IsPostgres(db) {
		if err := s.openPostgres(ctx, db); err != nil {
			return s, err
		}
		s.startSeenFlusher()
		return s, nil
	}
	path := db
	s.path = path
	uri := fileURI(path)
	w, err := sql.Open("sqlite", uri+"?"+dsnParams)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	s.w = &handle{DB: w, commit: s.commit}
	if err := s.init(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", uri+"?"+readerParams)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(maxReaders)
	s.r = &handle{DB: r}
	if s.ckpt, err = sqlitefile.NewCheckpointer(path); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.startSeenFlusher()
	return s, nil
}

func (s *Store) init(ctx context.Context) error {
	// A new store's pages are 8 KB: a record's row (its fields' JSON) and
	// an audit row (the payload) are some 2 KB each, so 4 KB pages held one
	// row and half their bytes were empty. It applies to an empty file
	// only, before the log is in WAL mode; a store made before keeps its
	// pages.
	if _, err := s.w.ExecContext(ctx, "PRAGMA page_size = 8192"); err != nil {
		return openError(err)
	}
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode = wal").Scan(&mode); err != nil {
		return openError(err)
	}
	if mode != "wal" {
		return fmt.Errorf("enable WAL: journal_mode is %q", mode)
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	if err := s.fillProvinceHeld(ctx); err != nil {
		return err
	}
	if err := s.w.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'epoch'").Scan(&s.epoch); err != nil {
		return fmt.Errorf("read epoch: %w", err)
	}
	st, err := stmt.Prepare(ctx, s.w.DB, pushStatements...)
	if err != nil {
		return err
	}
	s.st = st
	return nil
}

// openError turns the first failure to read a file into a message a user
// can act on.
func openError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "file is not a database") || strings.Contains(msg, "SQLITE_NOTADB") {
		return app.WrapError(app.EINVALID, "Tệp không phải là cơ sở dữ liệu SQLite.", err)
	}
	return app.WrapError(app.EINTERNAL, "Không mở được cơ sở dữ liệu.", err)
}

// Close writes the last-seen times noted by pulls and closes the pools.
func (s *Store) Close() error {
	s.stopSeenFlusher()
	var errs []error
	if s.r != nil && s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	if s.st != nil {
		errs = append(errs, s.st.Close())
	}
	errs = append(errs, s.ckpt.Close())
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	if s.pool != nil {
		s.pool.Close()
	}
	return errors.Join(errs...)
}

// Epoch returns the random id made when the database was created.
func (s *Store) Epoch() string { return s.epoch }

type migration struct {
	version int
	name    string
	script  string
}

// migrations reads the numbered scripts of dir in migrationFS.
func migrations(dir string) ([]migration, error) {
	names, err := fs.Glob(migrationFS, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []migration
	for i, name := range names {
		base := filepath.Base(name)
		n, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil || n != i+1 {
			return nil, fmt.Errorf("migration %s: want number %04d", base, i+1)
		}
		b, err := migrationFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: n, name: base, script: string(b)})
	}
	return out, nil
}

// SchemaVersion is the newest SQLite schema this build knows.
func SchemaVersion() int {
	ms, err := migrations(sqliteMigrations)
	if err != nil {
		return 0
	}
	return len(ms)
}

// migrate applies the missing migrations in one IMMEDIATE transaction,
// together with the new user_version (so a crash leaves the old schema).
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations(sqliteMigrations)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return openError(err)
	}
	defer tx.Rollback()

	var version, appID, objects int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return openError(err)
	}
	if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return openError(err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&objects); err != nil {
		return openError(err)
	}
	switch {
	case appID != 0 && appID != applicationID,
		appID == 0 && (version != 0 || objects != 0):
		return app.Errorf(app.EINVALID, "Tệp này không phải cơ sở dữ liệu của máy chủ BVNTD.")
	case version > len(ms):
		return &app.Error{Code: app.ENEWERDATA,
			Message: "Cơ sở dữ liệu được tạo bởi phiên bản máy chủ mới hơn. Vui lòng cập nhật bvntd-server.",
			Err:     fmt.Errorf("schema version %d, this build knows %d", version, len(ms))}
	case version == len(ms):
		return nil
	}
	for _, m := range ms[version:] {
		if _, err := tx.ExecContext(ctx, m.script); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
			return fmt.Errorf("migration %s: set user_version: %w", m.name, err)
		}
	}
	if version == 0 {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
			return fmt.Errorf("set application_id: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit migrations: %w", err)
	}
	rows, err := s.w.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("foreign_key_check: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("foreign_key_check: the database has dangling references")
	}
	return rows.Err()
}

// fileURI turns a path into a SQLite file: URI (drive letters and UNC
// shares on Windows, special characters escaped).
func fileURI(path string) string { return sqlitefile.URI(path) }

// ms converts t to Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts nullable Unix milliseconds to a UTC time (zero if NULL).
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

// Backup writes a consistent copy of the database to path while it is in
// use, and gives the copy a new epoch. The live database keeps its epoch;
// if the copy is ever restored, every device sees an epoch it does not know,
// downloads its scope again and sends again the changes it had sent since
// (see the client's sent log), so nothing acknowledged after the backup is
// lost.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(BackupFilesDir(path)); err == nil {
		return app.Errorf(app.EINVALID, "Thư mục %s đã tồn tại; chọn tên tệp sao lưu khác.", BackupFilesDir(path))
	}
	if s.d == postgresDialect {
		return s.backupPostgres(ctx, path)
	}
	if _, err := os.Stat(path); err == nil {
		return app.Errorf(app.EINVALID, "Tệp %s đã tồn tại; chọn tên khác.", path)
	}
	if _, err := s.w.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return app.WrapError(app.EINTERNAL, "Không sao lưu được dữ liệu máy chủ.", err)
	}
	cp, err := sql.Open("sqlite", fileURI(path)+"?"+dsnParams)
	if err != nil {
		return err
	}
	defer cp.Close()
	if _, err := cp.ExecContext(ctx, "UPDATE meta SET value = lower(hex(randomblob(16))) WHERE key = 'epoch'"); err != nil {
		os.Remove(path)
		return app.WrapError(app.EINTERNAL, "Không sao lưu được dữ liệu máy chủ.", err)
	}
	return nil
}

// Ping reports whether the store answers a query (the health endpoint).
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// AuditCounts returns how many mutations the devices pushed that the audit
// trail holds as applied and as rejected (duplicates are not stored twice);
// the server's own writes (the online intake's, intakeDevice) are not
// counted.
func (s *Store) AuditCounts(ctx context.Context) (applied, rejected int64, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT
		coalesce(sum(CASE WHEN status = ? THEN 1 ELSE 0 END), 0),
		coalesce(sum(CASE WHEN status = ? THEN 1 ELSE 0 END), 0)
		FROM applied_mutations WHERE device_id <> ?`, syncproto.StatusApplied, syncproto.StatusRejected, intakeDevice).Scan(&applied, &rejected)
	if err != nil {
		return 0, 0, fmt.Errorf("count the audit trail: %w", err)
	}
	return applied, rejected, nil
}
