package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"filippo.io/age"

	"bvntd/app"
	"bvntd/storage/sqlitefile"
)

// Local backups: consistent copies of the store (VACUUM INTO, which reads
// one snapshot while the app keeps writing), written under a temporary
// name, checked and renamed into place, so that a laptop switched off
// mid-copy never leaves a half backup that looks whole. Their names carry
// the time and the reason: bvntd-20261127-084912-daily.sqlite.

const (
	// LowDiskLimit is the free space below which the officer is warned.
	LowDiskLimit = 200 << 20
	// BackupRetention is how long backups are kept; the three newest
	// are always kept.
	BackupRetention = 14 * 24 * time.Hour
	// BackupInterval is how old the newest backup may get before the app
	// takes the next automatic one.
	BackupInterval = 24 * time.Hour
	// backupMargin is the room a backup leaves free on its disk besides
	// its own size.
	backupMargin = 32 << 20
	// minBackups are never pruned, however old: a clock that jumps years
	// ahead (a dead CMOS battery) must not make every backup look stale.
	minBackups = 3
)

// FreeSpaceFunc returns the bytes available to this user on the file
// system that holds dir.
type FreeSpaceFunc func(dir string) (uint64, error)

// FreeSpace asks the system (statfs, GetDiskFreeSpaceEx).
func FreeSpace(dir string) (uint64, error) { return freeSpace(dir) }

const (
	backupPrefix = "bvntd-"
	backupExt    = ".sqlite"
	backupTime   = "20060102-150405"
)

// BackupName is the file name of a backup taken at t for reason.
func BackupName(t time.Time, reason string) string {
	return backupPrefix + t.UTC().Format(backupTime) + "-" + reason + backupExt
}

// parseBackupName reads the time and reason out of a backup's file name.
func parseBackupName(name string) (time.Time, string, bool) {
	if !strings.HasPrefix(name, backupPrefix) || !strings.HasSuffix(name, backupExt) {
		return time.Time{}, "", false
	}
	s := strings.TrimSuffix(strings.TrimPrefix(name, backupPrefix), backupExt)
	if len(s) < len(backupTime)+2 || s[len(backupTime)] != '-' {
		return time.Time{}, "", false
	}
	t, err := time.Parse(backupTime, s[:len(backupTime)])
	if err != nil {
		return time.Time{}, "", false
	}
	return t.UTC(), s[len(backupTime)+1:], true
}

// DiskSpace returns the free space of the store's disk.
func (db *DB) DiskSpace() app.DiskSpace {
	return diskSpace(db.freeSpace, filepath.Dir(db.path))
}

// The evidence files count in it: the next backup copies them, so the
// limit grows by their size (diskSpace).
func diskSpace(fn FreeSpaceFunc, dir string) app.DiskSpace {
	files := filesSize(filepath.Join(dir, BlobDirName))
	limit := uint64(LowDiskLimit + files)
	free, err := fn(dir)
	if err != nil {
		slog.Warn("free space unknown", "error", err)
		return app.DiskSpace{Limit: limit, Files: files}
	}
	return app.DiskSpace{Free: free, Limit: limit, Known: true, Files: files}
}

// size is the store's size on disk, its write-ahead log included: about
// what a copy needs at most.
func (db *DB) size() int64 {
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(db.path + suffix); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// errNoRoom is the refusal of a backup that would not fit.
func errNoRoom(dir string, free uint64, need int64) error {
	return app.Errorf(app.EINVALID, "Không đủ chỗ trống để sao lưu vào %s: còn %s, cần khoảng %s. Hãy xóa bớt tệp không cần thiết hoặc chọn thư mục sao lưu khác (ví dụ USB).",
		dir, app.FormatBytes(int64(free)), app.FormatBytes(need+backupMargin))
}

// Backup writes a consistent copy of the store to path while it is in use.
// It refuses to overwrite a file and to fill the disk.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return app.Errorf(app.EINVALID, "Tệp %s đã tồn tại; chọn tên khác.", filepath.Base(path))
	}
	return db.writeBackup(ctx, path)
}

