// Package storage is the local store of the desktop app: one SQLite file
// (modernc.org/sqlite, pure Go) holding reference data, the records, the
// outbox of changes waiting to be sent and the sync cursors.
package storage

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
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"

	"bvntd/app"
	"bvntd/storage/blobstore"
	"bvntd/storage/sqlitefile"
	"bvntd/storage/stmt"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// applicationID marks a file as ours ("BVNT"); a file with another id is
// refused.
const applicationID = 0x42564e54

// DB is the local store. It is safe for concurrent use: writes go through
// one connection with BEGIN IMMEDIATE, reads through a pool.
type DB struct {
	path  string
	blobs *blobstore.Store         // Blobs, opened on first use
	w     *sql.DB                  // the only writer
	r     *sql.DB                  // readers
	ckpt  *sqlitefile.Checkpointer // copies the log back beside the writer

	st *stmt.Cache // prepared statements of the hot write paths

	clock *app.Clock
	// device is the device's id: the one the provincial server gave at
	// enrolment (meta server_device_id), or before any, install.
	device  string
	install string // a UUID made when the file was created (meta device_id)
	tag     string // device tag in human numbers

	mu      sync.Mutex // guards officer, refs, seedRefs, synced
	officer string
	refs    app.Refs // seedRefs with the holiday years pulled from the province
	// seedRefs is the reference data given to SetRefs; synced the years
	// of the holiday calendar pulled from the province (holiday.go).
	seedRefs app.Refs
	synced   []app.HolidayYear

	// Now is the program's clock (Options.Now).
	Now func() time.Time

	freeSpace FreeSpaceFunc

	appVersion string // Options.AppVersion

	list caseListCache // the case list's index (casepage.go)
	// keptAll: when KeepCaseFacts last found every case's facts kept.
	keptAll factsComplete
}

// Options for Open.
type Options struct {
	// Now is the program's clock, for records, deadlines and the HLC
	// (app/clock.go); required.
	Now func() time.Time
	// FreeSpace replaces the system's free-space query (tests).
	FreeSpace FreeSpaceFunc
	// DeviceTag is the tag a new store puts in its human numbers (""
	// draws one: app.NewDeviceTag); tests choose theirs, so that nothing
	// they check depends on a random draw. An existing store keeps its own.
	DeviceTag string
	// BackupDir is where a backup of an existing store is written before
	// a new version's migrations change it ("": none is taken).
	BackupDir string
	// AppVersion is the version of the program opening the store. Records
	// pulled and kept aside by another version (quarantine.go) are tried
	// again when it opens the store; "" tries none.
	AppVersion string
}

const dsnCommon = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"

var registerOnce sync.Once

// Open opens or creates the store at path, applies pending migrations and
// makes the device identity on first use. A file written by a newer version
// of the app is refused with an *app.Error (ENEWERDATA).
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	app.MustClock(opts.Now, "storage.Open")
	if opts.DeviceTag != "" && !app.ValidDeviceTag(opts.DeviceTag) {
		return nil, fmt.Errorf("storage: device tag %q is not 4 characters of Crockford base32", opts.DeviceTag)
	}
	registerOnce.Do(registerFunctions)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, app.WrapError(app.EINTERNAL, "Không tạo được thư mục dữ liệu.", err)
	}
	removeStaleCopies(filepath.Dir(path))
	uri := fileURI(path)
	// The writer leaves the log's checkpoints to db.ckpt (sqlitefile.Checkpointer).
	w, err := sql.Open("sqlite", uri+"?"+dsnCommon+"&_txlock=immediate&"+sqlitefile.NoAutoCheckpoint+"&"+sqlitefile.WriterMemory)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	db := &DB{path: path, w: w, Now: opts.Now, freeSpace: opts.FreeSpace, tag: opts.DeviceTag, appVersion: opts.AppVersion}
	if db.freeSpace == nil {
		db.freeSpace = FreeSpace
	}
	if err := db.init(ctx, opts.BackupDir); err != nil {
		w.Close()
		return nil, err
	}
	privateStoreFiles(path)
	r, err := sql.Open("sqlite", uri+"?"+dsnCommon+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open reader %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(2, runtime.NumCPU()))
	db.r = r
	if db.ckpt, err = sqlitefile.NewCheckpointer(path); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.retryQuarantine(ctx); err != nil {
		// The records stay aside; the next start tries again.
		slog.Error("quarantine: trying the kept-aside records again failed", "error", err)
	}
	return db, nil
}

