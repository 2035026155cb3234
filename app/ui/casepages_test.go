package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// pagedFixture is a store of n cases, "Người Thử 0000" the newest and
// each next one received a minute earlier, every tenth one a vulnerable
// consumer's (0, 10, 20, …), listed.
func pagedFixture(t *testing.T, n int) (*storeFixture, []string) {
	t.Helper()
	ctx := context.Background()
	fx := newStoreFixtureAt(t, clocktest.New(time.Date(2026, 11, 20, 9, 0, 0, 0, app.ICT)), "P4GE")
	now := fx.clock.Now()
	ids := make([]string, n)
	for i := range n {
		c := &app.Case{ReceivedAt: now.Add(-time.Duration(i+1) * time.Minute), Channel: "truc_tiep", Kind: "khieu_nai",
			ConsumerName: fmt.Sprintf("Người Thử %04d", i), Sector: "thuc_pham_do_uong",
			Summary: "Mua sữa hết hạn sử dụng tại cửa hàng tạp hóa."}
		if i%10 == 0 {
			c.VulnerableGroups = []string{"nguoi_cao_tuoi"}
		}
		if err := fx.db.CreateCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids[i] = c.ID
	}
	fx.ui.cases.refresh(ctx)
	return fx, ids
}

// The list reads the first page only; scrolling to row 250 of 1,000 reads
// that row's page and shows the 251st newest case, and tapping it opens
// that case. A reload (after a new case) keeps the place: the page drawn
// last is read again with the first, the rows moved down by the new one.
func TestCases_PagesAsTheOfficerScrolls(t *testing.T) {
	ctx := context.Background()
	fx, ids := pagedFixture(t, 1000)
	s := fx.ui.cases
	must(t, s.total == 1000 && len(s.rows) == casesPageSize && len(s.far) == 0,
		"after the first list: %d rows shown, %d read, %d pages beyond", s.total, len(s.rows), len(s.far))
	must(t, s.count.Text == "1.000 vụ việc", "count %q", s.count.Text)

	s.table.ScrollTo(widget.TableCellID{Row: 250, Col: colConsumer})
	must(t, s.cellText(250, colConsumer) == "Người Thử 0250", "row 250 shows %q", s.cellText(250, colConsumer))
	must(t, len(s.rows) == casesPageSize && len(s.far) == 1, "reading row 250: %d rows read, %d pages beyond", len(s.rows), len(s.far))
	must(t, s.cellText(299, colConsumer) == "Người Thử 0299" && len(s.far) == 1, "row 299 %q", s.cellText(299, colConsumer))
	var opened string
	s.onOpen = func(id string) { opened = id }
	s.table.OnSelected(widget.TableCellID{Row: 250, Col: colConsumer})
	must(t, opened == ids[250], "tapping row 250 opened %s, want %s", opened, ids[250])

	// The page after the first follows it: the rows read join up with
	// row 250's page.
	must(t, s.cellText(100, colConsumer) == "Người Thử 0100" && len(s.rows) == 3*casesPageSize && len(s.far) == 0,
		"row 100 %q, %d rows read, %d pages beyond", s.cellText(100, colConsumer), len(s.rows), len(s.far))

	c := &app.Case{ReceivedAt: fx.clock.Now(), Channel: "truc_tiep", Kind: "khieu_nai", ConsumerName: "Lê Thị Mới",
		Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng tại cửa hàng tạp hóa."}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	s.lastRow = 251 // the table last drew row 251
	s.refresh(ctx)
	must(t, s.total == 1001 && s.count.Text == "1.001 vụ việc", "after a new case: %d rows, count %q", s.total, s.count.Text)
	r := s.peek(251)
	must(t, r != nil && r.ConsumerName == "Người Thử 0250", "the reload did not keep row 251's page: %v", r)
	must(t, s.peek(0) != nil && s.peek(0).ID == c.ID, "the new case is not first")
	must(t, s.peek(150) == nil, "a page not drawn was kept")

	// A search starts at the top of its own rows: "Người Thử 0777", and
	// the case numbered …-0777 (the 777th written: "Người Thử 0776").
	s.search.SetText("nguoi thu 0777")
	must(t, s.total == 2 && s.cellText(0, colConsumer) == "Người Thử 0776" && s.cellText(1, colConsumer) == "Người Thử 0777",
		"search: %d rows, %q, %q", s.total, s.cellText(0, colConsumer), s.cellText(1, colConsumer))
}

// Filters on a paged list: the count, the counts beside each choice and
// the rows are the store's, page by page; "Bỏ lọc" lists every case again.
func TestCases_FiltersOnPages(t *testing.T) {
	fx, _ := pagedFixture(t, 260)
	s := fx.ui.cases
	must(t, s.fVulnerable.Text == "Dễ bị tổn thương (26)" && s.legend.Visible(), "vulnerable check %q, legend %v", s.fVulnerable.Text, s.legend.Visible())
	s.fVulnerable.SetChecked(true)
	must(t, s.total == 26 && s.count.Text == "26 / 260 vụ việc (đang lọc)", "filtered: %d rows, count %q", s.total, s.count.Text)
	must(t, s.cellText(25, colConsumer) == "Người Thử 0250", "row 25 %q", s.cellText(25, colConsumer))
	s.fClear.OnTapped()
	must(t, s.total == 260 && s.cellText(255, colConsumer) == "Người Thử 0255", "cleared: %d rows, row 255 %q", s.total, s.cellText(255, colConsumer))
}
