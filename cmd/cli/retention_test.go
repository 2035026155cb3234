package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// TestRetention_AnnualWorkbookUnchanged: a commune's demo year, ten years
// and more later: `bvntd retention` anonymises its closed cases and its
// participants, and the annual workbook of that year (`bvntd export
// --report annual --year`) is byte-identical before and after — its
// figures never read a personal field, and an anonymised case keeps the
// steps its end is dated by.
func TestRetention_AnnualWorkbookUnchanged(t *testing.T) {
	dir := t.TempDir()
	clk := clocktest.New(time.Date(2026, 11, 20, 9, 0, 0, 0, app.ICT))
	setClock(t, clk)
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "40", "--seed", "5"); err != nil {
		t.Fatal(err)
	}
	later := time.Date(2037, 2, 3, 10, 0, 0, 0, app.ICT)
	export := func(name string) []byte {
		t.Helper()
		clk.Set(later) // the workbook's "prepared on" is the same day
		out := filepath.Join(t.TempDir(), name)
		if _, _, err := run(t, "export", "--data", dir, "--report", "annual", "--year", "2026", "--out", out); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	before := export("truoc.xlsx")
	if again := export("lai.xlsx"); !bytes.Equal(before, again) {
		t.Fatal("two exports of one store differ: the workbook is not deterministic")
	}

	// A dry run lists and changes nothing.
	clk.Set(later)
	out, _, err := run(t, "retention", "--data", dir, "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Chạy thử, chưa thay đổi gì. Sẽ ẩn danh hóa") || !strings.Contains(out, "Vụ việc: 28261-20") {
		t.Fatalf("dry run printed:\n%s", out)
	}
	ctx := context.Background()
	countAnonymised := func() (cases, total int) {
		t.Helper()
		db, _, err := OpenStore(ctx, dir, testNow(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		all, err := db.ListCases(ctx, app.CaseQuery{IncludeVoided: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			if c.AnonymisedOn != "" {
				cases++
				if c.ConsumerPhone != "" || !app.IsInitials(c.ConsumerName) {
					t.Errorf("case %s anonymised but holds %q %q", c.Number, c.ConsumerName, c.ConsumerPhone)
				}
			}
		}
		return cases, len(all)
	}
	if n, _ := countAnonymised(); n != 0 {
		t.Fatalf("the dry run anonymised %d cases", n)
	}

	clk.Set(later)
	out, _, err = run(t, "retention", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Đã ẩn danh hóa") {
		t.Fatalf("run printed:\n%s", out)
	}
	n, total := countAnonymised()
	if n == 0 || n == total {
		t.Fatalf("%d of %d cases anonymised: the demo's closed cases only were due", n, total)
	}
	t.Logf("%d of %d cases anonymised; printed:\n%s", n, total, out)

	if after := export("sau.xlsx"); !bytes.Equal(before, after) {
		t.Fatal("the annual workbook of 2026 changed after anonymisation")
	}

	// The period is a setting of the device: given once, kept.
	clk.Set(later)
	if _, _, err := run(t, "retention", "--data", dir, "--case-years", "12", "--participant-years", "6"); err != nil {
		t.Fatal(err)
	}
	db, _, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	r, err := db.Retention(ctx)
	db.Close()
	if err != nil || r != (app.Retention{CaseYears: 12, ParticipantYears: 6}) {
		t.Fatalf("setting = %+v, %v", r, err)
	}
	if _, _, err := run(t, "retention", "--data", dir, "--case-years", "-1"); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("--case-years -1: %v", err)
	}
}
