package storage

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"bvntd/app"
	"bvntd/storage/sqlitefile"
)

// A laptop switched off mid-write, or a failing disk, can leave the store
// truncated or with damaged pages. CheckFile finds it at start, before
// anything is written, and Recover moves the damaged file aside (it is
// never deleted) and puts the newest good backup in its place.

// DamagedError says the store file is damaged and why.
type DamagedError struct {
	Path   string
	Reason string // what the check found (technical, for the log)
	Err    error
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("store %s is damaged: %s", e.Path, e.Reason)
}

func (e *DamagedError) Unwrap() error { return e.Err }

// IsDamaged reports whether err says a store file is damaged.
func IsDamaged(err error) bool {
	var d *DamagedError
	return errors.As(err, &d)
}

// sqliteMagic starts every SQLite file.
var sqliteMagic = []byte("SQLite format 3\x00")

// checkHeader checks the 100-byte header of a store with no write-ahead
// log: the magic, the page size, our application id, and that the file
// holds as many pages as the header says.
func checkHeader(path string, size int64) error {
	damaged := func(reason string) error { return &DamagedError{Path: path, Reason: reason} }
	if size == 0 {
		return damaged("empty file")
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := make([]byte, 100)
	if _, err := io.ReadFull(f, h); err != nil {
		return damaged("header cut short")
	}
	if !bytes.Equal(h[:16], sqliteMagic) {
		return damaged("not an SQLite header")
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return damaged(fmt.Sprintf("page size %d", pageSize))
	}
	if id := binary.BigEndian.Uint32(h[68:72]); id != applicationID {
		return damaged(fmt.Sprintf("application_id %#x", id))
	}
	// The page count in the header is valid when its version number
	// matches the change counter.
	if bytes.Equal(h[92:96], h[24:28]) {
		pages := int64(binary.BigEndian.Uint32(h[28:32]))
		if pages*pageSize > size {
			return damaged(fmt.Sprintf("truncated: %d bytes of %d pages of %d", size, pages, pageSize))
		}
	}
	return nil
}

// CheckFile checks the store at path before it is opened: its header and
// application id, and SQLite's quick_check (which also reads its
// write-ahead log). It returns nil for a sound store or none at all, a
// *DamagedError for a damaged one, another error when the file cannot be
// read (locked, no permission).
func CheckFile(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	withWAL := false
	if wi, err := os.Stat(path + "-wal"); err == nil && wi.Size() > 0 {
		withWAL = true // the header on disk may be older than the log
	}
	if !withWAL {
		if err := checkHeader(path, fi.Size()); err != nil {
			return err
		}
	}
	registerOnce.Do(registerFunctions)
	c, err := sql.Open("sqlite", fileURI(path)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetMaxOpenConns(1)
	sqlDamage := func(err error) error {
		if isCorruption(err) {
			return &DamagedError{Path: path, Reason: err.Error(), Err: err}
		}
		return err
	}
	var appID, version int
	if err := c.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return sqlDamage(err)
	}
	if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return sqlDamage(err)
	}
	if appID != applicationID && !(appID == 0 && version == 0) {
		return &DamagedError{Path: path, Reason: fmt.Sprintf("application_id %#x", appID)}
	}
	var check string
	if err := c.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return sqlDamage(err)
	}
	if check != "ok" {
		return &DamagedError{Path: path, Reason: "quick_check: " + check}
	}
	return nil
}

// isCorruption reports whether err is SQLite's "malformed", "not a
// database" or a read past the end of a truncated file.
func isCorruption(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return se.Code() == sqlite3.SQLITE_IOERR_SHORT_READ
}

