package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"modernc.org/sqlite"

	"bvntd/app"
	"bvntd/cmd/cli"
	"bvntd/seeds/demo"
)

// provinceGenVersion names the stores the generator makes: a store built
// by another version is built again, not reused.
const provinceGenVersion = 3

// provinceSpec is the size of a synthetic province store.
type provinceSpec struct {
	Communes, Years int
	Scale           float64 // 1.0: about 300,000 cases over 102 communes and 5 years
	FirstYear       int
}

// Per commune and year at scale 1.0: 300,000 cases over 102 communes and
// 5 years. The last year is written with 1.6 times as many, because only
// its finished cases (about half) are copied into the earlier years.
const casesPerCommuneYear = 300_000.0 / 102 / 5

const lastYearFactor = 1.6

func (p provinceSpec) lastYear() int { return p.FirstYear + p.Years - 1 }

// now is the province laptop's clock: mid-December of the last year, in
// the morning.
func (p provinceSpec) now() time.Time {
	return time.Date(p.lastYear(), 12, 15, 9, 0, 0, 0, app.ICT)
}

// perYear is how many cases a commune receives in the last year.
func (p provinceSpec) perYear() int {
	f := lastYearFactor
	if p.Years == 1 {
		f = 1
	}
	return max(1, int(math.Round(casesPerCommuneYear*f*p.Scale)))
}

// dir is the store's data folder under work.
func (p provinceSpec) dir(work string) string {
	return filepath.Join(work, fmt.Sprintf("province-g%d-c%d-y%d-s%s", provinceGenVersion, p.Communes, p.Years,
		strconv.FormatFloat(p.Scale, 'f', -1, 64)))
}

// builtMark is the file that says the store in a folder is complete.
const builtMark = "province-built"

// ensureProvince returns the data folder of the store of p under work,
// building it unless a complete one is there.
func ensureProvince(ctx context.Context, work string, p provinceSpec, log io.Writer) (string, error) {
	dir := p.dir(work)
	if _, err := os.Stat(filepath.Join(dir, builtMark)); err == nil {
		return dir, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := buildProvince(ctx, dir, p, log); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, builtMark), []byte(fmt.Sprintf("%+v\n", p)), 0o600)
}

// buildProvince makes a provincial laptop's store in dir as it holds the
// province after its pulls: the last year of every commune is the demo
// generator's work (seeds/demo: cases taken through the workflow with
// their steps, trainings with their registers, outreach events and
// publications, written through the store's own write path), and every
// earlier year a copy of it moved back by whole years (new ids and
// numbers; the cases still open at the end of the last year are left out
// of the earlier years, whose cases are all finished). Then the records
// are marked as the server's (a server version each) and the outbox is
// emptied, as after a pull; one case in 250 is voided.
func buildProvince(ctx context.Context, dir string, p provinceSpec, log io.Writer) error {
	now := p.now()
	clock := func() time.Time { return now }
	db, refs, err := cli.OpenStore(ctx, dir, clock)
	if err != nil {
		return err
	}
	if p.Communes > len(refs.Units) {
		db.Close()
		return fmt.Errorf("%d communes asked, the reference data has %d", p.Communes, len(refs.Units))
	}
	start := time.Now()
	for i, u := range refs.Units[:p.Communes] {
		o := demo.Options{Unit: u.Code, Seed: uint64(1000 + i), Complaints: p.perYear(),
			Trainings: demo.DefaultTrainings, Events: demo.DefaultEvents}
		if _, _, err := demo.Cases(ctx, db, &db.Now, refs, o); err != nil {
			db.Close()
			return fmt.Errorf("commune %s: %w", u.Code, err)
		}
		// Should the demo's year of training and outreach work fail on a
		// save it plans, the commune keeps what was written before (every
		// commune's seed of a 2030 province passes since a person is
		// written before the first register row that names them).
		if _, err := demo.Year(ctx, db, &db.Now, refs, o); err != nil {
			fmt.Fprintf(log, "province: commune %s: the year of training and outreach is incomplete: %v\n", u.Code, err)
		}
		if (i+1)%10 == 0 || i+1 == p.Communes {
			fmt.Fprintf(log, "province: %d of %d communes written (%s)\n", i+1, p.Communes, time.Since(start).Round(time.Second))
		}
	}
	if err := db.Close(); err != nil {
		return err
	}
	if err := copyYears(ctx, filepath.Join(dir, cli.StoreFile), p); err != nil {
		return err
	}
	fmt.Fprintf(log, "province: earlier years copied (%s)\n", time.Since(start).Round(time.Second))
	return nil
}

func init() {
	// shift_years(text, k) moves every date in text back by k years: the
	// year of each "YYYY-MM-DD" that begins a JSON string or the text.
	sqlite.MustRegisterDeterministicScalarFunction("shift_years", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		s, ok := args[0].(string)
		k, ok2 := args[1].(int64)
		if !ok || !ok2 {
			return nil, errors.New("shift_years(text, years)")
		}
		return shiftYears(s, int(k)), nil
	})
	sqlite.MustRegisterDeterministicScalarFunction("shift_number", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		s, ok := args[0].(string)
		k, ok2 := args[1].(int64)
		if !ok || !ok2 {
			return nil, errors.New("shift_number(text, years)")
		}
		return shiftNumber(s, int(k)), nil
	})
}