// BackupTo writes a backup for reason into dir (created if needed), named
// by the time, and returns what it holds.
func (db *DB) BackupTo(ctx context.Context, dir, reason string) (app.BackupInfo, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return app.BackupInfo{}, app.WrapError(app.EINVALID, "Không tạo được thư mục sao lưu "+dir+".", err)
	}
	path := nextBackupPath(dir, db.Now(), reason)
	if err := db.writeBackup(ctx, path); err != nil {
		return app.BackupInfo{}, err
	}
	k, err := db.keys()
	if err != nil {
		return app.BackupInfo{}, err
	}
	return InspectBackup(ctx, path, k), nil
}

// nextBackupPath names a new backup in dir taken now. Names sort by time:
// a backup within the same second as the newest one is named a second
// later.
func nextBackupPath(dir string, now time.Time, reason string) string {
	at := now.UTC().Truncate(time.Second)
	if newest, err := NewestBackup(dir); err == nil && !newest.Before(at) && newest.Sub(at) < time.Minute {
		at = newest.Add(time.Second)
	}
	return filepath.Join(dir, BackupName(at, reason))
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// writeBackup copies the store to a plain temporary file in the data
// folder, prepares the copy to be restored (its token removed), checks it,
// encrypts it to a temporary file beside path and renames that into place.
// It reads through a connection of its own: VACUUM INTO is a read
// transaction, so the officer's saves go on meanwhile (through the writer
// they would wait).
func (db *DB) writeBackup(ctx context.Context, path string) error {
	recipients, err := db.backupRecipients(ctx, db.r)
	if err != nil {
		return err
	}
	c, err := sql.Open("sqlite", fileURI(db.path)+"?"+dsnCommon)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	return backupConn(ctx, c, db.freeSpace, db.size(), path, db.dataDir(), recipients)
}

// backupConn is writeBackup on a connection, also used before migrations:
// the plain copy is made in scratch (the data folder), and only the
// encrypted one is written beside path.
func backupConn(ctx context.Context, w *sql.DB, fs FreeSpaceFunc, need int64, path, scratch string, recipients []age.Recipient) error {
	dir := filepath.Dir(path)
	blobDir := filepath.Join(scratch, BlobDirName)
	need += filesSize(blobDir)
	for _, d := range []string{dir, scratch} {
		if free, err := fs(d); err == nil && free < uint64(need+backupMargin) {
			return errNoRoom(d, free, need)
		}
	}
	tmp := path + ".tmp"
	os.Remove(tmp) // a copy cut short by a power cut
	// An empty file readable by the user only, that VACUUM INTO fills.
	pf, err := os.CreateTemp(scratch, copyPrefix+"*.sqlite")
	if err != nil {
		return app.WrapError(app.EINTERNAL, "Không sao lưu được dữ liệu vào "+path+".", err)
	}
	pf.Close()
	plain := pf.Name()
	defer func() {
		for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
			os.Remove(plain + suffix)
		}
	}()
	fail := func(err error) error {
		os.Remove(tmp)
		return app.WrapError(app.EINTERNAL, "Không sao lưu được dữ liệu vào "+path+".", err)
	}
	if _, err := w.ExecContext(ctx, "VACUUM INTO ?", plain); err != nil {
		return fail(err)
	}
	if err := prepareCopy(ctx, plain, blobDir); err != nil {
		return fail(err)
	}
	if err := encryptFile(plain, tmp, recipients); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(err)
	}
	sqlitefile.SyncDir(dir)
	return nil
}

// secretMeta are the meta keys a backup never carries: the bearer token
// (a token read from a copy pulled a commune's records). A restored store
// keeps the token in use (Restore), or enrols again.
var secretMeta = []string{metaToken}

