package ui

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/app/clocktest"
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