// privateStoreFiles makes the store at path and its -wal and -shm files
// readable by the user only (0600), right after it is opened: a new store
// (no records yet) and one made 0644 by an earlier version alike. SQLite
// gives a -wal or -journal file it creates later the mode of the store.
// On Windows the data folder is in the user's profile, which only the
// user (and administrators) can read; the mode there only clears
// "read-only".
func privateStoreFiles(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if fi, err := os.Stat(path + suffix); err == nil && fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(path+suffix, 0o600); err != nil {
				slog.Warn("store file mode not changed", "error", err)
			}
		}
	}
}

func (db *DB) init(ctx context.Context, backupDir string) error {
	// A new store's pages are 8 KB: a case's row (its JSON) and its sent
	// change are some 2 KB each, so 4 KB pages held one row and half their
	// bytes were empty (issue 22). It applies to an empty file only, before
	// the log is in WAL mode; a store made before keeps its pages.
	if _, err := db.w.ExecContext(ctx, "PRAGMA page_size = 8192"); err != nil {
		return app.WrapError(app.EINTERNAL, "Không mở được tệp dữ liệu.", fmt.Errorf("page_size: %w", err))
	}
	var mode string
	if err := db.w.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return app.WrapError(app.EINTERNAL, "Không mở được tệp dữ liệu.", fmt.Errorf("journal_mode: %w", err))
	}
	if mode != "wal" {
		return app.WrapError(app.EINTERNAL, "Không bật được chế độ ghi an toàn (WAL) cho tệp dữ liệu. Hãy để dữ liệu trên ổ đĩa của máy, không trên ổ mạng.",
			fmt.Errorf("journal_mode is %q, want wal", mode))
	}
	if err := db.migrate(ctx, backupDir); err != nil {
		return err
	}
	years, err := loadHolidayYears(ctx, db.w)
	if err != nil {
		return app.WrapError(app.EINTERNAL, "Không đọc được lịch nghỉ lễ, Tết đã đồng bộ.", err)
	}
	db.synced = years
	st, err := stmt.Prepare(ctx, db.w, append(preparedKinds(), sqlPendingFields, sqlPutCursor)...)
	if err != nil {
		return err
	}
	db.st = st
	if err := db.loadIdentity(ctx); err != nil {
		return err
	}
	if err := db.moveTokenOut(ctx); err != nil {
		return app.WrapError(app.EINTERNAL, "Không chuyển được mã đăng ký của máy ra khỏi tệp dữ liệu.", err)
	}
	// A store restored from a backup before it was opened (into a fresh
	// folder, or at start from a damaged one) holds its evidence files.
	if err := db.unpackFiles(ctx); err != nil {
		return app.WrapError(app.EINTERNAL, "Không khôi phục được các tệp chứng cứ của bản sao lưu.", err)
	}
	return nil
}

// Close closes the store.
func (db *DB) Close() error {
	var errs []error
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	if db.st != nil {
		errs = append(errs, db.st.Close())
	}
	errs = append(errs, db.list.close())
	errs = append(errs, db.ckpt.Close())
	errs = append(errs, db.w.Close())
	return errors.Join(errs...)
}

// Path returns the file of the store.
func (db *DB) Path() string { return db.path }

// DeviceID returns this device's id: the one the provincial server gave
// it at enrolment, or the one made with the store before.
func (db *DB) DeviceID() string { return db.device }

// DeviceTag returns the tag this device puts in human numbers.
func (db *DB) DeviceTag() string { return db.tag }

// SetOfficer sets the name recorded as the author of later changes.
func (db *DB) SetOfficer(name string) {
	db.mu.Lock()
	db.officer = app.NFC(name)
	db.mu.Unlock()
}

func (db *DB) currentOfficer() string {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.officer
}

// SetRefs sets the reference data used to validate records and count
// deadlines. The store uses it with the holiday years pulled from the
// province in place of the seeded ones (see Calendar).
func (db *DB) SetRefs(r app.Refs) {
	db.mu.Lock()
	db.seedRefs = r
	db.refs = withSyncedHolidays(r, db.synced)
	db.mu.Unlock()
}

func (db *DB) currentRefs() app.Refs {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.refs
}

// migrations returns the embedded migrations in order, numbered from 1.
func migrations() ([]string, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]string, 0, len(names))
	for i, n := range names {
		num, err := strconv.Atoi(strings.SplitN(filepath.Base(n), "_", 2)[0])
		if err != nil || num != i+1 {
			return nil, fmt.Errorf("migration %s: want number %04d", n, i+1)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, string(b))
	}
	return out, nil
}

// SchemaVersion is the newest schema this build knows.
func SchemaVersion() int {
	m, err := migrations()
	if err != nil {
		return 0
	}
	return len(m)
}

