package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"filippo.io/age"

	"bvntd/app"
	"bvntd/seeds"
	"bvntd/storage"
)

// BackupConfigFile, in the data folder, names the backup folder when it is
// not the default (e.g. a USB stick). It lives beside the store rather than
// in it, so that a damaged store still finds its backups.
const BackupConfigFile = "backup.json"

// DefaultBackupFolder is the backup folder inside the data folder.
const DefaultBackupFolder = "backups"

type backupConfig struct {
	Dir string `json:"dir"`
}

// BackupDir returns the backup folder of the data folder dataDir.
func BackupDir(dataDir string) string {
	def := filepath.Join(dataDir, DefaultBackupFolder)
	b, err := os.ReadFile(filepath.Join(dataDir, BackupConfigFile))
	if err != nil {
		return def
	}
	var c backupConfig
	if json.Unmarshal(b, &c) != nil || strings.TrimSpace(c.Dir) == "" {
		return def
	}
	if !filepath.IsAbs(c.Dir) {
		return filepath.Join(dataDir, c.Dir)
	}
	return c.Dir
}

// usableBackupDir is BackupDir, or the default folder when the chosen one
// is on a disk that is not there (a USB stick left in a drawer): a backup
// in the data folder beats none.
func usableBackupDir(dataDir string) string {
	dir := BackupDir(dataDir)
	if _, err := os.Stat(filepath.Dir(dir)); err != nil {
		return filepath.Join(dataDir, DefaultBackupFolder)
	}
	return dir
}

// backupDirs are the folders recovery looks in: the chosen one and the
// default.
func backupDirs(dataDir string) []string {
	return []string{BackupDir(dataDir), filepath.Join(dataDir, DefaultBackupFolder)}
}

// SetBackupDir stores the backup folder of dataDir ("" for the default).
// The folder must exist or be creatable and writable.
func SetBackupDir(dataDir, dir string) error {
	dir = strings.TrimSpace(dir)
	cfg := filepath.Join(dataDir, BackupConfigFile)
	if dir == "" || filepath.Clean(dir) == filepath.Join(dataDir, DefaultBackupFolder) {
		if err := os.Remove(cfg); err != nil && !errors.Is(err, os.ErrNotExist) {
			return app.WrapError(app.EINTERNAL, "Không lưu được thư mục sao lưu.", err)
		}
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return app.WrapError(app.EINVALID, "Không tạo được thư mục sao lưu "+dir+".", err)
	}
	probe, err := os.CreateTemp(dir, ".bvntd-probe-*")
	if err != nil {
		return app.WrapError(app.EINVALID, "Không ghi được vào thư mục sao lưu "+dir+".", err)
	}
	probe.Close()
	os.Remove(probe.Name())
	b, _ := json.MarshalIndent(backupConfig{Dir: dir}, "", "  ")
	tmp := cfg + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return app.WrapError(app.EINTERNAL, "Không lưu được thư mục sao lưu.", err)
	}
	if err := os.Rename(tmp, cfg); err != nil {
		os.Remove(tmp)
		return app.WrapError(app.EINTERNAL, "Không lưu được thư mục sao lưu.", err)
	}
	return nil
}

// damagedMessage is what a command says about a damaged store.
func damagedMessage(dataDir string) string {
	return fmt.Sprintf("Tệp dữ liệu %s bị hỏng (có thể do máy tắt đột ngột khi đang ghi, hoặc ổ đĩa lỗi). "+
		"Mở ứng dụng BVNTD để tự khôi phục từ bản sao lưu mới nhất, hoặc chạy: bvntd restore --data %s (tệp hỏng được giữ lại, không bị xóa).",
		filepath.Join(dataDir, StoreFile), dataDir)
}

// checkStore refuses a damaged store with a clear message.
// storeChecks counts checkStore's full checks (tests).
var storeChecks atomic.Int64

func checkStore(ctx context.Context, dataDir string) error {
	storeChecks.Add(1)
	err := storage.CheckFile(ctx, filepath.Join(dataDir, StoreFile))
	switch {
	case err == nil:
		return nil
	case storage.IsDamaged(err):
		return app.WrapError(app.EINTERNAL, damagedMessage(dataDir), err)
	default:
		return app.WrapError(app.EINTERNAL, "Không đọc được tệp dữ liệu "+filepath.Join(dataDir, StoreFile)+".", err)
	}
}

// RecoverStore checks the store of dataDir and, when it is damaged, moves
// it aside and restores the newest good backup (see storage.Recover). It
// returns ok=false, with no error, for a sound store. Encrypted backups are
// read with the laptop's key and extra (bvntd restore --key).
func RecoverStore(ctx context.Context, dataDir string, now func() time.Time, extra ...age.Identity) (app.Recovery, bool, error) {
	path := filepath.Join(dataDir, StoreFile)
	err := storage.CheckFile(ctx, path)
	if err == nil {
		return app.Recovery{}, false, nil
	}
	if !storage.IsDamaged(err) {
		return app.Recovery{}, false, app.WrapError(app.EINTERNAL, "Không đọc được tệp dữ liệu "+path+".", err)
	}
	k, err := storage.DataKeys(dataDir, extra...)
	if err != nil {
		return app.Recovery{}, false, err
	}
	rec, err := storage.Recover(ctx, path, backupDirs(dataDir), now(), storage.FreeSpace, k)
	return rec, err == nil, err
}

