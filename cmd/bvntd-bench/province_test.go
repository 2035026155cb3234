package main

import (
	"bytes"
	"context"
	"fmt"
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

// benchPages reads pages: the next one of the same list each time
// (wrapping round) with scroll, else the first page of a new list each
// time, cycling through qs and fs (more than the store keeps, so that
// each answer is made: the officer types another search, ticks another
// filter).
func benchPages(b *testing.B, qs []app.CaseQuery, fs []app.CaseFilter, scroll bool) {
	db, spec := openProvince(b)
	ctx, now := context.Background(), spec.now()
	first, err := db.CasePage(ctx, qs[0], fs[0], 0, storage.CasePageSize, now)
	if err != nil || first.Total == 0 {
		b.Fatalf("%d rows, %v", first.Total, err)
	}
	off, r := 0, 0
	for b.Loop() {
		if scroll {
			if off += storage.CasePageSize; off >= first.Total {
				off = 0
			}
		} else {
			r++
		}
		if _, err := db.CasePage(ctx, qs[r%len(qs)], fs[r%len(fs)], off, storage.CasePageSize, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProvinceNextPage(b *testing.B) {
	benchPages(b, newest, noFilter, true)
}

func BenchmarkProvinceNextPageByDeadline(b *testing.B) {
	benchPages(b, []app.CaseQuery{{Sort: app.SortDue}}, noFilter, true)
}

func BenchmarkProvinceFilterStatus(b *testing.B) {
	benchPages(b, newest, statusFilters, false)
}

func BenchmarkProvinceFilterOverdue(b *testing.B) {
	benchPages(b, []app.CaseQuery{{Sort: app.SortDue}}, overdueFilters, false)
}

func BenchmarkProvinceSearchName(b *testing.B) {
	benchPages(b, texts(app.SortNewest, "nguyen van an", "tran thi lan", "le van hung", "pham thi mai", "nguyen thi hoa"), noFilter, false)
}

func BenchmarkProvinceSearchPrefix(b *testing.B) {
	benchPages(b, texts(app.SortNewest, "nguyen", "tran", "le", "pham", "huynh"), noFilter, false)
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
		"--only", `search a full name ("nguyen van an", 5 names in turn);filter: each status in turn`}
	var out, errs bytes.Buffer
	if code := runProvinceWith(args, &out, &errs, true); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	for _, want := range []string{`| search a full name ("nguyen van an", 5 names in turn) |`, "| filter: each status in turn |", "p95 ≤ 100ms", "cases"} {
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

// The measurements of the facts kept in the background run on a small
// province: the first keeps every case's facts, the dashboard after it
// reads them, after a small pull the missing are kept, the checks with
// every case kept keep none.
func TestProvince_FactsKeptInTheBackground(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a province store")
	}
	quiet(t)
	names := []string{
		"facts kept in the background after a big pull (none kept, then KeepCaseFacts)",
		"dashboard, whole province, right after the facts were kept in the background",
		"facts kept in the background after a small pull (100 cases' facts missing, spread over the store)",
		"facts kept in the background after a pull of 100 new cases (the newest 100 cases' facts missing)",
		"facts kept in the background, every case's kept already: the window's first check",
		"facts kept in the background, every case's kept already: the checks after each sync",
	}
	args := []string{"--work", t.TempDir(), "--communes", "3", "--years", "2", "--scale", "0.02", "--runs", "2",
		"--only", strings.Join(names, ";")}
	var out, errs bytes.Buffer
	if code := runProvinceWith(args, &out, &errs, true); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	for _, name := range names {
		if !strings.Contains(out.String(), "| "+name+" |") {
			t.Fatalf("no %q in\n%s", name, out.String())
		}
	}
	// The first keeps every case's facts: as many as the store's cases.
	var cases int
	if _, err := fmt.Sscanf(out.String()[strings.Index(out.String(), ": ")+2:], "%d cases", &cases); err != nil || cases == 0 {
		t.Fatalf("no count of cases in\n%s (%v)", out.String(), err)
	}
	if want := fmt.Sprintf("| %s | %d |", names[0], cases); !strings.Contains(out.String(), want) {
		t.Fatalf("no %q in\n%s", want, out.String())
	}
}
