package storage

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"bvntd/app"
)

// kpiMemoryLimit is the soft memory limit while KPIFacts reads (see
// app.LowerMemoryLimit).
const kpiMemoryLimit = 400 << 20

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
	// A province's facts are a few hundred megabytes while they are read:
	// collect before the heap doubles them (the 600 MB budget).
	defer app.LowerMemoryLimit(kpiMemoryLimit)()
	d := &app.KPIData{Now: db.Now()}
	rules, cal, err := db.deadlineRules(ctx)
	if err != nil {
		return nil, err
	}
	// The records of the training and outreach work are read meanwhile,
	// once the cases' and the steps' cursors hold their connections: the
	// steps are read long before the cases, and a core would wait.
	lists := &app.KPIData{}
	listed := make(chan error, 1)
	started := false
	facts, wait, err := db.caseFacts(ctx, unit, rules, cal, func() {
		started = true
		go func() { listed <- db.kpiLists(ctx, unit, lists) }()
	})
	if started {
		if lerr := <-listed; err == nil {
			err = lerr
		}
	}
	if err != nil {
		return nil, err
	}
	d.Officers, d.Organisations, d.Participants, d.Sessions, d.Attendance = lists.Officers, lists.Organisations,
		lists.Participants, lists.Sessions, lists.Attendance
	d.Outreach, d.Publications, d.Narratives, d.Notices = lists.Outreach, lists.Publications, lists.Narratives, lists.Notices
	d.Facts = facts
	err = db.kpiOthers(ctx, unit, d)
	wait() // the facts computed kept, before the store may close
	if err != nil {
		return nil, err
	}
	return d, nil
}

