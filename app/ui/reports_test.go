package ui

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// fakeReports records the requests and writes a few bytes; during lets a
// test act while a report is being written.
type fakeReports struct {
	got    []app.ReportRequest
	rows   int
	during func()
}

func (f *fakeReports) WriteReport(ctx context.Context, q app.ReportRequest, w io.Writer) (int, error) {
	f.got = append(f.got, q)
	if f.during != nil {
		f.during()
	}
	_, err := w.Write([]byte("PK fake xlsx"))
	return f.rows, err
}

func (f *fakeReports) WriteIntake(context.Context, *app.Case, string, io.Writer) error { return nil }

func newReportsFixture(t *testing.T, unit string) (*reportsScreen, *fakeReports, *bytes.Buffer, *string) {
	t.Helper()
	return newReportsFixtureAt(t, unit, clocktest.AtToday(t), seededTag(t))
}

// newReportsFixtureAt is newReportsFixture on the given clock.
func newReportsFixtureAt(t *testing.T, unit string, clock *clocktest.Clock, tag string) (*reportsScreen, *fakeReports, *bytes.Buffer, *string) {
	t.Helper()
	fx := newStoreFixtureAt(t, clock, tag)
	d := fx.ui.deps()
	d.unit = unit
	rep := &fakeReports{rows: 42}
	s := newReportsScreen(d, rep)
	fx.win.SetContent(s.content)
	var file bytes.Buffer
	var name string
	s.saveTo = func(n string, write func(io.Writer) error, done func(string, error)) {
		name = n
		file.Reset()
		err := write(&file)
		if err != nil {
			file.Reset() // the real dialog deletes the file
		}
		done("/tmp/"+n, err)
	}
	return s, rep, &file, &name
}

func TestReports_ExportAnnualForTheReportYear(t *testing.T) {
	s, rep, file, name := newReportsFixture(t, "28261")
	s.kind.SetSelectedIndex(3)                                                                                            // the annual report
	must(t, !s.rows["session"].Visible() && s.rows["year"].Visible() && s.rows["dates"].Visible(), "wrong choices shown") // dates: an ad-hoc report
	test.Tap(s.export)
	must(t, len(rep.got) == 1, "%d requests", len(rep.got))
	q := rep.got[0]
	must(t, q.Report == app.ReportAnnual && q.Year == app.DefaultReportYear(s.now()) && q.Commune == "", "request %+v", q)
	must(t, strings.HasPrefix(*name, "bao-cao-nam-28261-") && file.Len() > 0, "file %q, %d bytes", *name, file.Len())
	must(t, strings.Contains(s.msg.Text, "Đã xuất 42 dòng"), "message %q", s.msg.Text)
	must(t, !s.export.Disabled() && !s.cancel.Visible(), "buttons not restored")
}

func TestReports_RegisterPeriodAndMask(t *testing.T) {
	s, rep, _, _ := newReportsFixture(t, "28261")
	s.kind.SetSelectedIndex(0)
	s.from.SetText("01/01/2026")
	s.to.SetText("31/12/2025")
	test.Tap(s.export)
	must(t, len(rep.got) == 0 && strings.Contains(s.msg.Text, "không được trước"), "bad period accepted: %q", s.msg.Text)
	s.to.SetText("30/06/2026")
	s.mask.SetChecked(true)
	test.Tap(s.export)
	q := rep.got[0]
	must(t, q.Report == app.ReportRegister && q.Year == 0 && !q.Unmask &&
		FormatDate(q.From) == "01/01/2026" && FormatDate(q.To) == "30/06/2026", "request %+v", q)
}

func TestReports_AttendanceNeedsASession(t *testing.T) {
	s, rep, _, _ := newReportsFixture(t, "28261")
	s.kind.SetSelectedIndex(1)
	test.Tap(s.export)
	must(t, len(rep.got) == 0 && strings.Contains(s.msg.Text, "Chọn lớp tập huấn"), "no session: %q", s.msg.Text)
}

// Dừng while the report is written: nothing is saved.
func TestReports_StopWritesNothing(t *testing.T) {
	s, rep, file, _ := newReportsFixture(t, "28261")
	s.kind.SetSelectedIndex(3)
	rep.during = func() {
		must(t, s.cancel.Visible() && s.export.Disabled(), "no Dừng while running")
		test.Tap(s.cancel)
	}
	test.Tap(s.export)
	must(t, file.Len() == 0 && strings.Contains(s.msg.Text, "Đã dừng"), "after stop: %d bytes, %q", file.Len(), s.msg.Text)
}

