package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"filippo.io/age"
	"modernc.org/sqlite"

	"bvntd/app"
)

// Restoring a backup while the app runs: SQLite's online backup API copies
// the backup's pages into the open store in one write transaction, so the
// store keeps its connections and every reader sees either the old or the
// restored content. The result is exactly the backed-up records with the
// backup's outbox; the device's clock never goes back, and the next sync
// downloads everything again (what this device sent after the backup comes
// back from the server).

// PlanRestore tells what restoring the backup at path would do: its
// counts, the current ones, and how many changes of the store in use are
// neither sent nor in the backup. An encrypted backup is read with the
// laptop's key, or with extra (the province's recovery identity).
func (db *DB) PlanRestore(ctx context.Context, path string, extra ...age.Identity) (app.RestorePlan, error) {
	var p app.RestorePlan
	plain, done, err := db.openBackup(path, extra)
	if err != nil {
		return p, err
	}
	defer done()
	if err := db.checkRestorable(ctx, path, plain, &p.Backup); err != nil {
		return p, err
	}
	p.Current = app.BackupInfo{Path: db.path}
	if err := countStore(ctx, fileURI(db.path)+"?_pragma=query_only(1)&_pragma=busy_timeout(10000)", &p.Current); err != nil {
		return p, app.WrapError(app.EINTERNAL, "Không đọc được dữ liệu hiện tại.", err)
	}
	in, err := outboxIDs(ctx, plain)
	if err != nil {
		return p, app.WrapError(app.EINTERNAL, "Không đọc được bản sao lưu.", err)
	}
	rows, err := db.r.QueryContext(ctx, "SELECT mutation_id FROM outbox")
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return p, err
		}
		if !in[id] {
			p.Unsent++
		}
	}
	return p, rows.Err()
}

// openBackup returns a plain file holding the backup at path (see
// plainCopy), read with the laptop's key and extra.
func (db *DB) openBackup(path string, extra []age.Identity) (string, func(), error) {
	k, err := db.keys(extra...)
	if err != nil {
		return "", func() {}, err
	}
	plain, done, err := plainCopy(path, k)
	var ae *app.Error
	if err != nil && !errors.As(err, &ae) {
		err = app.WrapError(app.EINVALID, "Bản sao lưu "+filepath.Base(path)+" bị hỏng hoặc không phải dữ liệu của ứng dụng BVNTD; không khôi phục được.", err)
	}
	return plain, done, err
}

// outboxIDs returns the mutation ids in the outbox of the store at path.
func outboxIDs(ctx context.Context, path string) (map[string]bool, error) {
	c, err := sql.Open("sqlite", fileURI(path)+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, "SELECT mutation_id FROM outbox")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids[id] = true
	}
	return ids, rows.Err()
}

// checkRestorable refuses a backup (at path, read through its plain copy
// plain) that is damaged, from a newer version or from another device,
// and fills info.
func (db *DB) checkRestorable(ctx context.Context, path, plain string, info *app.BackupInfo) error {
	*info = app.BackupInfo{Path: path, Name: filepath.Base(path)}
	info.At, info.Reason, _ = parseBackupName(info.Name)
	if fi, err := os.Stat(path); err == nil {
		info.Size = fi.Size()
	}
	inspectPlain(ctx, plain, info)
	if info.Err != nil {
		if app.ErrorCode(info.Err) == app.ENEWERDATA {
			return info.Err
		}
		return app.WrapError(app.EINVALID, "Bản sao lưu "+info.Name+" bị hỏng hoặc không phải dữ liệu của ứng dụng BVNTD; không khôi phục được.", info.Err)
	}
	if err := CheckFile(ctx, plain); err != nil {
		return app.WrapError(app.EINVALID, "Bản sao lưu "+info.Name+" bị hỏng; không khôi phục được.", err)
	}
	c, err := sql.Open("sqlite", fileURI(plain)+"?mode=ro")
	if err != nil {
		return err
	}
	defer c.Close()
	device, err := getMeta(ctx, c, metaDeviceID)
	if err != nil {
		return app.WrapError(app.EINVALID, "Bản sao lưu "+info.Name+" bị hỏng; không khôi phục được.", err)
	}
	if device != db.install {
		return app.Errorf(app.EINVALID, "Bản sao lưu %s là của một máy khác; chỉ khôi phục được bản sao lưu của chính máy này.", info.Name)
	}
	return nil
}

