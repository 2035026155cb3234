package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/seeds/demo"
	"bvntd/storage"
)

// The register streamed from the store (storage.Register,
// xlsx.WriteRegisterStream) is the register written from the store's
// KPIData (xlsx.WriteRegister, as the server writes it): every part of
// the file is byte for byte the same, for the province and for one
// commune, masked or not, over a period that leaves cases out.
func TestExportRegister_StreamMatchesKPIData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, refs, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, u := range []string{"28261", "28249", "29905"} {
		if err := demo.Write(ctx, db, &db.Now, refs, demo.Options{Unit: u, Seed: uint64(20 + i), Complaints: 30 + 15*i}); err != nil {
			t.Fatal(err)
		}
	}
	// A case whose summary quotes the personal values the list columns
	// leave out (the representative, the old address, the birth date): a
	// masked register must scrub them when it streams too.
	all, err := db.ListCases(ctx, app.CaseQuery{})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(all, func(c app.Case) bool { return c.UnitCode == "28249" && !c.Voided })
	if i < 0 {
		t.Fatal("no case of 28249")
	}
	quoted := all[i]
	changes := map[string]json.RawMessage{
		"representative_name":  json.RawMessage(`"Trần Văn Đại Diện"`),
		"consumer_old_address": json.RawMessage(`"Số 7 ấp Tân Hòa Cũ"`),
		"consumer_birth_date":  json.RawMessage(`"1990-05-07"`),
		"summary":              json.RawMessage(`"Ông Trần Văn Đại Diện (sinh 07/05/1990, trước ở Số 7 ấp Tân Hòa Cũ) đại diện người mua khiếu nại."`),
	}
	if err := db.Edit(ctx, app.EntityCase, quoted.ID, 0, changes); err != nil {
		t.Fatal(err)
	}
	now := db.Now().In(app.ICT)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, app.ICT)
	periods := []app.KPIPeriod{
		{From: time.Date(2000, 1, 1, 0, 0, 0, 0, app.ICT), To: today, Label: "Đến ngày"},
		{From: today.AddDate(0, -4, 0), To: today.AddDate(0, 0, -20)},
		app.ReportYear(app.ReportYearOf(now)),
	}
	for _, unit := range []string{"", "28249"} {
		d, err := db.KPIData(ctx, unit)
		if err != nil {
			t.Fatal(err)
		}
		for pi, p := range periods {
			for _, mask := range []bool{false, true} {
				name := fmt.Sprintf("unit %q period %d mask %v", unit, pi, mask)
				opt := xlsx.RegisterOptions{Unit: unit, Period: p, Mask: mask, Refs: refs, Printed: d.Now}
				var mem, stream bytes.Buffer
				n1, err := xlsx.WriteRegister(ctx, &mem, d, opt)
				if err != nil {
					t.Fatal(name, err)
				}
				reg, err := db.Register(ctx, storage.RegisterQuery{Unit: unit, Period: p})
				if err != nil {
					t.Fatal(name, err)
				}
				n2, err := xlsx.WriteRegisterStream(ctx, &stream, reg, opt)
				if err != nil {
					t.Fatal(name, err)
				}
				if n1 != n2 || n1 == 0 && pi == 0 {
					t.Fatalf("%s: %d cases in memory, %d streamed", name, n1, n2)
				}
				a, b := zipParts(t, mem.Bytes()), zipParts(t, stream.Bytes())
				if mask && (unit == "" || unit == "28249") && pi == 0 {
					for part, x := range b {
						for _, v := range []string{"Đại Diện", "07/05/1990", "Tân Hòa Cũ"} {
							if bytes.Contains(x, []byte(v)) {
								t.Errorf("%s: the masked register's %s holds %q", name, part, v)
							}
						}
					}
				}
				if len(a) != len(b) {
					t.Fatalf("%s: %d parts in memory, %d streamed", name, len(a), len(b))
				}
				for part, x := range a {
					if y, ok := b[part]; !ok || !bytes.Equal(x, y) {
						t.Errorf("%s: part %s differs (%d and %d bytes)", name, part, len(x), len(y))
					}
				}
			}
		}
	}
}

