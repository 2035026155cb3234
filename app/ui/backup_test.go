package ui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
)

// fakeBackups is an in-memory BackupService.
type fakeBackups struct {
	mu       sync.Mutex
	folder   string
	list     []app.BackupInfo
	plan     app.RestorePlan
	disk     app.DiskSpace
	restored []string
	taken    int
}

var _ BackupService = (*fakeBackups)(nil)

func (f *fakeBackups) Folder() string { f.mu.Lock(); defer f.mu.Unlock(); return f.folder }

func (f *fakeBackups) SetFolder(_ context.Context, dir string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.folder = dir
	return nil
}

func (f *fakeBackups) Backups(context.Context) ([]app.BackupInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]app.BackupInfo(nil), f.list...), nil
}

func (f *fakeBackups) BackupNow(context.Context) (app.BackupInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.taken++
	b := app.BackupInfo{Path: f.folder + "/bvntd-20261127-020500-manual.sqlite", At: time.Date(2026, 11, 27, 2, 5, 0, 0, time.UTC),
		Reason: app.BackupManual, Cases: 7}
	f.list = append([]app.BackupInfo{b}, f.list...)
	return b, nil
}

func (f *fakeBackups) PlanRestore(_ context.Context, path string) (app.RestorePlan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, b := range f.list {
		if b.Path == path {
			p := f.plan
			p.Backup = b
			return p, nil
		}
	}
	return app.RestorePlan{}, errors.New("no such backup")
}

func (f *fakeBackups) Restore(_ context.Context, path string) (app.BackupInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.restored = append(f.restored, path)
	return app.BackupInfo{Path: f.folder + "/bvntd-20261127-020600-before-restore.sqlite"}, nil
}

func (f *fakeBackups) DiskSpace(context.Context) app.DiskSpace {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.disk
}

func (f *fakeBackups) setDisk(free uint64) {
	f.mu.Lock()
	f.disk = app.DiskSpace{Free: free, Limit: 200 << 20, Known: true}
	f.mu.Unlock()
}

// newBackupFixture is newFixture with a BackupService holding a good daily
// backup and a damaged one.
func newBackupFixture(t *testing.T) (*fixture, *fakeBackups) {
	t.Helper()
	test.NewTempApp(t)
	refs := testRefs()
	clock := clocktest.AtToday(t)
	bk := &fakeBackups{folder: "/media/usb/bvntd",
		list: []app.BackupInfo{
			{Path: "/media/usb/bvntd/bvntd-20261126-020000-daily.sqlite", At: time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC),
				Reason: app.BackupDaily, Cases: 12, Records: 40, Pending: 3, Conflicts: 1},
			{Path: "/media/usb/bvntd/bvntd-20261125-020000-daily.sqlite", At: time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC),
				Reason: app.BackupDaily, Err: errors.New("damaged")},
		},
		plan: app.RestorePlan{Current: app.BackupInfo{Cases: 14, Records: 41, Pending: 2}, Unsent: 2},
	}
	bk.setDisk(20 << 30)
	fx := &fixture{
		clock:  clock,
		cases:  newFakeCases(refs, clock.Now),
		sync:   &fakeSync{status: app.SyncStatus{Enrolled: true, ServerURL: "https://bvntd.dongthap.example/", Scope: "28261"}},
		review: &fakeReview{},
	}
	fx.win = test.NewTempWindow(t, nil)
	fx.sched = newFakeScheduler(fx.sync, inline)
	fx.ui = newUI(fx.win, Services{Cases: fx.cases, Sync: fx.sync, Scheduler: fx.sched, Review: fx.review, Backups: bk, Refs: refs,
		UnitCode: "28261", Officer: "Lê Văn Tâm", Now: clock.Now}, inline, 0)
	fx.win.SetContent(fx.ui.Content())
	fx.win.Resize(fyne.NewSize(1024, 900))
	fx.ui.Refresh()
	t.Cleanup(fx.ui.Close)
	return fx, bk
}