// A provincial device chooses the whole province or one commune.
func TestReports_ProvinceChoosesACommune(t *testing.T) {
	s, rep, _, name := newReportsFixture(t, "")
	s.kind.SetSelectedIndex(0)
	must(t, s.commune != nil, "no commune choice on a provincial device")
	test.Tap(s.export)
	must(t, rep.got[0].Commune == "" && strings.Contains(*name, "toan-tinh"), "province request %+v %q", rep.got[0], *name)
	s.commune.SetCode("29446")
	test.Tap(s.export)
	must(t, rep.got[1].Commune == "29446", "commune request %+v", rep.got[1])
}

// A register exported for a period is named after the period, not after
// the report year of the day it is exported: on 20/12/2026 (report year
// 2027) the register of the first half of 2026 is not a 2027 file.
func TestReports_RegisterPeriodNamedByItsYear(t *testing.T) {
	s, rep, _, name := newReportsFixtureAt(t, "28261", clocktest.New(time.Date(2026, 12, 20, 9, 0, 0, 0, ICT)), seededTag(t))
	s.kind.SetSelectedIndex(0)
	s.from.SetText("01/01/2026")
	s.to.SetText("30/06/2026")
	test.Tap(s.export)
	must(t, len(rep.got) == 1 && rep.got[0].Year == 0, "requests %+v", rep.got)
	must(t, *name == "so-theo-doi-vu-viec-28261-20260101-20260630.xlsx",
		"the register of 01/01–30/06/2026 is saved as %q", *name)
}

// A window left open across 15/12 lists the report year that has begun,
// as a window opened that day does, and still exports by default the
// year just due (app.DefaultReportYear: the report due on 15/12/2026 is
// being finished), with 2027 one choice away.
func TestReports_NewReportYearWhileOpen(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 12, 14, 23, 59, 0, 0, ICT))
	s, rep, _, _ := newReportsFixtureAt(t, "28261", clock, seededTag(t))
	clock.Advance(2 * time.Minute) // 15/12/2026 00:01
	s.kind.SetSelectedIndex(3)     // the annual report
	test.Tap(s.export)
	must(t, len(rep.got) == 1 && rep.got[0].Year == 2026, "after the deadline the annual report is for %d, offered %q",
		rep.got[0].Year, s.year.Options)
	must(t, len(s.year.Options) > 1 && strings.HasPrefix(s.year.Options[0], "Năm báo cáo 2027") &&
		s.year.Selected == s.year.Options[1], "years %q, selected %q", s.year.Options, s.year.Selected)
	s.year.SetSelectedIndex(0)
	test.Tap(s.export)
	must(t, len(rep.got) == 2 && rep.got[1].Year == 2027, "the new year chosen: %+v", rep.got)
}

// The annual report of any period from the Báo cáo tab: a report "đột
// xuất" (Kế hoạch 395 Mục V), both days needed (issue 18 item 6).
func TestReports_AdHocAnnualReport(t *testing.T) {
	s, rep, _, name := newReportsFixtureAt(t, "28261", clocktest.New(time.Date(2026, 10, 5, 9, 0, 0, 0, ICT)), seededTag(t))
	s.kind.SetSelectedIndex(3) // the annual report
	must(t, s.rows["dates"].Visible(), "no period for the annual report")
	s.from.SetText("01/07/2026")
	test.Tap(s.export)
	must(t, len(rep.got) == 0 && strings.Contains(s.msg.Text, "cần cả ngày bắt đầu và ngày kết thúc"), "one day only: %q", s.msg.Text)
	s.to.SetText("30/09/2026")
	test.Tap(s.export)
	must(t, len(rep.got) == 1, "%d requests", len(rep.got))
	q := rep.got[0]
	must(t, q.Report == app.ReportAnnual && q.Year == 0 && q.From.Format("02/01/2006") == "01/07/2026" && q.To.Format("02/01/2006") == "30/09/2026",
		"request %+v", q)
	must(t, strings.HasPrefix(*name, "bao-cao-dot-xuat-28261-"), "file %q", *name)
}
