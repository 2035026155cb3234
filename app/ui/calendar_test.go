package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// year2031 is a synthetic holiday calendar for 2031 as the province would
// publish it (bvntd-server calendar import), pulled by the device: New
// Year's Day and ten days of "Tết", the statutory minimum of days off.
func year2031(t *testing.T) app.PulledPage {
	t.Helper()
	y := app.HolidayYear{Year: 2031, Basis: "Thông báo thử nghiệm lịch nghỉ năm 2031",
		Days: []app.Holiday{{Date: "2031-01-01", Name: "Tết Dương lịch", Kind: app.DayHoliday}}}
	for d := 20; d < 30; d++ {
		y.Days = append(y.Days, app.Holiday{Date: fmt.Sprintf("2031-01-%02d", d), Name: "Tết (thử nghiệm)", Kind: app.DayHoliday})
	}
	y.Normalize()
	if err := y.Validate(); err != nil {
		t.Fatal(err)
	}
	return app.PulledPage{Scope: app.ScopeShared, Epoch: "e1", NextSeq: 1,
		Records: []app.PulledRecord{{Entity: app.EntityHolidayYear, ID: "2031", Fields: y.Fields(), Version: 1}}}
}

const warning2031 = "Chưa có lịch nghỉ lễ năm 2031: hạn tính theo ngày làm việc thông thường"

// Past the seeded calendar (2026–2030), a case's deadline and the
// dashboard say that 2031's holidays are not counted; once the province's
// 2031 is pulled, they count and the warnings go.
func TestCalendarWarning_PastTheSeededCalendar(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(time.Date(2031, 1, 2, 9, 0, 0, 0, ICT))
	fx := newStoreFixtureAt(t, clock, seededTag(t))
	c := &app.Case{ReceivedAt: time.Date(2030, 12, 31, 9, 0, 0, 0, ICT), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Võ Văn Hạn", Sector: "thuc_pham_do_uong", Summary: "Mua bánh hết hạn sử dụng."}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	fx.ui.openCase(c.ID)
	d := fx.ui.detail
	must(t, strings.Contains(d.deadline.Text, "03/01/2031") && strings.Contains(d.deadline.Text, warning2031),
		"deadline on the seeded calendar: %q", d.deadline.Text)

	dash := newDashboard(fx.ui.deps(), fx.db)
	dash.reload()
	must(t, dash.calWarn.Visible() && strings.HasPrefix(dash.calWarn.Text, warning2031), "dashboard warning %q (shown %v)",
		dash.calWarn.Text, dash.calWarn.Visible())

	if _, err := fx.db.ApplyPull(ctx, []app.PulledPage{year2031(t)}); err != nil {
		t.Fatal(err)
	}
	fx.ui.openCase(c.ID)
	d = fx.ui.detail
	must(t, strings.Contains(d.deadline.Text, "06/01/2031") && !strings.Contains(d.deadline.Text, "Chưa có lịch"),
		"deadline with 2031 pulled (1/1 off): %q", d.deadline.Text)
	test.Tap(dash.reloadBtn)
	must(t, !dash.calWarn.Visible(), "dashboard still warns %q", dash.calWarn.Text)
}

// The status line warns, in short, from the sync status's calendar gaps.
func TestStatusLine_CalendarGaps(t *testing.T) {
	test.NewTempApp(t)
	l := newStatusLine()
	l.setStatus(app.SyncStatus{Enrolled: true, CalendarGaps: []int{2031}})
	must(t, l.calendar.Visible() && l.calendar.Text == "Chưa có lịch nghỉ lễ năm 2031: hạn tính chưa trừ ngày lễ",
		"status line warning %q (shown %v)", l.calendar.Text, l.calendar.Visible())
	l.setStatus(app.SyncStatus{Enrolled: true})
	must(t, !l.calendar.Visible(), "the warning stays after the year was pulled")
}