func TestBackupPanel_ListsAndRestoresAfterAWarning(t *testing.T) {
	fx, bk := newBackupFixture(t)
	fx.ui.tabs.Select(fx.ui.syncTab)
	shown := strings.Join(texts(fx.win.Content()), "\n")
	for _, want := range []string{
		"Sao lưu và khôi phục dữ liệu trên máy",
		"Thư mục sao lưu: /media/usb/bvntd",
		"26/11/2026 09:00 – tự động hằng ngày: 12 vụ việc, 40 bản ghi tập huấn và truyền thông, 3 thay đổi chờ gửi, 1 cần xem xét",
		"25/11/2026 09:00 – tự động hằng ngày: bản sao lưu bị hỏng hoặc không dùng được",
		"Còn trống trên ổ đĩa chứa dữ liệu: 20,0 GB",
	} {
		must(t, strings.Contains(shown, want), "the sync tab does not show %q:\n%s", want, shown)
	}
	var restoreButtons []*widget.Button
	for _, o := range test.LaidOutObjects(fx.ui.backups.list) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Khôi phục…" {
			restoreButtons = append(restoreButtons, b)
		}
	}
	must(t, len(restoreButtons) == 2 && !restoreButtons[0].Disabled() && restoreButtons[1].Disabled(),
		"restore buttons: %d, the damaged one must be disabled", len(restoreButtons))

	lists := len(fx.cases.lists)
	tapButton(restoreButtons[0])
	d := topOverlay(t, fx.win)
	said := strings.Join(texts(d), "\n")
	for _, want := range []string{
		"Khôi phục dữ liệu từ bản sao lưu?",
		"đúng dữ liệu của bản sao lưu lúc 26/11/2026 09:00",
		"Bản sao lưu: 12 vụ việc, 40 bản ghi, 3 thay đổi chờ gửi. Hiện tại: 14 vụ việc, 41 bản ghi, 2 thay đổi chờ gửi.",
		"tự sao lưu dữ liệu hiện tại",
		"còn 2 thay đổi CHƯA GỬI",
	} {
		must(t, strings.Contains(said, want), "the warning does not say %q:\n%s", want, said)
	}
	must(t, len(bk.restored) == 0, "restored before the officer confirmed")
	tapButton(mustButton(t, d, "Khôi phục"))
	must(t, len(bk.restored) == 1 && bk.restored[0] == bk.list[0].Path, "restored %v", bk.restored)
	msg := fx.ui.backups.msg
	must(t, msg.Visible() && strings.HasPrefix(msg.Text, "Đã khôi phục dữ liệu của bản sao lưu lúc 26/11/2026 09:00") &&
		strings.Contains(msg.Text, "before-restore"), "message %q", msg.Text)
	must(t, len(fx.cases.lists) > lists, "the case list was not reloaded after the restore")
}

func TestBackupPanel_CancelRestoresNothing(t *testing.T) {
	fx, bk := newBackupFixture(t)
	fx.ui.tabs.Select(fx.ui.syncTab)
	bk.plan.Unsent = 0
	tapButton(mustButton(t, fx.ui.backups.list, "Khôi phục…"))
	d := topOverlay(t, fx.win)
	must(t, !strings.Contains(strings.Join(texts(d), "\n"), "CHƯA GỬI"), "an unsent warning with nothing unsent")
	tapButton(mustButton(t, d, "Hủy"))
	must(t, len(bk.restored) == 0, "cancelled, yet restored")
}

func TestBackupPanel_BackupNowAndChangeFolder(t *testing.T) {
	fx, bk := newBackupFixture(t)
	fx.ui.tabs.Select(fx.ui.syncTab)
	p := fx.ui.backups
	p.chooseFolder = func(done func(string)) { done("/media/usb2") }
	tapButton(mustButton(t, fx.win.Content(), "Đổi thư mục sao lưu…"))
	must(t, bk.Folder() == "/media/usb2" && p.folder.Text == "Thư mục sao lưu: /media/usb2", "folder %q", p.folder.Text)
	tapButton(mustButton(t, fx.win.Content(), "Sao lưu ngay"))
	must(t, bk.taken == 1 && strings.HasPrefix(p.msg.Text, "Đã sao lưu vào /media/usb2/"), "message %q", p.msg.Text)
	must(t, len(p.backups) == 3, "the list was not reloaded: %d", len(p.backups))
}

func TestDiskBanner_ShownWhileTheDiskIsLow(t *testing.T) {
	fx, bk := newBackupFixture(t)
	fx.ui.checkDisk()
	must(t, !fx.ui.diskBanner.Visible(), "a warning with 20 GB free")
	bk.setDisk(150 << 20)
	fx.ui.checkDisk()
	must(t, fx.ui.diskBanner.Visible() && strings.Contains(fx.ui.diskBanner.Text, "sắp đầy: chỉ còn 150 MB trống"),
		"banner %q", fx.ui.diskBanner.Text)
	bk.setDisk(1 << 30)
	fx.ui.checkDisk()
	must(t, !fx.ui.diskBanner.Visible(), "the warning stayed after space was freed")
}