// prepareCopy readies a fresh copy to be restored one day and checks it.
// If the copy is ever restored it must download everything again,
// including what this device writes after today (the server has it), so
// its cursors go; its token goes too, overwritten (secure_delete), not
// only unlinked. It is left in rollback-journal mode, a single file. The
// evidence files of the file store in blobDir go into it too (packFiles),
// so that the one encrypted file holds everything.
func prepareCopy(ctx context.Context, path, blobDir string) error {
	cp, err := sql.Open("sqlite", fileURI(path)+"?"+dsnCommon+"&_pragma=secure_delete(1)")
	if err != nil {
		return err
	}
	defer cp.Close()
	cp.SetMaxOpenConns(1)
	var mode, check string
	if err := cp.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode); err != nil {
		return err
	}
	if _, err := cp.ExecContext(ctx, `DELETE FROM sync_cursors;
		INSERT INTO meta (key, value) VALUES ('`+metaFullPull+`', '1')
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`); err != nil {
		return err
	}
	for _, k := range secretMeta {
		if _, err := cp.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", k); err != nil {
			return err
		}
	}
	if err := packFiles(ctx, cp, blobDir); err != nil {
		return err
	}
	if err := cp.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return err
	}
	if check != "ok" {
		return fmt.Errorf("copy fails quick_check: %s", check)
	}
	return nil
}

// ListBackups returns the backups in dir, newest first, with what each
// holds (an encrypted one is read with k). A missing folder has none.
func ListBackups(ctx context.Context, dir string, k Keys) ([]app.BackupInfo, error) {
	names, err := backupNames(dir)
	if err != nil {
		return nil, err
	}
	out := make([]app.BackupInfo, 0, len(names))
	for _, n := range names {
		out = append(out, InspectBackup(ctx, filepath.Join(dir, n), k))
	}
	return out, nil
}

// backupNames lists the backup files of dir, newest first.
func backupNames(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, app.WrapError(app.EINTERNAL, "Không đọc được thư mục sao lưu "+dir+".", err)
	}
	type named struct {
		name string
		at   time.Time
	}
	var ns []named
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		if at, _, ok := parseBackupName(e.Name()); ok {
			ns = append(ns, named{e.Name(), at})
		}
	}
	sort.Slice(ns, func(i, j int) bool {
		if !ns[i].at.Equal(ns[j].at) {
			return ns[i].at.After(ns[j].at)
		}
		return ns[i].name > ns[j].name
	})
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.name
	}
	return out, nil
}

// InspectBackup reads what a backup holds without changing it, an
// encrypted one through a decrypted copy (k). A copy that cannot be read
// gets Err.
func InspectBackup(ctx context.Context, path string, k Keys) app.BackupInfo {
	info := app.BackupInfo{Path: path, Name: filepath.Base(path)}
	info.At, info.Reason, _ = parseBackupName(info.Name)
	fi, err := os.Stat(path)
	if err != nil {
		info.Err = err
		return info
	}
	info.Size = fi.Size()
	if c, ok := inspected.get(path, fi); ok {
		return c
	}
	plain, done, err := plainCopy(path, k)
	if err != nil {
		info.Err = err
		return info
	}
	defer done()
	inspectPlain(ctx, plain, &info)
	if info.Err == nil && info.Encrypted {
		inspected.put(path, fi, info)
	}
	return info
}

// inspectCache keeps what encrypted backups hold, by path, size and
// modification time: a backup never changes once renamed into place, and
// reading one means decrypting all of it (0.1–0.3 s for 48 MB), so the
// list of the sync tab is read once per process.
type inspectCache struct {
	mu sync.Mutex
	m  map[string]cachedInfo
}

type cachedInfo struct {
	size int64
	mod  time.Time
	info app.BackupInfo
}

// inspected is the process's cache of inspected encrypted backups.
var inspected inspectCache

func (c *inspectCache) get(path string, fi os.FileInfo) (app.BackupInfo, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[path]
	if !ok || e.size != fi.Size() || !e.mod.Equal(fi.ModTime()) {
		return app.BackupInfo{}, false
	}
	return e.info, true
}

func (c *inspectCache) put(path string, fi os.FileInfo, info app.BackupInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 256 {
		c.m = map[string]cachedInfo{}
	}
	c.m[path] = cachedInfo{fi.Size(), fi.ModTime(), info}
}

// inspectPlain fills info (Path, Name, Size already set) from the plain
// copy at plain.
func inspectPlain(ctx context.Context, plain string, info *app.BackupInfo) {
	info.Encrypted = plain != info.Path
	fi, err := os.Stat(plain)
	if err != nil {
		info.Err = err
		return
	}
	if err := checkHeader(plain, fi.Size()); err != nil {
		info.Err = err
		return
	}
	info.Err = countStore(ctx, fileURI(plain)+"?mode=ro&_pragma=query_only(1)", info)
}

