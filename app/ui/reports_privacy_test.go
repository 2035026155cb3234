package ui

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/cmd/cli"
	"bvntd/storage"
)

// The register is masked by default; unticking the box asks why in a
// dialog that refuses a blank reason and, on "Quay lại", ticks the box
// again; the reason goes with the request, and after the unmasked export
// the box is ticked again (issue 19 item 4).
func TestReports_MaskedByDefault_UntickingAsksForAReason(t *testing.T) {
	s, rep, _, _ := newReportsFixture(t, "28261")
	s.kind.SetSelectedIndex(0) // the register
	must(t, s.mask.Checked && s.rows["mask"].Visible(), "the mask box is not ticked by default")
	test.Tap(s.export)
	must(t, len(rep.got) == 1 && !rep.got[0].Unmask && rep.got[0].Reason == "", "default request %+v", rep.got)

	// Unticked: the dialog; a blank reason is refused, the dialog stays.
	s.mask.SetChecked(false)
	d := topOverlay(t, s.win)
	shown := strings.Join(texts(d), "\n")
	must(t, strings.Contains(shown, "Xuất báo cáo không che thông tin cá nhân") && strings.Contains(shown, "nhật ký truy xuất dữ liệu cá nhân"),
		"dialog: %s", shown)
	test.Type(s.asking.reason, "   ")
	test.Tap(mustButton(t, d, "Xuất không che"))
	must(t, s.asking != nil && s.asking.msg.Text == "Cần ghi lý do xuất báo cáo không che thông tin cá nhân.", "blank reason: %+v", s.asking)
	must(t, s.win.Canvas().Overlays().Top() == d, "the dialog closed")
	// Back: masked again.
	test.Tap(mustButton(t, d, "Quay lại (giữ che thông tin)"))
	must(t, s.win.Canvas().Overlays().Top() == nil && s.mask.Checked && s.reason == "", "back did not keep the mask")
	test.Tap(s.export)
	must(t, len(rep.got) == 2 && !rep.got[1].Unmask, "request after going back %+v", rep.got[1])

	// With a reason: shown under the box, sent with the request.
	s.mask.SetChecked(false)
	d = topOverlay(t, s.win)
	reason := "Gửi Thanh tra tỉnh theo Quyết định thanh tra số 12/QĐ-TTr"
	s.asking.reason.SetText(reason)
	test.Tap(mustButton(t, d, "Xuất không che"))
	must(t, s.win.Canvas().Overlays().Top() == nil && !s.mask.Checked, "the dialog stays or the box is ticked")
	must(t, s.reasonLabel.Visible() && strings.Contains(s.reasonLabel.Text, reason), "reason shown %q", s.reasonLabel.Text)
	test.Tap(s.export)
	q := rep.got[2]
	must(t, q.Unmask && q.Reason == reason && q.Officer == "Lê Văn Tâm", "unmasked request %+v", q)
	must(t, s.mask.Checked && s.reason == "" && !s.reasonLabel.Visible(), "not masked again after the unmasked export")

	// The box unticked without a reason (never through the window, but
	// the export checks anyway): the dialog comes first.
	s.mask.OnChanged = nil
	s.mask.SetChecked(false)
	s.mask.OnChanged = s.onMask
	test.Tap(s.export)
	must(t, len(rep.got) == 3, "exported unmasked without a reason")
	d = topOverlay(t, s.win)
	s.asking.reason.SetText("In danh sách để lưu hồ sơ")
	test.Tap(mustButton(t, d, "Xuất không che"))
	must(t, len(rep.got) == 4 && rep.got[3].Unmask && rep.got[3].Reason == "In danh sách để lưu hồ sơ", "after the dialog: %+v", rep.got)

	// Reports of figures never go unmasked.
	s.kind.SetSelectedIndex(3)
	s.mask.OnChanged = nil
	s.mask.SetChecked(false)
	test.Tap(s.export)
	must(t, len(rep.got) == 5 && !rep.got[4].Unmask && s.win.Canvas().Overlays().Top() == nil, "annual request %+v", rep.got[4])
}

// The window asks to include the restricted people only for the leader.
func TestReports_RestrictedPeopleOnlyForTheLeader(t *testing.T) {
	s, rep, _, _ := newReportsFixture(t, "28261")
	s.kind.SetSelectedIndex(0)
	for _, role := range []string{"", "can_bo_tiep_nhan", "quan_tri", "lanh_dao"} {
		s.role = func() string { return role }
		test.Tap(s.export)
		q := rep.got[len(rep.got)-1]
		must(t, q.SeesRestricted == (role == "lanh_dao"), "role %q: SeesRestricted %v", role, q.SeesRestricted)
	}
}

// storeReports is the desktop's report service: cli.WriteReport on the
// store.
type storeReports struct {
	db   *storage.DB
	refs *app.RefData
}

func (r storeReports) WriteReport(ctx context.Context, q app.ReportRequest, w io.Writer) (int, error) {
	return cli.WriteReport(ctx, r.db, r.refs, w, q)
}

func (storeReports) WriteIntake(context.Context, *app.Case, string, io.Writer) error { return nil }