// shiftNumber moves a case number ("28261-2030-TAG-0042") back by k
// years and its sequence up by 2,000 a year, so that it stays unique (a
// commune numbers fewer than 2,000 cases a year).
func shiftNumber(n string, k int) string {
	if len(n) < 15 || n[5] != '-' || n[10] != '-' {
		return n
	}
	y, err1 := strconv.Atoi(n[6:10])
	seq, err2 := strconv.Atoi(n[len(n)-4:])
	if err1 != nil || err2 != nil {
		return n
	}
	return fmt.Sprintf("%s%04d%s%04d", n[:6], y-k, n[10:len(n)-4], seq+2000*k)
}

var datePrefix = regexp.MustCompile(`(^|")(\d{4})(-\d\d-\d\d)`)

// shiftYears moves the dates of s back by k years. The years copied are
// never leap days' (the last year's cases begin a year before its
// December), so a date stays a date.
func shiftYears(s string, k int) string {
	return datePrefix.ReplaceAllStringFunc(s, func(m string) string {
		q := ""
		if m[0] == '"' {
			q, m = `"`, m[1:]
		}
		y, _ := strconv.Atoi(m[:4])
		if y < 1900 { // the zero time: no date
			return q + m
		}
		return q + fmt.Sprintf("%04d", y-k) + m[4:]
	})
}

// copyYears copies the finished cases (with their steps) and the year's
// trainings, registers, outreach events, publications and notices of the
// store at path into each earlier year, then marks every record as pulled.
func copyYears(ctx context.Context, path string, p provinceSpec) error {
	sq, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer sq.Close()
	sq.SetMaxOpenConns(1)
	if _, err := sq.ExecContext(ctx, `PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	tx, err := sq.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cols := func(table string) ([]string, error) {
		rows, err := tx.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	// The copies of year k have ids ending in "~yk" and numbers k years
	// back (shift_number).
	finished := `(SELECT id FROM case_list WHERE status IN ('dong', 'tu_choi', 'rut_yeu_cau') AND instr(id, '~') = 0)`
	copies := []struct {
		table  string
		change map[string]string
		where  string
	}{
		{"cases", map[string]string{"id": "id || ?1",
			"fields": `json_set(shift_years(fields, ?2), '$.id', id || ?1,
				'$.number', shift_number(json_extract(fields, '$.number'), ?2))`},
			"id IN " + finished},
		{"case_list", map[string]string{"id": "id || ?1",
			"number":           "shift_number(number, ?2)",
			"received_at":      "shift_years(received_at, ?2)",
			"updated_at":       "shift_years(updated_at, ?2)",
			"intake_opened_at": "shift_years(intake_opened_at, ?2)",
			"search_folded":    "replace(search_folded, lower(number), lower(shift_number(number, ?2)))"},
			"id IN " + finished},
		{"case_events", map[string]string{"id": "id || ?1", "case_id": "case_id || ?1", "at": "shift_years(at, ?2)",
			"fields": "json_set(shift_years(fields, ?2), '$.id', id || ?1, '$.case_id', case_id || ?1)"},
			"case_id IN " + finished},
		{"records", map[string]string{"id": "id || ?1",
			"fields": `CASE WHEN entity = 'attendance' THEN json_set(shift_years(fields, ?2), '$.id', id || ?1, '$.session_id', json_extract(fields, '$.session_id') || ?1)
				ELSE json_set(shift_years(fields, ?2), '$.id', id || ?1) END`},
			"entity IN ('training_session', 'attendance', 'outreach_event', 'publication', 'off_premises_notice') AND instr(id, '~') = 0"},
	}
	for k := 1; k < p.Years; k++ {
		for _, c := range copies {
			cs, err := cols(c.table)
			if err != nil {
				return err
			}
			sel := make([]string, len(cs))
			for i, col := range cs {
				sel[i] = col
				if e, ok := c.change[col]; ok {
					sel[i] = e
				}
			}
			q := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s WHERE %s", c.table,
				joinComma(cs), joinComma(sel), c.table, c.where)
			if _, err := tx.ExecContext(ctx, q, fmt.Sprintf("~y%d", k), k); err != nil {
				return fmt.Errorf("copy %s: %w", c.table, err)
			}
		}
	}
	// One case in 250 was recorded by mistake and voided.
	for _, q := range []string{
		`UPDATE case_list SET voided = 1 WHERE rowid % 250 = 3`,
		`UPDATE cases SET fields = json_set(fields, '$.voided', json('true'), '$.void_reason', 'Ghi trùng với vụ việc khác.')
			WHERE id IN (SELECT id FROM case_list WHERE voided)`,
		`UPDATE cases SET server_version = 1 WHERE server_version = 0`,
		`UPDATE case_events SET server_version = 1 WHERE server_version = 0`,
		`UPDATE records SET server_version = 1 WHERE server_version = 0`,
		`DELETE FROM outbox`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = sq.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}
