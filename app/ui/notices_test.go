package ui

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

// newNoticeFixture shows the "Thông báo bán hàng" tab of the desktop
// program on a real store, on Tuesday 10/03/2026, 09:00 in Vietnam.
func newNoticeFixture(t *testing.T) (*storeFixture, *noticeScreen) {
	t.Helper()
	clock := clocktest.New(time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC))
	fx := newStoreFixtureAt(t, clock, seededTag(t))
	for _, w := range fx.ui.workTabs {
		if w.item.Text == "Thông báo bán hàng" {
			fx.ui.tabs.Select(w.item)
		}
	}
	s := fx.ui.notices
	must(t, s != nil && fx.ui.tabs.Selected().Text == "Thông báo bán hàng", "no notice tab")
	return fx, s
}

func storedNotices(t *testing.T, db *storage.DB) []app.OffPremisesNotice {
	t.Helper()
	rows, err := storage.ListRecords[app.OffPremisesNotice](context.Background(), db, storage.RecordQuery{})
	must(t, err == nil, "list notices: %v", err)
	return rows
}

// TestNotices_RecordPublishRemind: the officer records the notice of a
// "hội thảo" for older people received on Tuesday for Thursday — fewer
// than 03 working days ahead (NĐ 55/2024/NĐ-CP Điều 26 khoản 3) and
// without prices (Luật 19/2023 Điều 47 khoản 1 điểm a); the form says so,
// the list marks it due, late and not published, and the line above the
// list counts it. Marking it posted today (Điều 27 khoản 3) clears the
// "not published" mark and count; the due reminder stays until the sale
// is over.
func TestNotices_RecordPublishRemind(t *testing.T) {
	fx, s := newNoticeFixture(t)
	must(t, s.empty.Visible() && !s.reminder.Visible(), "an empty register shows a reminder")
	saved := 0
	prev := s.onSaved
	s.onSaved = func() { saved++; prev() }

	test.Tap(mustButton(t, fx.win.Content(), "Ghi thông báo mới"))
	f := s.form
	must(t, f != nil, "the form did not open")
	must(t, f.entry("received_date").Text == "10/03/2026" && f.choice("received_via").Code() == "truc_tiep" &&
		f.choice("form").Code() == "mau_10", "defaults: received %q via %q form %q",
		f.entry("received_date").Text, f.choice("received_via").Code(), f.choice("form").Code())
	for key, text := range map[string]string{
		"business_name":    "Công ty TNHH Sức Khỏe Vàng",
		"business_address": "12 Nguyễn Huệ, phường Mỹ Tho",
		"business_phone":   "0912 345 678",
		"title":            "Hội thảo giới thiệu sản phẩm chăm sóc sức khỏe",
		"sales_method":     "Giới thiệu tại hội trường, tặng quà, bán trực tiếp",
		"place":            "Nhà văn hóa ấp 3",
		"start_date":       "12/03/2026",
		"goods":            "Máy massage, thực phẩm bảo vệ sức khỏe",
		"consumer_contact": "0912 345 678",
	} {
		test.Type(f.entry(key), text)
	}
	test.Tap(f.check("for_elderly"))
	check := strings.Join(texts(f.content), "\n")
	for _, want := range []string{
		"Thông báo thiếu (Điều 47 khoản 1 điểm a Luật BVQLNTD 2023): Giá.",
		"Nhận trước ngày bán hàng 1 ngày làm việc: chưa đủ 03 ngày làm việc (Điều 26 khoản 3 Nghị định 55/2024/NĐ-CP).",
		"Lưu hồ sơ đến ít nhất ngày 12/03/2028",
	} {
		must(t, strings.Contains(check, want), "the form does not say %q:\n%s", want, check)
	}
	test.Tap(f.save)
	must(t, s.form == nil, "not saved: %q", f.formErr.Text)
	must(t, saved == 1, "onSaved called %d times", saved)
	rows := storedNotices(t, fx.db)
	must(t, len(rows) == 1, "%d notices stored", len(rows))
	n := rows[0]
	must(t, n.BusinessName == "Công ty TNHH Sức Khỏe Vàng" && n.BusinessPhone == "0912345678" && n.StartDate == "2026-03-12" &&
		n.ReceivedDate == "2026-03-10" && n.ForElderly && n.UnitCode == "28261" && n.Officer == "Lê Văn Tâm" && !n.Published(),
		"stored %+v", n)

	must(t, len(s.notices) == 1 && s.table.Visible(), "the list shows %d notices", len(s.notices))
	flags := s.cell(0, noticeColFlags)
	must(t, flags == "Sắp diễn ra; Chưa công khai; Nhận muộn; Thiếu 1 nội dung; Nhắm vào người cao tuổi", "flags %q", flags)
	must(t, s.reminder.Visible() && strings.Contains(s.reminder.Text, "1 buổi bán hàng bắt đầu trong 3 ngày tới") &&
		strings.Contains(s.reminder.Text, "1 thông báo chưa công khai") && strings.Contains(s.reminder.Text, "1 thông báo nhận chưa đủ 03 ngày làm việc"),
		"reminder %q", s.reminder.Text)
	if os.Getenv("BVNTD_SCREENSHOTS") != "" { // the list as a fresh screen shows it
		content := fx.win.Content()
		s2 := newNoticeScreen(s.formDeps)
		fx.win.SetContent(s2.content)
		s2.reload()
		screenshot(t, fx, "notices-list")
		fx.win.SetContent(content)
	}

	// The officer posts it on the board today.
	s.open(&s.notices[0])
	f = s.form
	test.Tap(mustButton(t, f.content, "Đã niêm yết hôm nay"))
	screenshot(t, fx, "notices-form")
	must(t, f.entry("published_date").Text == "10/03/2026" && f.choice("published_via").Code() == "niem_yet",
		"published %q via %q", f.entry("published_date").Text, f.choice("published_via").Code())
	test.Tap(f.save)
	must(t, s.form == nil, "not saved: %q", f.formErr.Text)
	n = storedNotices(t, fx.db)[0]
	must(t, n.PublishedDate == "2026-03-10" && n.PublishedVia == "niem_yet", "stored %+v", n)
	flags = s.cell(0, noticeColFlags)
	must(t, !strings.Contains(flags, "Chưa công khai") && strings.Contains(flags, "Sắp diễn ra"), "flags after publishing %q", flags)
	must(t, !strings.Contains(s.reminder.Text, "chưa công khai") && strings.Contains(s.reminder.Text, "1 buổi bán hàng"),
		"reminder after publishing %q", s.reminder.Text)

	// On the day of the sale it is running; the day after, nothing is due.
	fx.clock.Set(time.Date(2026, 3, 12, 2, 0, 0, 0, time.UTC))
	s.reload()
	must(t, strings.HasPrefix(s.cell(0, noticeColFlags), "Đang diễn ra") && strings.Contains(s.reminder.Text, "(1 đang diễn ra hôm nay)"),
		"on the day: %q / %q", s.cell(0, noticeColFlags), s.reminder.Text)
	fx.clock.Set(time.Date(2026, 3, 13, 2, 0, 0, 0, time.UTC))
	s.reload()
	must(t, !s.reminder.Visible(), "after the sale: reminder %q", s.reminder.Text)
}