// Recover handles a damaged store at path: the file (and its write-ahead
// log) is renamed aside with the time, never deleted, and the newest good
// backup of backupDirs (the newest over all of them; an encrypted one read
// with k) is copied, decrypted, into its place. With no good backup, the
// damaged file is still moved aside so that the app can start with an
// empty store (From.Path is then ""). fs checks that the copy fits. The
// restored store has no token (a backup carries none): the laptop enrols
// again.
func Recover(ctx context.Context, path string, backupDirs []string, now time.Time, fs FreeSpaceFunc, k Keys) (app.Recovery, error) {
	rec := app.Recovery{}
	if err := CheckFile(ctx, path); err == nil {
		return rec, app.Errorf(app.EINVALID, "Tệp dữ liệu không bị hỏng; không cần khôi phục.")
	} else if !IsDamaged(err) {
		return rec, app.WrapError(app.EINTERNAL, "Không kiểm tra được tệp dữ liệu.", err)
	} else {
		var d *DamagedError
		errors.As(err, &d)
		rec.Reason = d.Reason
	}
	good, plain, done, err := newestGoodBackup(ctx, backupDirs, k)
	if err != nil {
		return rec, err
	}
	defer done()
	if good.Path != "" {
		if free, err := fs(filepath.Dir(path)); err == nil && free < uint64(good.Size+backupMargin) {
			return rec, errNoRoom(filepath.Dir(path), free, good.Size)
		}
	}
	if rec.DamagedPath, err = moveAside(path, now); err != nil {
		return rec, err
	}
	slog.Warn("damaged store moved aside", "reason", rec.Reason, "file", rec.DamagedPath)
	if good.Path == "" {
		return rec, nil
	}
	if err := sqlitefile.Copy(plain, path); err != nil {
		return rec, app.WrapError(app.EINTERNAL, "Không chép được bản sao lưu "+good.Name+" vào thư mục dữ liệu.", err)
	}
	rec.From = good
	slog.Warn("store restored from backup", "backup", good.Name)
	return rec, nil
}

// RestoreInto puts the backup at path (an encrypted one read with k) as
// the store at storePath, where there is no store: a dead laptop's backup
// restored on another machine (with the province's recovery key), or a
// laptop's lost store from its own backup. The store keeps the backup's
// device id; it keeps a token file of the folder only if that was written
// for the same device (else the laptop enrols again).
func RestoreInto(ctx context.Context, path, storePath string, k Keys) (app.BackupInfo, error) {
	info := app.BackupInfo{Path: path, Name: filepath.Base(path)}
	if fileExists(storePath) {
		return info, app.Errorf(app.EINVALID, "Đã có tệp dữ liệu %s; chỉ khôi phục vào một thư mục dữ liệu chưa có dữ liệu.", storePath)
	}
	info.At, info.Reason, _ = parseBackupName(info.Name)
	fi, err := os.Stat(path)
	if err != nil {
		return info, app.WrapError(app.EINVALID, "Không đọc được bản sao lưu "+path+".", err)
	}
	info.Size = fi.Size()
	if err := os.MkdirAll(filepath.Dir(storePath), 0o700); err != nil {
		return info, app.WrapError(app.EINTERNAL, "Không tạo được thư mục dữ liệu.", err)
	}
	plain, done, err := plainCopy(path, k)
	if err != nil {
		var ae *app.Error
		if errors.As(err, &ae) {
			return info, err
		}
		return info, app.WrapError(app.EINVALID, "Bản sao lưu "+info.Name+" bị hỏng; không khôi phục được.", err)
	}
	defer done()
	inspectPlain(ctx, plain, &info)
	if info.Err != nil {
		if app.ErrorCode(info.Err) == app.ENEWERDATA {
			return info, info.Err
		}
		return info, app.WrapError(app.EINVALID, "Bản sao lưu "+info.Name+" bị hỏng hoặc không phải dữ liệu của ứng dụng BVNTD; không khôi phục được.", info.Err)
	}
	if err := CheckFile(ctx, plain); err != nil {
		return info, app.WrapError(app.EINVALID, "Bản sao lưu "+info.Name+" bị hỏng; không khôi phục được.", err)
	}
	// A token left in the folder by another device is not this store's
	// (it enrols again); this device's own (its store lost, its folder
	// kept) stays.
	if err := dropOtherToken(ctx, filepath.Dir(storePath), plain); err != nil {
		return info, err
	}
	if err := sqlitefile.Copy(plain, storePath); err != nil {
		return info, app.WrapError(app.EINTERNAL, "Không chép được bản sao lưu "+info.Name+" vào thư mục dữ liệu.", err)
	}
	slog.Warn("store made from backup", "backup", info.Name)
	return info, nil
}

