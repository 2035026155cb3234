package ui

import (
	"context"
	"testing"
	"time"

	"bvntd/app"
)

func TestCases_SortAndCount(t *testing.T) {
	fx := newFixture(t)
	fx.cases.add(t, app.Case{ConsumerName: "Đặng Văn Ân", ReceivedAt: time.Date(2026, 1, 10, 9, 0, 0, 0, ICT)})
	fx.cases.add(t, app.Case{ConsumerName: "Dương Thị Bình", ReceivedAt: time.Date(2026, 3, 10, 9, 0, 0, 0, ICT)})
	fx.cases.add(t, app.Case{ConsumerName: "An Văn Cường", ReceivedAt: time.Date(2026, 2, 10, 9, 0, 0, 0, ICT)})
	s := fx.ui.cases
	s.refresh(context.Background())

	if got := consumers(s); !equal(got, []string{"Dương Thị Bình", "An Văn Cường", "Đặng Văn Ân"}) {
		t.Errorf("newest first: %v", got)
	}
	if s.count.Text != "3 vụ việc" {
		t.Errorf("count %q", s.count.Text)
	}
	if got := s.cellText(0, colReceived); got != "10/03/2026" {
		t.Errorf("date cell %q", got)
	}

	s.sort.SetSelected("Theo tên người tiêu dùng")
	if got := consumers(s); !equal(got, []string{"An Văn Cường", "Dương Thị Bình", "Đặng Văn Ân"}) {
		t.Errorf("by name (Vietnamese order, Đ after D): %v", got)
	}
	if q := fx.cases.lists[len(fx.cases.lists)-1]; q.Sort != app.SortName {
		t.Errorf("query sort %q", q.Sort)
	}
	s.sort.SetSelected("Mới nhất")
	if q := fx.cases.lists[len(fx.cases.lists)-1]; q.Sort != app.SortNewest {
		t.Errorf("query sort %q", q.Sort)
	}
}

func TestUI_Title(t *testing.T) {
	fx := newFixture(t)
	if got := fx.ui.Title(); got != "BVNTD Đồng Tháp – Phường Mỹ Tho" {
		t.Errorf("Title() = %q", got)
	}
	fx.ui.svc.UnitCode = ""
	if got := fx.ui.Title(); got != "BVNTD Đồng Tháp" {
		t.Errorf("Title() without a commune = %q", got)
	}
}

func TestCases_EmptyListExplainsWhatToDo(t *testing.T) {
	fx := newFixture(t)
	s := fx.ui.cases
	if !s.empty.Visible() || s.empty.Text != "Chưa có vụ việc nào. Bấm “Thêm vụ việc” để ghi vụ việc đầu tiên." {
		t.Errorf("empty message %q (shown %v)", s.empty.Text, s.empty.Visible())
	}
	if s.count.Text != "0 vụ việc" {
		t.Errorf("count %q", s.count.Text)
	}
}

// TestCases_StaleAnswerDropped checks that a slow answer to an old query
// does not overwrite a newer one.
func TestCases_StaleAnswerDropped(t *testing.T) {
	fx := newFixture(t)
	fx.cases.add(t, app.Case{ConsumerName: "Nguyễn Thị Hồng Đào"})
	s := fx.ui.cases
	var queued []func()
	s.run = func(f func()) { queued = append(queued, f) }
	s.search.SetText("xyz") // first query: no rows
	s.search.SetText("dao") // second query: one row
	if len(queued) != 2 {
		t.Fatalf("%d loads started, want 2", len(queued))
	}
	queued[1]()
	queued[0]() // the old answer arrives last
	if got := consumers(s); len(got) != 1 {
		t.Errorf("rows %v: the stale answer won", got)
	}
}

type failingCases struct{ fakeCases }

func (f *failingCases) CaseRows(context.Context, app.CaseQuery, time.Time) ([]app.CaseRow, error) {
	return nil, app.WrapError(app.EINTERNAL, "", context.DeadlineExceeded)
}

func TestCases_LoadErrorShownInline(t *testing.T) {
	fx := newFixture(t)
	captureLogs(t)
	s := fx.ui.cases
	s.svc = &failingCases{}
	s.refresh(context.Background())
	if !s.errMsg.Visible() || s.errMsg.Text != "Không tải được danh sách vụ việc: "+app.InternalMessage {
		t.Errorf("error line %q (shown %v)", s.errMsg.Text, s.errMsg.Visible())
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