// screenshot writes the window to $BVNTD_SCREENSHOTS/name.png when that
// is set, for a person to look at.
func screenshot(t *testing.T, fx *storeFixture, name string) {
	dir := os.Getenv("BVNTD_SCREENSHOTS")
	if dir == "" {
		return
	}
	size := fx.win.Canvas().Size()
	fx.win.Resize(size.AddWidthHeight(1, 1)) // lay everything out again
	fx.win.Resize(size)
	f, err := os.Create(filepath.Join(dir, name+".png"))
	must(t, err == nil, "screenshot: %v", err)
	defer f.Close()
	must(t, png.Encode(f, fx.win.Canvas().Capture()) == nil, "screenshot")
}

// TestNotices_ComplaintLinksTheSale: a complaint after a "hội thảo bán
// hàng" names the notice of that sale (NĐ 55/2024/NĐ-CP Điều 26): the case
// form offers the commune's notices, the latest sale first, after "none";
// the choice is stored and the case screen names the sale.
func TestNotices_ComplaintLinksTheSale(t *testing.T) {
	fx, _ := newNoticeFixture(t)
	ctx := context.Background()
	older := &app.OffPremisesNotice{BusinessName: "Công ty TNHH Thiên Phúc", Title: "Hội thảo giới thiệu nồi từ",
		Place: "Nhà văn hóa ấp 1", StartDate: "2026-02-20", ReceivedDate: "2026-02-10", ReceivedVia: "buu_dien"}
	newer := &app.OffPremisesNotice{BusinessName: "Công ty TNHH Sức Khỏe Vàng", Title: "Hội thảo giới thiệu máy massage",
		Place: "Nhà văn hóa ấp 3", StartDate: "2026-03-05", ReceivedDate: "2026-02-27", ReceivedVia: "truc_tiep"}
	for _, n := range []*app.OffPremisesNotice{older, newer} {
		must(t, fx.db.SaveRecord(ctx, n) == nil, "save notice")
	}
	fx.ui.tabs.Select(fx.ui.casesTab)
	test.Tap(mustButton(t, fx.win.Content(), "Thêm vụ việc"))
	f := fx.ui.form
	must(t, f != nil, "the case form did not open")
	sel := f.choice("off_premises_notice_id")
	want := []string{"Không liên quan đến thông báo nào",
		"05/03/2026 – Công ty TNHH Sức Khỏe Vàng – Hội thảo giới thiệu máy massage – Nhà văn hóa ấp 3",
		"20/02/2026 – Công ty TNHH Thiên Phúc – Hội thảo giới thiệu nồi từ – Nhà văn hóa ấp 1"}
	must(t, strings.Join(sel.sel.Options, "|") == strings.Join(want, "|"), "choices %q", sel.sel.Options)
	must(t, sel.Code() == "", "a new case is linked to %q", sel.Code())
	sel.sel.SetSelectedIndex(1)
	test.Type(f.entry("consumer_name"), "Nguyễn Thị Lan")
	f.choice("privacy_notice").SetCode("da_thong_bao")
	f.choice("channel").sel.SetSelected("Điện thoại")
	f.choice("kind").sel.SetSelected("Khiếu nại doanh nghiệp")
	f.choice("sector").sel.SetSelected("Thực phẩm, đồ uống, an toàn thực phẩm")
	test.Type(f.entry("summary"), "Mua máy massage tại hội thảo ở ấp 3, máy hỏng sau hai ngày, công ty không nhận lại.")
	test.Tap(f.save)
	must(t, fx.ui.form == nil, "not saved: %q", f.formErr.Text)

	cs, err := fx.db.ListCases(ctx, app.CaseQuery{})
	must(t, err == nil && len(cs) == 1, "cases %v %v", len(cs), err)
	c, err := fx.db.GetCase(ctx, cs[0].ID)
	must(t, err == nil && c.OffPremisesNoticeID == newer.ID, "the case links %q, want %q (%v)", c.OffPremisesNoticeID, newer.ID, err)
	must(t, fx.ui.detail != nil, "the saved case is not shown")
	shown := strings.Join(texts(fx.ui.detail.content), "\n")
	must(t, strings.Contains(shown, "Thông báo bán hàng ngoài địa điểm liên quan\n05/03/2026 – Công ty TNHH Sức Khỏe Vàng – Hội thảo giới thiệu máy massage – Nhà văn hóa ấp 3"),
		"the case screen does not name the sale:\n%s", shown)

	// Editing it offers the same notice, chosen.
	test.Tap(mustButton(t, fx.win.Content(), "Sửa thông tin"))
	must(t, fx.ui.form != nil && fx.ui.form.choice("off_premises_notice_id").Code() == newer.ID, "the edit form lost the link")
}