// countStore fills the counts of info from the store at uri.
func countStore(ctx context.Context, uri string, info *app.BackupInfo) error {
	registerOnce.Do(registerFunctions)
	c, err := sql.Open("sqlite", uri)
	if err != nil {
		return err
	}
	defer c.Close()
	var appID int
	if err := c.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return &DamagedError{Reason: err.Error(), Err: err}
	}
	if appID != applicationID {
		return &DamagedError{Reason: fmt.Sprintf("application_id %#x", appID)}
	}
	if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&info.Schema); err != nil {
		return &DamagedError{Reason: err.Error(), Err: err}
	}
	if info.Schema > SchemaVersion() {
		return &app.Error{Code: app.ENEWERDATA, Message: msgNewerData}
	}
	has := func(table string) bool {
		var n int
		c.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", table).Scan(&n)
		return n > 0
	}
	for _, q := range []struct {
		table, sql string
		dst        *int
	}{
		{"cases", "SELECT count(*) FROM cases", &info.Cases},
		{"records", "SELECT count(*) FROM records", &info.Records},
		{"outbox", "SELECT count(*) FROM outbox", &info.Pending},
		{"conflicts", "SELECT count(*) FROM conflicts WHERE status = 'open'", &info.Conflicts},
	} {
		if !has(q.table) {
			continue
		}
		if err := c.QueryRowContext(ctx, q.sql).Scan(q.dst); err != nil {
			return &DamagedError{Reason: err.Error(), Err: err}
		}
	}
	return nil
}

// PruneBackups removes the backups in dir taken before now-keep, except
// the minBackups newest, and the copies a power cut left half written (NAME.tmp, an
// hour old), and returns the names removed.
func PruneBackups(dir string, now time.Time, keep time.Duration) ([]string, error) {
	names, err := backupNames(dir)
	if err != nil {
		return nil, err
	}
	var removed []string
	if tmps, _ := filepath.Glob(filepath.Join(dir, backupPrefix+"*"+backupExt+".tmp")); len(tmps) > 0 {
		for _, tmp := range tmps {
			if olderThan(tmp, time.Hour) && os.Remove(tmp) == nil {
				removed = append(removed, filepath.Base(tmp))
			}
		}
	}
	for i, n := range names {
		at, _, _ := parseBackupName(n)
		if i < minBackups || !at.Before(now.Add(-keep)) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, n)); err != nil {
			return removed, app.WrapError(app.EINTERNAL, "Không xóa được bản sao lưu cũ "+n+".", err)
		}
		removed = append(removed, n)
	}
	return removed, nil
}

// NewestBackup returns the time of the newest backup in dir (zero if
// none).
func NewestBackup(dir string) (time.Time, error) {
	names, err := backupNames(dir)
	if err != nil || len(names) == 0 {
		return time.Time{}, err
	}
	at, _, _ := parseBackupName(names[0])
	return at, nil
}

// BackupIfDue takes the automatic daily backup into dir when the newest
// one there is BackupInterval old (or there is none), then removes those
// past BackupRetention. It reports whether it took one.
func (db *DB) BackupIfDue(ctx context.Context, dir string) (app.BackupInfo, bool, error) {
	now := db.Now()
	names, err := backupNames(dir)
	if err != nil {
		return app.BackupInfo{}, false, err
	}
	// Due when no backup was taken within the interval before now. Only
	// that window counts, so that a clock set back (a dead CMOS battery:
	// every backup looks "in the future") still gets one backup a day,
	// not one an hour nor none.
	due := true
	for _, n := range names {
		if at, _, _ := parseBackupName(n); now.Sub(at) < BackupInterval && at.Sub(now) < time.Hour {
			due = false
			break
		}
	}
	var (
		info  app.BackupInfo
		taken bool
	)
	if due {
		if info, err = db.BackupTo(ctx, dir, app.BackupDaily); err != nil {
			return info, false, err
		}
		taken = true
	}
	if removed, err := PruneBackups(dir, now, BackupRetention); err != nil {
		return info, taken, err
	} else if len(removed) > 0 {
		slog.Info("old backups removed", "count", len(removed))
	}
	return info, taken, nil
}
