package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// The commune writes its annual report's narrative in the app (issue 18
// item 7): difficulties, a typical case picked from its cases, a Biểu 5
// task's status and result; it is kept as the commune's synced record of
// that year, and opens again as it was saved.
func TestReports_NarrativeWrittenKeptAndReopened(t *testing.T) {
	clock := clocktest.New(time.Date(2026, 12, 6, 10, 0, 0, 0, ICT)) // report year 2026, its deadline ahead
	fx := newStoreFixtureAt(t, clock, seededTag(t))
	ctx := context.Background()
	c := &app.Case{ReceivedAt: clock.Now().AddDate(0, -1, 0), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Quách Thị Điển Hình", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	s := newReportsScreen(fx.ui.deps(), &fakeReports{})
	fx.win.SetContent(s.content)
	s.kind.SetSelectedIndex(3) // the annual report
	must(t, s.chosenYear() == 2026 && s.write.Visible(), "year %d, button shown %v", s.chosenYear(), s.write.Visible())
	test.Tap(s.write)
	f := s.narrative
	must(t, f != nil, "no narrative form")
	test.Type(f.entry("difficulties"), "Thiếu cán bộ chuyên trách.")
	ticks := f.ticks("typical_cases")
	must(t, len(ticks.codes) == 1 && ticks.codes[0] == c.ID, "typical cases offered %v", ticks.codes)
	ticks.boxes[0].SetChecked(true)
	status, result := taskInputs(t, f, "IV.2")
	status.SetCode("hoan_thanh")
	test.Type(result, "Tổ chức 2 buổi tư vấn tại chợ.")
	test.Tap(f.save)
	must(t, s.narrative == nil, "the form stayed open: %s", f.formErr.Text)

	var n app.ReportNarrative
	if err := fx.db.GetRecord(ctx, app.NarrativeID("28261", 2026), &n); err != nil {
		t.Fatal(err)
	}
	line, _ := n.Task("IV.2")
	must(t, n.Year == 2026 && n.Difficulties == "Thiếu cán bộ chuyên trách." && len(n.TypicalCases) == 1 &&
		line.Status == "hoan_thanh" && line.Result == "Tổ chức 2 buổi tư vấn tại chợ." && len(n.Tasks) == 1,
		"stored %+v", n)

	// Opened again: as saved; an edit changes only what was changed.
	test.Tap(s.write)
	f = s.narrative
	must(t, f != nil && f.entry("difficulties").Text == "Thiếu cán bộ chuyên trách.", "reopened without the text")
	status, result = taskInputs(t, f, "IV.2")
	must(t, status.Code() == "hoan_thanh" && result.Text == "Tổ chức 2 buổi tư vấn tại chợ.", "task line not shown again")
	test.Type(f.entry("proposals"), "Đề nghị tỉnh cấp tờ rơi.")
	test.Tap(f.save)
	if err := fx.db.GetRecord(ctx, app.NarrativeID("28261", 2026), &n); err != nil {
		t.Fatal(err)
	}
	line, _ = n.Task("IV.2")
	must(t, n.Proposals == "Đề nghị tỉnh cấp tờ rơi." && line.Status == "hoan_thanh" && n.Difficulties != "", "after the edit %+v", n)
}

// taskInputs returns the status and result inputs of a plan task in the
// narrative form.
func taskInputs(t *testing.T, f *narrativeForm, id string) (*codeSelect, *formEntry) {
	t.Helper()
	tasks := app.CommuneTasks(f.refs, 2026, unitTypeOf(f.refs, f.unit))
	var fields []*field[app.ReportNarrative]
	for _, fl := range f.fields {
		if fl.key == "tasks" {
			fields = append(fields, fl)
		}
	}
	must(t, len(fields) == 2*len(tasks), "%d task inputs for %d tasks", len(fields), len(tasks))
	for i, task := range tasks {
		if task.ID == id {
			return fields[2*i].input.(*codeSelect), fields[2*i+1].input.(*formEntry)
		}
	}
	t.Fatalf("no task %s in Biểu 5 of the form", id)
	return nil, nil
}