// liveMeta are the meta keys a restore keeps from the store in use when it
// is enrolled: its enrolment (the laptop may have moved commune since; the
// token itself is outside the store, in no backup), and the province's
// newest recovery key.
var liveMeta = []string{metaServerURL, metaScope, metaEnrolledAt, metaServerCA, metaUnitCode}

// Restore replaces the content of the store with the backup at path (an
// encrypted one read with the laptop's key or extra). It first writes a
// copy of the current store into preDir (reason before-restore) and
// returns it; without that copy nothing is restored. The store keeps its
// enrolment (its token): a backup has none.
func (db *DB) Restore(ctx context.Context, path, preDir string, extra ...age.Identity) (app.BackupInfo, error) {
	var b app.BackupInfo
	plain, done, err := db.openBackup(path, extra)
	if err != nil {
		return app.BackupInfo{}, err
	}
	defer done()
	if err := db.checkRestorable(ctx, path, plain, &b); err != nil {
		return app.BackupInfo{}, err
	}
	live := map[string]string{}
	keep := []string{metaRecoveryKey}
	if tok, err := db.readToken(); err != nil {
		return app.BackupInfo{}, err
	} else if tok != "" {
		keep = append(keep, liveMeta...)
	}
	for _, k := range keep {
		v, err := getMeta(ctx, db.w, k)
		if err != nil {
			return app.BackupInfo{}, err
		}
		if v != "" {
			live[k] = v
		}
	}
	pre, err := db.BackupTo(ctx, preDir, app.BackupBeforeRestore)
	if err != nil {
		return app.BackupInfo{}, app.WrapError(app.ErrorCode(err), "Chưa khôi phục vì không sao lưu được dữ liệu hiện tại: "+app.ErrorMessage(err), err)
	}
	if err := db.restorePages(ctx, plain); err != nil {
		return pre, app.WrapError(app.EINTERNAL, "Không khôi phục được bản sao lưu "+b.Name+"; dữ liệu hiện tại không thay đổi.", err)
	}
	// A backup taken before an upgrade has the older schema.
	if err := db.migrate(ctx, ""); err != nil {
		return pre, err
	}
	// A plain backup of an earlier version holds a token in meta.
	if err := db.moveTokenOut(ctx); err != nil {
		return pre, app.WrapError(app.EINTERNAL, "Không hoàn tất được việc khôi phục.", err)
	}
	if err := db.unpackFiles(ctx); err != nil {
		return pre, app.WrapError(app.EINTERNAL, "Không khôi phục được các tệp chứng cứ của bản sao lưu.", err)
	}
	// The clock in memory, ahead of the backup's, goes on (the device and
	// its tag are the same: checkRestorable), and is stored again.
	if err := db.tx(ctx, func(tx *sql.Tx) error {
		restored, err := getMeta(ctx, tx, metaHLC)
		if err != nil {
			return err
		}
		if h, err := app.ParseHLC(restored); err == nil {
			db.clock.Observe(h)
		}
		if err := db.saveClock(ctx, tx); err != nil {
			return err
		}
		for k, v := range live {
			if err := setMeta(ctx, tx, k, v); err != nil {
				return err
			}
		}
		// The device keeps the id the server gave it last, with its
		// enrolment, whatever the backup says.
		if err := setMeta(ctx, tx, metaServerDeviceID, db.device); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sync_cursors"); err != nil {
			return err
		}
		return setMeta(ctx, tx, metaFullPull, "1")
	}); err != nil {
		return pre, app.WrapError(app.EINTERNAL, "Không hoàn tất được việc khôi phục.", err)
	}
	db.keptAll.forget() // the backup's case facts are those it kept
	years, err := loadHolidayYears(ctx, db.w)
	if err != nil {
		return pre, err
	}
	db.setSyncedHolidays(years)
	slog.Warn("store restored from backup", "backup", b.Name, "copy_before", pre.Name)
	return pre, nil
}

// restorePages copies the backup's pages into the store through the
// writer connection.
func (db *DB) restorePages(ctx context.Context, path string) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		r, ok := dc.(interface {
			NewRestore(string) (*sqlite.Backup, error)
		})
		if !ok {
			return errors.New("the driver cannot restore")
		}
		bk, err := r.NewRestore(fileURI(path))
		if err != nil {
			return err
		}
		for {
			more, err := bk.Step(-1)
			if err != nil {
				bk.Finish()
				return fmt.Errorf("restore step: %w", err)
			}
			if !more {
				break
			}
		}
		return bk.Finish()
	})
}
