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
	// The slices are made at their size: growing them by appending would
	// hold the old and the new array at once (tens of megabytes). The
	// count is a hint: a case written meanwhile is appended all the same.
	// It is taken before the two cursors open (the pool may have only two
	// connections). Both cursors order by id in bytes, as Go compares.
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM case_list c WHERE `+cond, args...).Scan(&n); err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	facts := make([]app.CaseFacts, 0, n)
	received := make([]string, 0, n) // received_at as stored, the order's first key
	// Every fact is a column of case_list (caseIndex): no document is read.
	cases, err := db.r.QueryContext(ctx, `SELECT `+listCaseColumns+`, c.received_at,
			c.transaction_type, c.issue_types, c.forwarded_to
		FROM case_list c WHERE `+cond+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	defer cases.Close()
	// A second connection, in a goroutine of its own, reads the steps
	// while this one reads the cases: the two cores share the work.
	stepQ := `SELECT ` + stepColumns + ` FROM case_events e`
	if unit != "" {
		stepQ += ` WHERE e.case_id IN (SELECT c.id FROM case_list c WHERE ` + cond + `)`
	}
	steps, err := db.r.QueryContext(ctx, stepQ+` ORDER BY e.case_id, e.at, e.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("kpi case steps: %w", err)
	}
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	groups := make(chan []caseSteps, 4)
	var stepErr error
	go func() {
		defer close(groups)
		defer steps.Close()
		stepErr = readCaseSteps(gctx, steps, groups)
	}()

	codes := map[string]string{} // the codes, each held once
	// The lists of codes (issue types, vulnerable groups), each held once
	// too: a province's cases share a few hundred; the facts only read them.
	lists := map[string][]string{}
	internList := func(s string) []string {
		l, ok := lists[s]
		if !ok {
			l = parseList(s)
			lists[s] = l
		}
		return l
	}
	intern := func(s *string) {
		if v, ok := codes[*s]; ok {
			*s = v
		} else {
			codes[*s] = *s
		}
	}
	var batch []caseSteps // the groups of steps received, not yet merged
	more := true
	// stepsOf returns the steps of case id: groups of lower ids (cases
	// not read: voided, or another commune's) are skipped.
	stepsOf := func(id string) []app.CaseEvent {
		for more {
			for len(batch) > 0 && batch[0].id < id {
				batch = batch[1:]
			}
			if len(batch) > 0 {
				if batch[0].id == id {
					evs := batch[0].evs
					batch = batch[1:]
					return evs
				}
				return nil
			}
			batch, more = <-groups
		}
		return nil
	}
	for cases.Next() {
		var at, issues, tt, fwd string
		c, err := scanListCase(extraCols{cases, []any{&at, &tt, &issues, &fwd}})
		if err != nil {
			return nil, err
		}
		c.TransactionType, c.ForwardedTo, c.IssueTypes = tt, fwd, internList(issues)
		c.VulnerableGroups = internList(formatList(c.VulnerableGroups))
		for _, s := range []*string{&c.UnitCode, &c.Kind, &c.Channel, &c.Sector, &c.Status, &c.TransactionType, &c.ForwardedTo} {
			intern(s)
		}
		evs := stepsOf(c.ID)
		facts = append(facts, app.NewCaseFacts(&c, evs, rules, cal))
		received = append(received, at)
	}
	if err := cases.Err(); err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	for range groups { // the steps of cases after the last one read
	}
	if stepErr != nil {
		return nil, fmt.Errorf("kpi case steps: %w", stepErr)
	}
	// KPIData's order: received, then number (ties by id, the order read).
	sort.Stable(factsOrder{facts, received})
	return facts, nil
}

// factsOrder sorts facts by received (as stored, parallel), then number.
type factsOrder struct {
	facts    []app.CaseFacts
	received []string
}

func (o factsOrder) Len() int { return len(o.facts) }
func (o factsOrder) Less(i, j int) bool {
	if a, b := o.received[i], o.received[j]; a != b {
		return a < b
	}
	return o.facts[i].Number < o.facts[j].Number
}
func (o factsOrder) Swap(i, j int) {
	o.facts[i], o.facts[j] = o.facts[j], o.facts[i]
	o.received[i], o.received[j] = o.received[j], o.received[i]
}

// caseSteps are the steps of one case, in time order.
type caseSteps struct {
	id  string
	evs []app.CaseEvent
}

// readCaseSteps reads rows of stepColumns, ordered by case, and sends
// them grouped by case, a batch of groups at a time.
func readCaseSteps(ctx context.Context, rows *sql.Rows, out chan<- []caseSteps) error {
	const batchSize = 256
	var batch []caseSteps
	send := func() bool {
		select {
		case out <- batch:
			batch = make([]caseSteps, 0, batchSize)
			return true
		case <-ctx.Done():
			return false
		}
	}
	// The columns are read as bytes and made strings here: a case's id
	// once for all its steps, the codes (kind, statuses, outcome) held
	// once each. A province has over a million steps.
	var caseID, at, kind, from, to, outcome sql.RawBytes
	codes := map[string]string{}
	code := func(b []byte) string {
		if s, ok := codes[string(b)]; ok { // no allocation to look up
			return s
		}
		s := string(b)
		codes[s] = s
		return s
	}
	for rows.Next() {
		var e app.CaseEvent
		if err := rows.Scan(&caseID, &e.ID, &at, &kind, &from, &to, &outcome, &e.AmountRecovered); err != nil {
			return err
		}
		e.At = parseTime(string(at))
		e.Kind, e.FromStatus, e.ToStatus, e.Outcome = code(kind), code(from), code(to), code(outcome)
		if n := len(batch); n > 0 && batch[n-1].id == string(caseID) {
			e.CaseID = batch[n-1].id
			batch[n-1].evs = append(batch[n-1].evs, e)
			continue
		}
		e.CaseID = string(caseID)
		if len(batch) == batchSize && !send() {
			return ctx.Err()
		}
		batch = append(batch, caseSteps{id: e.CaseID, evs: []app.CaseEvent{e}})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		send()
	}
	return nil
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