// An unmasked export from the window leaves an audit record in the store
// with the officer and the reason; the leader, and only the leader, sees
// the list in the Báo cáo tab, newest first (issue 19 item 5).
func TestReports_UnmaskedExportLoggedAndListedForTheLeader(t *testing.T) {
	ctx := context.Background()
	s, _, file, _ := newReportsFixture(t, "28261")
	db := s.records.(*storage.DB)
	s.svc = storeReports{db: db, refs: s.refs}
	c := &app.Case{ReceivedAt: s.now().Add(-2 * time.Hour), Channel: "truc_tiep", Kind: "khieu_nai", ConsumerName: "Trần Thị Bích",
		ConsumerPhone: "0912345678", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn."}
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	// An older record, from another export.
	if err := db.Audit(ctx, &app.AuditEntry{At: s.now().Add(-48 * time.Hour), Officer: "Phạm Văn Cũ", Action: app.AuditUnmaskedExport,
		What: "Sổ theo dõi tiếp nhận, giải quyết phản ánh, khiếu nại; Năm báo cáo 2025", People: 7, Records: 9, Reason: "Báo cáo Sở"}); err != nil {
		t.Fatal(err)
	}

	s.role = func() string { return "can_bo_tiep_nhan" }
	s.reload()
	must(t, !s.audit.box.Visible(), "an officer sees the audit list")

	s.kind.SetSelectedIndex(0)
	s.from.SetText("01/01/2020") // to today: the case, on any day the test runs
	s.mask.SetChecked(false)
	s.asking.reason.SetText("Cung cấp cho Công an theo yêu cầu số 45")
	test.Tap(mustButton(t, topOverlay(t, s.win), "Xuất không che"))
	test.Tap(s.export)
	must(t, file.Len() > 0 && strings.Contains(s.msg.Text, "Đã xuất 1 dòng"), "export: %q", s.msg.Text)
	es, err := storage.ListRecords[app.AuditEntry](ctx, db, storage.RecordQuery{})
	if err != nil || len(es) != 2 {
		t.Fatalf("%d audit records, %v", len(es), err)
	}

	s.role = func() string { return "lanh_dao" }
	s.reload()
	must(t, s.audit.box.Visible(), "the leader does not see the audit list")
	must(t, len(s.audit.entries) == 2, "%d entries listed", len(s.audit.entries))
	newest := s.audit.entries[0]
	must(t, newest.Reason == "Cung cấp cho Công an theo yêu cầu số 45" && newest.Officer == "Lê Văn Tâm" && newest.People == 1 && newest.Records == 1,
		"newest first: %+v", newest)
	row := []string{}
	for col := range 6 {
		row = append(row, auditCell(&s.audit.entries[0], col))
	}
	must(t, row[1] == "Lê Văn Tâm" && row[2] == "Xuất báo cáo không che thông tin cá nhân" && strings.HasPrefix(row[3], "Sổ theo dõi") &&
		row[4] == "1" && row[5] == newest.Reason, "row %q", row)
	must(t, strings.Contains(s.audit.count.Text, "2 lần truy xuất"), "count %q", s.audit.count.Text)
	for _, cell := range row {
		must(t, !strings.Contains(cell, "Trần Thị Bích") && !strings.Contains(cell, "0912345678"), "the list shows a person's data: %q", row)
	}
	// A row opens in full.
	s.showAudit(newest)
	shown := strings.Join(texts(topOverlay(t, s.win)), "\n")
	must(t, strings.Contains(shown, "Số bản ghi") && strings.Contains(shown, newest.What), "details: %s", shown)

	// Another officer signs in: the list goes.
	s.role = func() string { return "quan_tri" }
	s.reload()
	must(t, !s.audit.box.Visible() && len(s.audit.entries) == 0, "the list stays for the administrator")
}

// The leader's Báo cáo tab, with the audit list, fits a 1024×600 screen.
func TestWindow_AuditListFitsASmallScreen(t *testing.T) {
	u, w, db := demoWindow(t)
	ctx := context.Background()
	for i := range 3 {
		if err := db.Audit(ctx, &app.AuditEntry{Action: app.AuditUnmaskedExport, What: strings.Repeat("Sổ theo dõi tiếp nhận, giải quyết phản ánh, khiếu nại; ", 3),
			People: 30 + i, Records: 40, Reason: strings.Repeat("Gửi Thanh tra tỉnh theo quyết định; ", 4)}); err != nil {
			t.Fatal(err)
		}
	}
	u.session.signedIn(app.Profile{ID: "lead", FullName: "Võ Thành Lãnh Đạo", Role: "lanh_dao", UnitCode: "28261"})
	w.Resize(smallScreen)
	for _, wt := range u.workTabs {
		if wt.body() == u.reports.content {
			u.tabs.Select(wt.item)
		}
	}
	must(t, u.reports.audit.box.Visible() && len(u.reports.audit.entries) == 3, "the leader's list: %d entries", len(u.reports.audit.entries))
	fits(t, w, "the Báo cáo tab with the audit list")
	inside(t, w, u.reports.audit.table, "the audit list")
}