// zipParts returns the uncompressed parts of a zip file by name.
func zipParts(t testing.TB, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// buildRegisterStore makes a provincial store in dir with about n cases:
// demo cases of a few communes (2,000 in all), copied with SQL (new ids
// and numbers, the same steps) until there are n.
func buildRegisterStore(tb testing.TB, dir string, n int) {
	tb.Helper()
	ctx := context.Background()
	db, refs, err := OpenStore(ctx, dir, testNow(tb))
	if err != nil {
		tb.Fatal(err)
	}
	units := []string{"28261", "28249", "29905", "30001"}
	for i, u := range units {
		if _, ok := refs.Unit(u); !ok {
			u = refs.Units[i*7%len(refs.Units)].Code
		}
		if err := demo.Write(ctx, db, &db.Now, refs, demo.Options{Unit: u, Seed: uint64(100 + i), Complaints: 2000 / len(units)}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	sq, err := sql.Open("sqlite", filepath.Join(dir, StoreFile))
	if err != nil {
		tb.Fatal(err)
	}
	defer sq.Close()
	cols := func(table string) []string {
		rows, err := sq.Query(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
		if err != nil {
			tb.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				tb.Fatal(err)
			}
			out = append(out, c)
		}
		return out
	}
	copySQL := func(table string, change map[string]string, where string) string {
		cs := cols(table)
		sel := make([]string, len(cs))
		for i, c := range cs {
			sel[i] = c
			if e, ok := change[c]; ok {
				sel[i] = e
			}
		}
		return fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s WHERE %s", table,
			strings.Join(cs, ", "), strings.Join(sel, ", "), table, where)
	}
	var base int
	if err := sq.QueryRow(`SELECT count(*) FROM cases`).Scan(&base); err != nil {
		tb.Fatal(err)
	}
	if _, err := sq.Exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF`); err != nil {
		tb.Fatal(err)
	}
	tx, err := sq.Begin()
	if err != nil {
		tb.Fatal(err)
	}
	// Copies have ids and numbers ending in "~c1", "~c2", …, in the cases'
	// documents, their list columns and their steps alike.
	casesQ := copySQL("cases", map[string]string{"id": "id || '~' || ?1",
		"fields": "json_set(fields, '$.id', id || '~' || ?1, '$.number', json_extract(fields, '$.number') || '~' || ?1)"},
		"instr(id, '~') = 0")
	listQ := copySQL("case_list", map[string]string{"id": "id || '~' || ?1", "number": "number || '~' || ?1"}, "instr(id, '~') = 0")
	eventsQ := copySQL("case_events", map[string]string{"id": "id || '~' || ?1", "case_id": "case_id || '~' || ?1",
		"fields": "json_set(fields, '$.id', id || '~' || ?1, '$.case_id', case_id || '~' || ?1)"}, "instr(id, '~') = 0")
	for k := 1; base*k < n; k++ {
		tag := fmt.Sprintf("c%d", k)
		for _, q := range []string{casesQ, listQ, eventsQ} {
			if _, err := tx.Exec(q, tag); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// BVNTD_REGISTER_STORE=DIR go test -tags ci ./cmd/cli -run TestMakeRegisterStore
// makes a store of 100,000 cases in DIR (BVNTD_REGISTER_CASES=N for
// another number), to time the export with `bvntd export --data DIR
// --report register --from 01/01/2000`, or the province's reports with
// `bvntd-bench store --data DIR`.
func TestMakeRegisterStore(t *testing.T) {
	dir := os.Getenv("BVNTD_REGISTER_STORE")
	if dir == "" {
		t.Skip("set BVNTD_REGISTER_STORE to a directory")
	}
	if _, err := os.Stat(filepath.Join(dir, StoreFile)); err == nil {
		t.Skipf("%s holds a store already", dir)
	}
	n := 100_000
	if v := os.Getenv("BVNTD_REGISTER_CASES"); v != "" {
		if _, err := fmt.Sscan(v, &n); err != nil {
			t.Fatalf("BVNTD_REGISTER_CASES: %v", err)
		}
	}
	buildRegisterStore(t, dir, n)
}

// BenchmarkRegisterExport100k exports the province's register of a store
// of 100,000 cases: that of BVNTD_REGISTER_STORE if set and made
// (TestMakeRegisterStore), else one it makes.
func BenchmarkRegisterExport100k(b *testing.B) {
	dir := os.Getenv("BVNTD_REGISTER_STORE")
	if _, err := os.Stat(filepath.Join(dir, StoreFile)); dir == "" || err != nil {
		dir = b.TempDir()
		buildRegisterStore(b, dir, 100_000)
	}
	out := filepath.Join(b.TempDir(), "r.xlsx")
	b.ResetTimer()
	for range b.N {
		m := &Main{Stdout: io.Discard, Stderr: io.Discard, Now: testNow(b)}
		if err := m.Run(context.Background(), []string{"export", "--data", dir, "--report", "register",
			"--from", "01/01/2000", "--out", out}); err != nil {
			b.Fatal(err)
		}
	}
}