// boardReports writes the notice-board list from the store with the real
// writer (the desktop's report service does the same through cli).
type boardReports struct {
	db  *storage.DB
	got []app.ReportRequest
}

func (b *boardReports) WriteReport(ctx context.Context, q app.ReportRequest, w io.Writer) (int, error) {
	b.got = append(b.got, q)
	ns, err := storage.ListRecords[app.OffPremisesNotice](ctx, b.db, storage.RecordQuery{Unit: "28261"})
	if err != nil {
		return 0, err
	}
	return xlsx.WriteNoticeBoard(w, ns, xlsx.NoticeBoardOptions{UnitName: "Phường Mỹ Tho", From: q.From, To: q.To, Printed: b.db.Now()})
}

func (b *boardReports) WriteIntake(context.Context, *app.Case, string, io.Writer) error { return nil }

// TestNotices_BoardListFromTheButton: the list's "Danh sách niêm yết"
// button opens the Báo cáo tab on the notice-board list of today and the
// next 7 days (NĐ 55/2024/NĐ-CP Điều 27 khoản 3); exporting it writes the
// sales of that week, read back with excelize, and offers "Mở tệp".
func TestNotices_BoardListFromTheButton(t *testing.T) {
	fx, _ := newNoticeFixture(t) // Tuesday 10/03/2026
	ctx := context.Background()
	for _, n := range []*app.OffPremisesNotice{
		{BusinessName: "Công ty TNHH Sức Khỏe Vàng", Title: "Hội thảo giới thiệu máy massage", Place: "Nhà văn hóa ấp 3",
			StartDate: "2026-03-12", ReceivedDate: "2026-03-06", ReceivedVia: "truc_tiep"},
		{BusinessName: "Công ty Tháng Tư", StartDate: "2026-04-02", ReceivedDate: "2026-03-06", ReceivedVia: "buu_dien"},
	} {
		must(t, fx.db.SaveRecord(ctx, n) == nil, "save notice")
	}
	rep := &boardReports{db: fx.db}
	u := newUI(fx.win, Services{Cases: fx.db, Records: fx.db, KPI: fx.db, Sync: &fakeSync{}, Reports: rep, Opener: &fakeOpener{dir: t.TempDir()},
		Refs: fx.ui.svc.Refs, UnitCode: "28261", Officer: "Lê Văn Tâm", Now: fx.clock.Now}, inline, 0)
	t.Cleanup(u.Close)
	fx.win.SetContent(u.Content())
	for _, w := range u.workTabs {
		if w.item.Text == "Thông báo bán hàng" {
			u.tabs.Select(w.item)
		}
	}
	test.Tap(mustButton(t, u.notices.content, "Danh sách niêm yết (Excel)"))
	r := u.reports
	must(t, u.tabs.Selected().Text == "Báo cáo", "the button shows tab %q", u.tabs.Selected().Text)
	must(t, reportKinds[r.kindIndex()].code == "notices" && r.from.Text == "10/03/2026" && r.to.Text == "17/03/2026",
		"kind %q, %q – %q", reportKinds[r.kindIndex()].code, r.from.Text, r.to.Text)
	var file bytes.Buffer
	var name string
	r.saveTo = func(n string, write func(io.Writer) error, done func(string, error)) {
		name = n
		done("/tmp/"+n, write(&file))
	}
	test.Tap(r.export)
	must(t, name == "thong-bao-ban-hang-28261-20260310-20260317.xlsx", "file name %q", name)
	must(t, len(rep.got) == 1 && rep.got[0].Report == app.ReportNotices && rep.got[0].Year == 0, "requests %+v", rep.got)
	must(t, strings.Contains(r.msg.Text, "Đã xuất 1 dòng"), "message %q", r.msg.Text)
	must(t, r.files.box.Visible(), "no “Mở tệp” after the export")
	f, err := excelize.OpenReader(&file)
	must(t, err == nil, "open: %v", err)
	defer f.Close()
	rows, err := f.GetRows(xlsx.NoticeBoardSheet)
	must(t, err == nil, "rows: %v", err)
	var all []string
	for _, row := range rows {
		all = append(all, strings.Join(row, "|"))
	}
	text := strings.Join(all, "\n")
	must(t, strings.Contains(text, "Công ty TNHH Sức Khỏe Vàng") && !strings.Contains(text, "Công ty Tháng Tư"), "the list:\n%s", text)
}

