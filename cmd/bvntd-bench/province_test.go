package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/cmd/cli"
	"bvntd/storage"
)

// benchProvince is the province store the benchmarks run on: 20 communes,
// 5 years at scale 0.1 (about 5,800 cases), built once and kept under the
// system's temporary folder (its name holds the generator's version, so
// that a changed generator builds a new one).
var benchProvince = provinceSpec{Communes: 20, Years: 5, Scale: 0.1, FirstYear: 2026}

func provinceStore(tb testing.TB) (string, provinceSpec) {
	tb.Helper()
	quiet(tb)
	dir, err := ensureProvince(context.Background(), filepath.Join(os.TempDir(), "bvntd-bench-province"), benchProvince, os.Stderr)
	if err != nil {
		tb.Fatal(err)
	}
	return dir, benchProvince
}

// openProvince opens the benchmarks' store as the window does.
func openProvince(tb testing.TB) (*storage.DB, provinceSpec) {
	tb.Helper()
	dir, spec := provinceStore(tb)
	now := spec.now()
	db, _, err := cli.OpenStore(context.Background(), dir, func() time.Time { return now })
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, spec
}

// The window's first list: open the store (without the check of the
// file at start, which reads it all), read the first page (the list
// index is made).
func BenchmarkProvinceFirstList(b *testing.B) {
	dir, spec := provinceStore(b)
	now := spec.now()
	ctx := context.Background()
	for b.Loop() {
		db, err := openUnchecked(ctx, dir, func() time.Time { return now })
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.CasePage(ctx, app.CaseQuery{}, app.CaseFilter{}, 0, storage.CasePageSize, now); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// benchPages reads pages of q and f, the next one each time (wrapping
// round) when scroll is set, else the first.
func benchPages(b *testing.B, q app.CaseQuery, f app.CaseFilter, scroll bool) {
	db, spec := openProvince(b)
	ctx, now := context.Background(), spec.now()
	first, err := db.CasePage(ctx, q, f, 0, storage.CasePageSize, now)
	if err != nil || first.Total == 0 {
		b.Fatalf("%d rows, %v", first.Total, err)
	}
	off := 0
	for b.Loop() {
		if scroll {
			if off += storage.CasePageSize; off >= first.Total {
				off = 0
			}
		}
		if _, err := db.CasePage(ctx, q, f, off, storage.CasePageSize, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProvinceNextPage(b *testing.B) {
	benchPages(b, app.CaseQuery{}, app.CaseFilter{}, true)
}

func BenchmarkProvinceNextPageByDeadline(b *testing.B) {
	benchPages(b, app.CaseQuery{Sort: app.SortDue}, app.CaseFilter{}, true)
}

func BenchmarkProvinceFilterStatus(b *testing.B) {
	benchPages(b, app.CaseQuery{}, app.CaseFilter{Status: app.StatusInProgress}, false)
}

func BenchmarkProvinceFilterOverdue(b *testing.B) {
	benchPages(b, app.CaseQuery{Sort: app.SortDue}, app.CaseFilter{Overdue: true}, false)
}

func BenchmarkProvinceSearchName(b *testing.B) {
	benchPages(b, app.CaseQuery{Text: "nguyen van an"}, app.CaseFilter{}, false)
}

func BenchmarkProvinceSearchPrefix(b *testing.B) {
	benchPages(b, app.CaseQuery{Text: "nguyen"}, app.CaseFilter{}, false)
}

// The command builds a small province, reuses it, and prints a row per
// measurement with its target.
func TestProvince_BuildsOnceAndMeasures(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a province store")
	}
	quiet(t)
	work := t.TempDir()
	args := []string{"--work", work, "--communes", "3", "--years", "3", "--scale", "0.05", "--runs", "2",
		"--only", `search "nguyen van an";filter: overdue`}
	var out, errs bytes.Buffer
	if code := runProvinceWith(args, &out, &errs, true); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	for _, want := range []string{`| search "nguyen van an" |`, "| filter: overdue |", "p95 ≤ 100ms", "cases"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("no %q in\n%s", want, out.String())
		}
	}
	if !strings.Contains(errs.String(), "communes written") {
		t.Fatalf("the store was not built: %s", errs.String())
	}
	errs.Reset()
	if code := runProvinceWith(args, &out, &errs, true); code != 0 || strings.Contains(errs.String(), "communes written") {
		t.Fatalf("second run: exit %d, built again: %s", code, errs.String())
	}
}
