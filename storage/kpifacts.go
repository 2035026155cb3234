package storage

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"bvntd/app"
)

// KPIFacts is KPIData with each case read as its facts (app.CaseFacts)
// instead of the case and its steps: the dashboard and the annual report
// compute the same figures from it (app.ComputeKPIs), but the store reads
// the cases and their steps a case at a time, from the index columns and
// the steps' covering index, without decoding a document, and keeps only
// the facts. On a province's store of 300,000 cases and 1.2 million steps
// that is a fraction of the time and memory of KPIData. d.Cases and
// d.Events are empty; d.Facts are in KPIData's order of the cases
// (received, then number).
func (db *DB) KPIFacts(ctx context.Context, unit string) (*app.KPIData, error) {
	d := &app.KPIData{Now: db.Now()}
	var err error
	if d.SlaRules, d.Calendar, err = db.deadlineRules(ctx); err != nil {
		return nil, err
	}
	if d.Facts, err = db.caseFacts(ctx, unit, d.SlaRules, d.Calendar); err != nil {
		return nil, err
	}
	if err := db.kpiRecords(ctx, unit, d); err != nil {
		return nil, err
	}
	return d, nil
}

// caseFacts reads the facts of the cases of unit ("" for all) that are not
// voided: the cases and the steps are two cursors in the order of the
// case ids, merged, so that one case's steps are in memory at a time.
func (db *DB) caseFacts(ctx context.Context, unit string, rules []app.SlaRule, cal *app.Calendar) ([]app.CaseFacts, error) {
	cond, args := `NOT c.voided`, []any(nil)
	if unit != "" {
		cond += ` AND c.unit_code = ?`
		args = append(args, unit)
	}
	// The facts the list columns lack are read from the document.
	cases, err := db.r.QueryContext(ctx, `SELECT `+listCaseColumns+`, c.received_at,
			coalesce(json_extract(d.fields, '$.transaction_type'), ''),
			coalesce(json_extract(d.fields, '$.issue_types'), '[]'),
			coalesce(json_extract(d.fields, '$.forwarded_to'), '')
		FROM case_list c JOIN cases d ON d.id = c.id WHERE `+cond+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	defer cases.Close()
	// A second connection reads the steps while the first reads the cases.
	stepQ := `SELECT ` + stepColumns + ` FROM case_events e`
	if unit != "" {
		stepQ += ` WHERE e.case_id IN (SELECT c.id FROM case_list c WHERE ` + cond + `)`
	}
	steps, err := db.r.QueryContext(ctx, stepQ+` ORDER BY e.case_id, e.at, e.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("kpi case steps: %w", err)
	}
	defer steps.Close()

	codes := map[string]string{} // the codes, each held once
	intern := func(s *string) {
		if v, ok := codes[*s]; ok {
			*s = v
		} else {
			codes[*s] = *s
		}
	}
	next := func() (app.CaseEvent, bool, error) {
		var e app.CaseEvent
		if !steps.Next() {
			return e, false, steps.Err()
		}
		var at string
		if err := steps.Scan(&e.CaseID, &e.ID, &at, &e.Kind, &e.FromStatus, &e.ToStatus, &e.Outcome, &e.AmountRecovered); err != nil {
			return e, false, err
		}
		e.At = parseTime(at)
		intern(&e.ToStatus)
		return e, true, nil
	}
	type keyed struct {
		received, number string
	}
	var out []app.CaseFacts
	var keys []keyed
	var evs []app.CaseEvent
	step, more, err := next()
	if err != nil {
		return nil, err
	}
	for cases.Next() {
		var received, issues string
		var tt, fwd string
		c, err := scanListCase(extraCols{cases, []any{&received, &tt, &issues, &fwd}})
		if err != nil {
			return nil, err
		}
		c.TransactionType, c.ForwardedTo, c.IssueTypes = tt, fwd, parseList(issues)
		// Steps of cases not read (voided, or another commune's) are
		// skipped; the steps of c are gathered.
		evs = evs[:0]
		for more && step.CaseID <= c.ID {
			if step.CaseID == c.ID {
				evs = append(evs, step)
			}
			if step, more, err = next(); err != nil {
				return nil, err
			}
		}
		for _, s := range []*string{&c.UnitCode, &c.Kind, &c.Channel, &c.Sector, &c.Status, &c.TransactionType, &c.ForwardedTo} {
			intern(s)
		}
		out = append(out, app.NewCaseFacts(&c, evs, rules, cal))
		keys = append(keys, keyed{received, c.Number})
	}
	if err := cases.Err(); err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	// KPIData's order: received, then number (ties by id, the order read).
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := keys[idx[i]], keys[idx[j]]
		if a.received != b.received {
			return a.received < b.received
		}
		return a.number < b.number
	})
	sorted := make([]app.CaseFacts, len(out))
	for i, k := range idx {
		sorted[i] = out[k]
	}
	return sorted, nil
}

// extraCols scans the index columns of a case (scanListCase) followed by
// more columns.
type extraCols struct {
	rows  *sql.Rows
	extra []any
}

func (s extraCols) Scan(dst ...any) error {
	return s.rows.Scan(append(dst, s.extra...)...)
}