// msgNewerData is the message for a file made by a newer app.
const msgNewerData = "Dữ liệu được tạo bởi phiên bản mới hơn của ứng dụng. Vui lòng cập nhật ứng dụng."

// migrate applies the pending migrations. An existing store is first
// copied into backupDir (if given): a new version never changes the only
// copy of the officers' work.
func (db *DB) migrate(ctx context.Context, backupDir string) error {
	var before func(from, to int) error
	if backupDir != "" {
		before = func(from, to int) error {
			if err := os.MkdirAll(backupDir, 0o700); err != nil {
				return app.WrapError(app.EINVALID, "Không tạo được thư mục sao lưu "+backupDir+".", err)
			}
			path := nextBackupPath(backupDir, db.Now(), app.BackupBeforeUpgrade)
			recipients, err := db.backupRecipients(ctx, db.w)
			if err == nil {
				err = backupConn(ctx, db.w, db.freeSpace, db.size(), path, db.dataDir(), recipients)
			}
			if err != nil {
				return app.WrapError(app.ErrorCode(err), "Chưa nâng cấp tệp dữ liệu vì không sao lưu được trước khi nâng cấp: "+
					app.ErrorMessage(err)+" Dữ liệu cũ vẫn được giữ nguyên.", err)
			}
			slog.Info("backup before upgrade", "from", from, "to", to, "file", path)
			return nil
		}
	}
	return migrateWith(ctx, db.w, -1, before)
}

// migrateTo applies migrations up to version upTo (-1: all), each in its own
// BEGIN IMMEDIATE transaction together with PRAGMA user_version.
func migrateTo(ctx context.Context, w *sql.DB, upTo int) error {
	return migrateWith(ctx, w, upTo, nil)
}

// migrateWith is migrateTo calling before (if set) when an existing store
// (version > 0) has migrations to apply, before the first one.
func migrateWith(ctx context.Context, w *sql.DB, upTo int, before func(from, to int) error) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if upTo < 0 || upTo > len(ms) {
		upTo = len(ms)
	}
	var version, appID int
	if err := w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return app.WrapError(app.EINTERNAL, "Không đọc được tệp dữ liệu.", err)
	}
	if err := w.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return app.WrapError(app.EINTERNAL, "Không đọc được tệp dữ liệu.", err)
	}
	if appID != 0 && appID != applicationID {
		return app.Errorf(app.EINVALID, "Tệp này không phải tệp dữ liệu của ứng dụng BVNTD.")
	}
	if version > len(ms) {
		return &app.Error{Code: app.ENEWERDATA, Message: msgNewerData,
			Err: fmt.Errorf("file schema %d, this build knows %d", version, len(ms))}
	}
	if before != nil && version > 0 && upTo > version {
		if err := before(version, upTo); err != nil {
			return err
		}
	}
	for v := version + 1; v <= upTo; v++ {
		if err := applyMigration(ctx, w, v, ms[v-1]); err != nil {
			return app.WrapError(app.EINTERNAL, "Không nâng cấp được tệp dữ liệu. Dữ liệu cũ vẫn được giữ nguyên.", err)
		}
	}
	if upTo > version {
		rows, err := w.QueryContext(ctx, "PRAGMA foreign_key_check")
		if err != nil {
			return err
		}
		bad := rows.Next()
		rows.Close()
		if bad {
			return app.WrapError(app.EINTERNAL, "Tệp dữ liệu có liên kết hỏng sau khi nâng cấp.", errors.New("foreign_key_check failed"))
		}
	}
	return nil
}

func applyMigration(ctx context.Context, w *sql.DB, v int, script string) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, script); err != nil {
		return fmt.Errorf("migration %d: %w", v, err)
	}
	if step := goMigrations[v]; step != nil {
		if err := step(ctx, tx); err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		return err
	}
	return tx.Commit()
}

// fileURI turns a path into the file: URI SQLite opens.
func fileURI(path string) string { return sqlitefile.URI(path) }

// registerFunctions registers the Vietnamese collation "vi".
func registerFunctions() {
	var mu sync.Mutex
	c := app.NewCollator()
	sqlite.MustRegisterCollationUtf8("vi", func(a, b string) int {
		mu.Lock()
		defer mu.Unlock()
		return c.CompareString(a, b)
	})
}

// tx runs fn in a write transaction (BEGIN IMMEDIATE) and commits it.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	// The writer's rows changed so far: a pull's big transactions start a
	// checkpoint each (sqlitefile.CheckpointChanges).
	var changes int64
	if err := db.w.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&changes); err != nil {
		changes = -1 // counted by commits alone
	}
	db.ckpt.CommittedChanges(changes)
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its first line.
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var s string
	err := db.r.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&s)
	return s, err
}