// BackupService is the backups of the store in use: the window's sync tab
// (ui.BackupService) and `bvntd restore`.
type BackupService struct {
	DB      *storage.DB
	Refs    *app.RefData
	DataDir string
	// Exclusive, if set, runs a restore while no sync runs: the window's
	// sync scheduler's (syncclient.Scheduler.Exclusive).
	Exclusive func(fn func() error) error
}

// Folder returns the backup folder.
func (s BackupService) Folder() string { return BackupDir(s.DataDir) }

// SetFolder changes the backup folder ("" for the default).
func (s BackupService) SetFolder(_ context.Context, dir string) error {
	return SetBackupDir(s.DataDir, dir)
}

// Backups lists the backups of the folder, newest first.
func (s BackupService) Backups(ctx context.Context) ([]app.BackupInfo, error) {
	k, err := storage.DataKeys(s.DataDir)
	if err != nil {
		return nil, err
	}
	return storage.ListBackups(ctx, s.Folder(), k)
}

// BackupNow takes a backup at once.
func (s BackupService) BackupNow(ctx context.Context) (app.BackupInfo, error) {
	return s.DB.BackupTo(ctx, s.Folder(), app.BackupManual)
}

// BackupIfDue takes the daily backup when it is due and prunes old ones;
// into the default folder while the chosen one's disk is missing.
func (s BackupService) BackupIfDue(ctx context.Context) (app.BackupInfo, bool, error) {
	return s.DB.BackupIfDue(ctx, usableBackupDir(s.DataDir))
}

// PlanRestore tells what restoring the backup at path would do.
func (s BackupService) PlanRestore(ctx context.Context, path string) (app.RestorePlan, error) {
	return s.DB.PlanRestore(ctx, path)
}

// Restore replaces the store's content with the backup at path, after a
// copy of the current store; it returns that copy.
func (s BackupService) Restore(ctx context.Context, path string) (app.BackupInfo, error) {
	if s.Exclusive != nil {
		var pre app.BackupInfo
		err := s.Exclusive(func() error {
			var err error
			pre, err = s.restore(ctx, path)
			return err
		})
		return pre, err
	}
	return s.restore(ctx, path)
}

func (s BackupService) restore(ctx context.Context, path string) (app.BackupInfo, error) {
	return s.restoreWith(ctx, path, nil)
}

// restoreWith is restore reading an encrypted backup with the laptop's
// key or extra (the province's recovery identity).
func (s BackupService) restoreWith(ctx context.Context, path string, extra []age.Identity) (app.BackupInfo, error) {
	pre, err := s.DB.Restore(ctx, path, s.Folder(), extra...)
	if err != nil {
		return pre, err
	}
	if s.Refs != nil { // a backup from before an upgrade has older seeds
		if _, err := s.DB.ApplySeeds(ctx, seeds.Version, s.Refs); err != nil {
			return pre, app.WrapError(app.EINTERNAL, "Không nạp được dữ liệu danh mục.", err)
		}
	}
	return pre, nil
}

// DiskSpace returns the free space of the data folder's disk.
func (s BackupService) DiskSpace(context.Context) app.DiskSpace { return s.DB.DiskSpace() }

// backup runs `bvntd backup`: to --out, or into the backup folder.
func (m *Main) backup(ctx context.Context, fs *flag.FlagSet, data *string, args []string) error {
	out := fs.String("out", "", "tệp sao lưu; bỏ trống: vào thư mục sao lưu (backup file; default: the backup folder)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return m.withStore(ctx, *data, func(db *storage.DB, _ *app.RefData) error {
		if *out == "" {
			b, err := db.BackupTo(ctx, BackupDir(*data), app.BackupManual)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "Đã sao lưu dữ liệu vào %s\n", b.Path)
			return nil
		}
		if err := db.Backup(ctx, *out); err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "Đã sao lưu dữ liệu vào %s\n", *out)
		return nil
	})
}