func TestRecoveryNotice_SaysWhatHappenedThenContinues(t *testing.T) {
	test.NewTempApp(t)
	continued := false
	rec := app.Recovery{DamagedPath: "/home/canbo/.config/bvntd/bvntd.damaged-20261127-020000.sqlite",
		From: app.BackupInfo{Path: "/x/bvntd-20261126-020000-daily.sqlite", At: time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC), Cases: 12, Pending: 3}}
	w := test.NewTempWindow(t, RecoveryNotice(rec, func() { continued = true }))
	w.Resize(fyne.NewSize(800, 600))
	shown := strings.Join(texts(w.Content()), "\n")
	for _, want := range []string{"Tệp dữ liệu bị hỏng", "khôi phục bản sao lưu lúc 26/11/2026 09:00: 12 vụ việc, 3 thay đổi chờ gửi", rec.DamagedPath} {
		must(t, strings.Contains(shown, want), "the notice does not say %q:\n%s", want, shown)
	}
	tapButton(mustButton(t, w.Content(), "Tiếp tục"))
	must(t, continued, "Tiếp tục did not continue")

	w2 := test.NewTempWindow(t, RecoveryNotice(app.Recovery{DamagedPath: "/d/bvntd.damaged.sqlite"}, func() {}))
	must(t, strings.Contains(strings.Join(texts(w2.Content()), "\n"), "không có bản sao lưu nào dùng được"), "no-backup notice")
}

// On a real store with the desktop's backup service: a case saved after
// the backup is gone after the restore, in the list too.
func TestBackupPanel_RestoreOnARealStore(t *testing.T) {
	ctx := context.Background()
	fx := newStoreFixture(t)
	save := func(name string) {
		c := &app.Case{ReceivedAt: fx.clock.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
			ConsumerName: name, Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn."}
		if err := fx.db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	save("Trước Sao Lưu")
	bk := cli.BackupService{DB: fx.db, DataDir: filepath.Dir(fx.db.Path())}
	if _, err := bk.BackupNow(ctx); err != nil {
		t.Fatal(err)
	}
	save("Sau Sao Lưu")
	svc := fx.ui.svc
	svc.Backups = bk
	fx.ui = newUI(fx.win, svc, inline, 0)
	fx.win.SetContent(fx.ui.Content())
	fx.win.Resize(fyne.NewSize(1280, 900))
	fx.ui.Refresh()
	t.Cleanup(fx.ui.Close)
	must(t, len(fx.ui.cases.rows) == 2, "%d cases listed before the restore", len(fx.ui.cases.rows))

	fx.ui.tabs.Select(fx.ui.syncTab)
	tapButton(mustButton(t, fx.ui.backups.list, "Khôi phục…"))
	d := topOverlay(t, fx.win)
	must(t, strings.Contains(strings.Join(texts(d), "\n"), "còn 1 thay đổi CHƯA GỬI"), "no unsent warning:\n%s", strings.Join(texts(d), "\n"))
	tapButton(mustButton(t, d, "Khôi phục"))
	must(t, strings.HasPrefix(fx.ui.backups.msg.Text, "Đã khôi phục"), "message %q", fx.ui.backups.msg.Text)
	must(t, len(fx.ui.cases.rows) == 1 && fx.ui.cases.rows[0].ConsumerName == "Trước Sao Lưu",
		"after the restore the list shows %v", consumers(fx.ui.cases))
	must(t, len(fx.ui.backups.backups) == 2 && fx.ui.backups.backups[0].Reason == app.BackupBeforeRestore,
		"backups after the restore: %+v", fx.ui.backups.backups)
}

// The sync tab says how much the evidence files take: every backup copies
// them (and the low-disk limit grows by as much: storage.diskSpace).
func TestBackupPanel_SaysWhatTheEvidenceFilesTake(t *testing.T) {
	fx, _ := newBackupFixture(t)
	p := fx.ui.backups
	p.showDisk(app.DiskSpace{Free: 20 << 30, Limit: 200<<20 + 3<<20, Known: true, Files: 3 << 20})
	must(t, p.disk.Text == "Còn trống trên ổ đĩa chứa dữ liệu: 20,0 GB (tệp chứng cứ chiếm 3 MB, được chép vào mỗi bản sao lưu)", "disk %q", p.disk.Text)
	p.showDisk(app.DiskSpace{Free: 20 << 30, Limit: 200 << 20, Known: true})
	must(t, p.disk.Text == "Còn trống trên ổ đĩa chứa dữ liệu: 20,0 GB", "disk without files %q", p.disk.Text)
}