// dropOtherToken removes dataDir's token file unless it was written for
// the device of the store at plain.
func dropOtherToken(ctx context.Context, dataDir, plain string) error {
	device, _, err := readTokenFile(dataDir)
	if err == nil && device == "" {
		return nil // no token file
	}
	if err == nil {
		c, oerr := sql.Open("sqlite", fileURI(plain)+"?mode=ro")
		if oerr != nil {
			return oerr
		}
		// The device's id is the one the server gave at enrolment, else
		// the one made with the store.
		own, merr := getMeta(ctx, c, metaDeviceID)
		given, gerr := getMeta(ctx, c, metaServerDeviceID)
		c.Close()
		if merr == nil && gerr == nil && (device == given || given == "" && device == own) {
			return nil
		}
	}
	if err := os.Remove(TokenPath(dataDir)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return app.WrapError(app.EINTERNAL, "Không xóa được mã đăng ký cũ trong thư mục dữ liệu.", err)
	}
	slog.Warn("token file of another device removed")
	return nil
}

// CheckBackup checks the backup at path (an encrypted one decrypted with
// k) as CheckFile checks a store.
func CheckBackup(ctx context.Context, path string, k Keys) error {
	plain, done, err := plainCopy(path, k)
	if err != nil {
		return err
	}
	defer done()
	return CheckFile(ctx, plain)
}

// newestGoodBackup returns the newest backup of dirs that passes the
// checks and this build can open (zero if none), with a plain copy of it
// (done removes the copy).
func newestGoodBackup(ctx context.Context, dirs []string, k Keys) (app.BackupInfo, string, func(), error) {
	type found struct {
		path string
		at   time.Time
	}
	var all []found
	seen := map[string]bool{}
	for _, dir := range dirs {
		if seen[filepath.Clean(dir)] {
			continue
		}
		seen[filepath.Clean(dir)] = true
		names, err := backupNames(dir)
		if err != nil {
			slog.Warn("backup folder unreadable", "dir", dir, "error", err)
			continue
		}
		for _, n := range names {
			at, _, _ := parseBackupName(n)
			all = append(all, found{filepath.Join(dir, n), at})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].at.After(all[j].at) })
	for _, f := range all {
		b := app.BackupInfo{Path: f.path, Name: filepath.Base(f.path)}
		b.At, b.Reason, _ = parseBackupName(b.Name)
		if fi, err := os.Stat(f.path); err == nil {
			b.Size = fi.Size()
		}
		plain, done, err := plainCopy(f.path, k)
		if err != nil {
			slog.Warn("backup unusable", "backup", b.Name, "error", err)
			continue
		}
		inspectPlain(ctx, plain, &b)
		if b.Err == nil {
			b.Err = CheckFile(ctx, plain)
		}
		if b.Err != nil {
			slog.Warn("backup unusable", "backup", b.Name, "error", b.Err)
			done()
			continue
		}
		b.Err = nil
		return b, plain, done, nil
	}
	return app.BackupInfo{}, "", func() {}, nil
}

// moveAside renames the store and its -wal and -shm files to
// NAME.damaged-TIME.sqlite(-wal, -shm), and returns the new name.
func moveAside(path string, now time.Time) (string, error) {
	ext := filepath.Ext(path)
	dst := strings.TrimSuffix(path, ext) + ".damaged-" + now.UTC().Format(backupTime) + ext
	for i := 2; fileExists(dst); i++ {
		dst = strings.TrimSuffix(path, ext) + fmt.Sprintf(".damaged-%s-%d", now.UTC().Format(backupTime), i) + ext
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(path+suffix, dst+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", app.WrapError(app.EINTERNAL, "Không đổi tên được tệp dữ liệu bị hỏng "+path+".", err)
		}
	}
	sqlitefile.SyncDir(filepath.Dir(path))
	return dst, nil
}