// restore runs `bvntd restore`: --list prints the backups; a damaged store
// is replaced by the newest good backup; a sound one by --from FILE; a
// data folder with no store gets the backup --from FILE as its store (a
// dead laptop's backup, opened with the province's recovery key --key).
func (m *Main) restore(ctx context.Context, fs *flag.FlagSet, data *string, args []string) error {
	from := fs.String("from", "", "tệp sao lưu cần khôi phục (backup file to restore)")
	list := fs.Bool("list", false, "liệt kê các bản sao lưu (list the backups)")
	keyFile := fs.String("key", "", "tệp khóa khôi phục của tỉnh, để mở bản sao lưu của máy khác (the province's recovery key file)")
	if err := parse(fs, args); err != nil {
		return err
	}
	var extra []age.Identity
	if *keyFile != "" {
		ids, err := storage.ReadIdentityFile(*keyFile)
		if err != nil {
			return err
		}
		extra = ids
	}
	keys, err := storage.DataKeys(*data, extra...)
	if err != nil {
		return err
	}
	dir := BackupDir(*data)
	if *list {
		bs, err := storage.ListBackups(ctx, dir, keys)
		if err != nil {
			return err
		}
		for _, b := range bs {
			state := "ok"
			switch {
			case b.Err != nil && app.ErrorCode(b.Err) == app.EINVALID:
				state = "không có khóa mở"
			case b.Err != nil:
				state = "hỏng"
			case !b.Encrypted:
				state = "ok, chưa mã hóa"
			}
			fmt.Fprintf(m.Stdout, "%s\t%s\t%d vụ việc\t%d bản ghi\t%d chờ gửi\t%d cần xem xét\t%s\n",
				b.Path, b.At.In(app.ICT).Format("02/01/2006 15:04"), b.Cases, b.Records, b.Pending, b.Conflicts, state)
		}
		if len(bs) == 0 {
			fmt.Fprintf(m.Stderr, "Chưa có bản sao lưu nào trong %s\n", dir)
		}
		return nil
	}
	if err := checkStore(ctx, *data); err != nil {
		if *from != "" {
			return app.Errorf(app.EINVALID, "Tệp dữ liệu bị hỏng: chạy bvntd restore --data %s không kèm --from để khôi phục từ bản sao lưu tốt mới nhất.", *data)
		}
		rec, _, err := RecoverStore(ctx, *data, m.now(), extra...)
		if err != nil {
			return err
		}
		fmt.Fprintln(m.Stderr, RecoveryMessage(rec))
		return nil
	}
	if *from == "" {
		return app.Errorf(app.EINVALID, "Tệp dữ liệu không bị hỏng. Cần --from TỆP để khôi phục một bản sao lưu (xem: bvntd restore --list).")
	}
	if store := filepath.Join(*data, StoreFile); !storeExists(store) {
		b, err := storage.RestoreInto(ctx, *from, store, keys)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "Đã khôi phục %s (%d vụ việc, %d thay đổi chờ gửi) vào %s. "+
			"Bản sao lưu không chứa mã đăng ký của máy: hãy đăng ký lại máy với Sở Công Thương (bvntd enroll) để đồng bộ.\n",
			b.Name, b.Cases, b.Pending, *data)
		return nil
	}
	return m.withStore(ctx, *data, func(db *storage.DB, refs *app.RefData) error {
		s := BackupService{DB: db, Refs: refs, DataDir: *data}
		plan, err := s.DB.PlanRestore(ctx, *from, extra...)
		if err != nil {
			return err
		}
		if plan.Unsent > 0 {
			fmt.Fprintf(m.Stderr, "Cảnh báo: %d thay đổi chưa gửi lên máy chủ không có trong bản sao lưu; chúng được giữ trong bản sao lưu tạo trước khi khôi phục.\n", plan.Unsent)
		}
		pre, err := s.restoreWith(ctx, *from, extra)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "Đã khôi phục %s (%d vụ việc, %d thay đổi chờ gửi). Dữ liệu trước khi khôi phục được lưu tại %s\n",
			plan.Backup.Name, plan.Backup.Cases, plan.Backup.Pending, pre.Path)
		return nil
	})
}

// storeExists reports whether there is a store file at path.
func storeExists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, os.ErrNotExist)
}

// RecoveryMessage tells the officer, in Vietnamese, what recovery did.
func RecoveryMessage(r app.Recovery) string {
	if r.From.Path == "" {
		return fmt.Sprintf("Tệp dữ liệu bị hỏng và không có bản sao lưu nào dùng được. Tệp hỏng đã được giữ lại tại %s; ứng dụng bắt đầu với dữ liệu trống. "+
			"Hãy đăng ký lại máy với Sở Công Thương để tải lại dữ liệu đã đồng bộ, và báo quản trị viên để thử cứu tệp hỏng.", r.DamagedPath)
	}
	return fmt.Sprintf("Tệp dữ liệu bị hỏng nên đã được khôi phục từ bản sao lưu lúc %s (%d vụ việc, %d thay đổi chờ gửi). "+
		"Tệp hỏng được giữ lại tại %s. Những gì đã đồng bộ sau thời điểm sao lưu sẽ được tải lại ở lần đồng bộ tới; "+
		"những thay đổi chưa kịp gửi sau thời điểm đó có thể phải nhập lại.",
		r.From.At.In(app.ICT).Format("15:04 02/01/2006"), r.From.Cases, r.From.Pending, r.DamagedPath)
}