// The dashboard counts the notices received in the report year, with the
// late (NĐ 55/2024/NĐ-CP Điều 26 khoản 3) and the unpublished (Điều 27
// khoản 3) ones.
func TestNotices_DashboardCountsTheRegister(t *testing.T) {
	fx, _ := newNoticeFixture(t) // 10/03/2026: report year 2026
	ctx := context.Background()
	for _, n := range []*app.OffPremisesNotice{
		{BusinessName: "Công ty A", StartDate: "2026-03-12", ReceivedDate: "2026-03-10", ReceivedVia: "truc_tiep"}, // late
		{BusinessName: "Công ty B", StartDate: "2026-03-20", ReceivedDate: "2026-03-02", ReceivedVia: "truc_tiep",
			PublishedDate: "2026-03-03", PublishedVia: "loa"},
		{BusinessName: "Công ty C", StartDate: "2025-12-05", ReceivedDate: "2025-12-01", ReceivedVia: "buu_dien"}, // 2025
	} {
		must(t, fx.db.SaveRecord(ctx, n) == nil, "save notice")
	}
	fx.ui.tabs.Select(fx.ui.workTabs[3].item)
	tile := fx.ui.dashboard.tiles["notices.received"]
	must(t, tile != nil, "no notice tile on the dashboard")
	must(t, tile.value == "2" && tile.note == "1 nhận chưa đủ 03 ngày làm việc; 1 chưa công khai", "tile %q / %q", tile.value, tile.note)
}