// caseFacts reads the facts of the cases of unit ("" for all) that are not
// voided: each case's row of case_list with its kept facts
// (kpifacts_cache.go). The cases without them are computed from their
// steps and kept: when they are many (the first reading, or after a pull
// or a new calendar), the cases and all the steps are two cursors in the
// order of the case ids, merged, so that one case's steps are in memory at
// a time; when few, their steps are read by id after the cases.
//
// opened, if not nil, is called once the cursors are open. The returned
// wait waits for the facts computed to be kept (best-effort).
func (db *DB) caseFacts(ctx context.Context, unit string, rules []app.SlaRule, cal *app.Calendar, opened func()) (_ []app.CaseFacts, wait func(), _ error) {
	wait = func() {}
	cond, args := `NOT c.voided`, []any(nil)
	if unit != "" {
		cond += ` AND c.unit_code = ?`
		args = append(args, unit)
	}
	cache := db.readFactsCache(ctx, rules, cal)
	// The slices are made at their size: growing them by appending would
	// hold the old and the new array at once (tens of megabytes). The
	// count is a hint: a case written meanwhile is appended all the same.
	// It is taken before the two cursors open (the pool may have only two
	// connections). Both cursors order by id in bytes, as Go compares.
	var n, kept int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM case_list c WHERE `+cond, args...).Scan(&n); err != nil {
		return nil, wait, fmt.Errorf("kpi cases: %w", err)
	}
	factsCol := `NULL`
	if cache.usable {
		factsCol = `(SELECT f.facts FROM case_facts f WHERE f.case_id = c.id)`
		// How many cases have theirs, at most (a hint: those of other
		// communes count too).
		if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM case_facts`).Scan(&kept); err != nil {
			return nil, wait, fmt.Errorf("kpi cases: %w", err)
		}
	}
	stream := n-kept > stepsByID
	facts := make([]app.CaseFacts, 0, n)
	received := make([]string, 0, n) // received_at as stored, the order's first key
	// Every fact is a column of case_list (caseIndex): no document is read,
	// and of the columns only those the facts keep (factCaseColumns).
	cases, err := db.r.QueryContext(ctx, `SELECT `+factCaseColumns+`, `+factsCol+`
		FROM case_list c WHERE `+cond+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, wait, fmt.Errorf("kpi cases: %w", err)
	}
	defer cases.Close()
	// stepsOf returns the steps of case id when all the steps are read.
	stepsOf := func(string) []app.CaseEvent { return nil }
	var stepErr error
	groups := make(chan []caseSteps, 4)
	if stream {
		// A second connection, in a goroutine of its own, reads the steps
		// while this one reads the cases: the two cores share the work.
		stepQ := `SELECT ` + factStepColumns + ` FROM case_events e`
		if unit != "" {
			stepQ += ` WHERE e.case_id IN (SELECT c.id FROM case_list c WHERE ` + cond + `)`
		}
		steps, err := db.r.QueryContext(ctx, stepQ+` ORDER BY e.case_id, e.at, e.id`, args...)
		if err != nil {
			return nil, wait, fmt.Errorf("kpi case steps: %w", err)
		}
		gctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			defer close(groups)
			defer steps.Close()
			stepErr = readCaseSteps(gctx, steps, groups)
		}()
		var batch []caseSteps // the groups of steps received, not yet merged
		more := true
		// Groups of lower ids (cases not read: voided, or another
		// commune's) are skipped.
		stepsOf = func(id string) []app.CaseEvent {
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
	} else {
		close(groups)
	}
	if opened != nil {
		opened()
	}

	code := heldStrings{}.of // the codes, each held once
	// The lists of codes (issue types, vulnerable groups), each held once
	// too: a province's cases share a few hundred; the facts only read them.
	lists := map[string][]string{}
	internList := func(b []byte) []string {
		l, ok := lists[string(b)]
		if !ok {
			l = parseList(string(b))
			lists[string(b)] = l
		}
		return l
	}
	var (
		codesCol, keptCol sql.RawBytes
		f                 [factCodeFields][]byte
		missing           []missingCase // cases without their facts, when not streamed
		computed          []int         // positions of the facts computed here, to keep
	)
	for cases.Next() {
		var c app.Case
		if err := cases.Scan(&c.ID, &c.Number, &c.ConsumerName, &codesCol, &keptCol); err != nil {
			return nil, wait, err
		}
		if !splitFields(codesCol, f[:]) {
			return nil, wait, fmt.Errorf("kpi cases: case %s: %d columns joined, not %d", c.ID, bytes.Count(codesCol, []byte{0x1f})+1, len(f))
		}
		at := string(f[0])
		c.ReceivedAt, c.UpdatedAt = parseTime(at), parseTime(string(f[1]))
		c.UnitCode, c.Channel, c.Kind, c.Sector = code(f[2]), code(f[3]), code(f[4]), code(f[5])
		c.Status, c.Voided, c.Restricted = code(f[6]), string(f[7]) == "1", string(f[8]) == "1"
		c.TransactionType, c.ForwardedTo = code(f[9]), code(f[10])
		c.VulnerableGroups, c.IssueTypes = internList(f[11]), internList(f[12])
		evs := stepsOf(c.ID)
		received = append(received, at)
		if keptCol != nil {
			cf := app.CaseOnlyFacts(&c)
			if decodeStepFacts(keptCol, &cf, code) {
				facts = append(facts, cf)
				continue
			}
		}
		if stream {
			facts = append(facts, app.NewCaseFacts(&c, evs, rules, cal))
		} else {
			facts = append(facts, app.CaseFacts{})
			missing = append(missing, missingCase{len(facts) - 1, c})
		}
		computed = append(computed, len(facts)-1)
	}
	if err := cases.Err(); err != nil {
		return nil, wait, fmt.Errorf("kpi cases: %w", err)
	}
	cases.Close()
	for range groups { // the steps of cases after the last one read
	}
	if stepErr != nil {
		return nil, wait, fmt.Errorf("kpi case steps: %w", stepErr)
	}
	if err := db.factsOfMissing(ctx, missing, facts, rules, cal); err != nil {
		return nil, wait, err
	}
	missing = nil
	if len(computed) > 0 && cache.writable {
		// Kept meanwhile, in positions of the order read (before the
		// sort below).
		rows := make([]keptFacts, len(computed))
		var buf []byte
		for i, at := range computed {
			start := len(buf)
			buf = appendStepFacts(buf, &facts[at])
			rows[i] = keptFacts{id: facts[at].ID, facts: buf[start:len(buf):len(buf)]}
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			db.storeFacts(context.WithoutCancel(ctx), cache, rows)
		}()
		wait = func() { <-done }
	}
	// KPIData's order: received, then number (ties by id, the order read).
	// The positions are sorted, not the facts (a few hundred bytes each),
	// then the facts are moved once, in place, along the permutation's
	// cycles: no second array of them.
	order := make([]int32, len(facts))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(i, j int32) int {
		if c := strings.Compare(received[i], received[j]); c != 0 {
			return c
		}
		return strings.Compare(facts[i].Number, facts[j].Number)
	})
	received = nil
	for i := range order {
		// Position i takes the facts at order[i]; follow the cycle.
		if order[i] < 0 || int(order[i]) == i {
			continue
		}
		tmp := facts[i]
		j := i
		for {
			k := int(order[j])
			order[j] = -1
			if k == i {
				facts[j] = tmp
				break
			}
			facts[j] = facts[k]
			j = k
		}
	}
	return facts, wait, nil
}

// factCaseColumns are the columns of case_list (as c) the facts of a
// case are read from, in caseFacts' order: the id, number and name, then
// the times, codes, marks and lists of codes joined in one text by 0x1f
// (factCodeFields of them; codes and times never hold one), which the
// driver hands over a column at a time at a cost per column.
const factCaseColumns = `c.id, c.number, c.consumer_name, c.received_at || x'1f' || c.updated_at || x'1f' ||
	c.unit_code || x'1f' || c.channel || x'1f' || c.kind || x'1f' || c.sector || x'1f' || c.status || x'1f' ||
	c.voided || x'1f' || c.restricted || x'1f' || c.transaction_type || x'1f' || c.forwarded_to || x'1f' ||
	c.vulnerable_groups || x'1f' || c.issue_types`

const factCodeFields = 13

// factStepColumns are the columns of a step (on case_events as e) its
// facts are read from (readCaseSteps): its case, then its time, kind,
// statuses, outcome and amount joined by 0x1f (factStepFields); the
// step's id orders them only.
const factStepColumns = `e.case_id, e.at || x'1f' || e.kind || x'1f' || e.from_status || x'1f' || e.to_status || x'1f' ||
	e.outcome || x'1f' || e.amount_recovered`

const factStepFields = 6

// splitFields splits b at each 0x1f into dst (sharing b's bytes) and
// reports whether it held exactly len(dst) fields.
func splitFields(b []byte, dst [][]byte) bool {
	for i := range dst {
		j := bytes.IndexByte(b, 0x1f)
		if i == len(dst)-1 {
			dst[i] = b
			return j < 0
		}
		if j < 0 {
			return false
		}
		dst[i], b = b[:j], b[j+1:]
	}
	return true
}

// caseSteps are the steps of one case, in time order.
type caseSteps struct {
	id  string
	evs []app.CaseEvent
}

// readCaseSteps reads rows of factStepColumns, ordered by case, and sends
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
	var caseID, cols sql.RawBytes
	var f [factStepFields][]byte
	code := heldStrings{}.of
	for rows.Next() {
		var e app.CaseEvent
		if err := rows.Scan(&caseID, &cols); err != nil {
			return err
		}
		if !splitFields(cols, f[:]) {
			return fmt.Errorf("a step of case %s: %d columns joined, not %d", caseID, bytes.Count(cols, []byte{0x1f})+1, len(f))
		}
		amount, err := strconv.ParseInt(string(f[5]), 10, 64)
		if err != nil {
			return fmt.Errorf("a step of case %s: amount %q", caseID, f[5])
		}
		e.At, e.AmountRecovered = parseTime(string(f[0])), amount
		e.Kind, e.FromStatus, e.ToStatus, e.Outcome = code(f[1]), code(f[2]), code(f[3]), code(f[4])
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

// heldStrings holds each text once: the many copies of a code or an id
// read from the store become one string.
type heldStrings map[string]string

// of returns the held string of b, holding it first if new.
func (h heldStrings) of(b []byte) string {
	if v, ok := h[string(b)]; ok { // no allocation to look up
		return v
	}
	v := string(b)
	h[v] = v
	return v
}

// str returns the held string equal to s, holding s first if new.
func (h heldStrings) str(s string) string {
	if v, ok := h[s]; ok {
		return v
	}
	h[s] = s
	return s
}
