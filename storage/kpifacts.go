package storage

import (
	"bytes"
	"cmp"
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
// compute the same figures from it (app.ComputeKPIs). Each case's facts
// are kept once computed (case_facts, kpifacts_cache.go) and read from
// there; those of the cases written since (or of every case, after a new
// calendar or time limits) are computed from the index columns and the
// steps' covering index, without decoding a document. On a province's
// store of 300,000 cases and 1.2 million steps that is a fraction of the
// time and memory of KPIData. d.Cases and d.Events are empty; d.Facts are
// in KPIData's order of the cases (received, then number).
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
// voided, each with the facts kept of it (kpifacts_cache.go): for the
// province, the kept facts alone, merged with the ids of the cases; for a
// commune, its rows of case_list with their kept facts. The cases without
// them are computed from their case_list row and their steps, and kept:
// when they are few, their rows and steps are read by id; when many (the
// first reading, or after a big pull or a new calendar), every case and
// every step are read, two cursors in the order of the case ids, merged,
// so that one case's steps are in memory at a time.
//
// opened, if not nil, is called once the cursors are open. The returned
// wait waits for the facts computed to be kept (best-effort).
func (db *DB) caseFacts(ctx context.Context, unit string, rules []app.SlaRule, cal *app.Calendar, opened func()) (_ []app.CaseFacts, wait func(), err error) {
	r := newFactReading(rules, cal)
	cache := db.readFactsCache(ctx, rules, cal)
	keeper := db.newFactsKeeper(ctx, cache)
	wait = keeper.close
	defer func() {
		if err != nil {
			keeper.close()
		}
	}()
	var fs *readFacts
	if unit == "" && cache.usable {
		fs, err = db.provinceKeptFacts(ctx, r, keeper, opened)
		if err != nil {
			return nil, wait, err
		}
		opened = nil
	}
	if fs == nil {
		if fs, err = db.scanCaseFacts(ctx, r, keeper, unit, cache.usable, opened); err != nil {
			return nil, wait, err
		}
	}
	return fs.sorted(), wait, nil
}

// sorted returns the facts in KPIData's order: received, then number
// (ties by id, the order read). The positions are sorted, not the facts
// (a few hundred bytes each), then the facts are moved once, in place
// (permute).
func (fs *readFacts) sorted() []app.CaseFacts {
	facts, keys, odd := fs.facts, fs.keys, fs.odd
	fs.facts, fs.keys, fs.odd = nil, nil, nil
	byNumber := func(i, j int32) int {
		if c := strings.Compare(facts[i].Number, facts[j].Number); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	}
	order, ok := packedOrder(keys, byNumber)
	if !ok {
		order = make([]int32, len(facts))
		for i := range order {
			order[i] = int32(i)
		}
		slices.SortFunc(order, func(i, j int32) int {
			if c := compareReceived(keys, odd, i, j); c != 0 {
				return c
			}
			return byNumber(i, j)
		})
	}
	permute(facts, order)
	return facts
}

// packedOrder sorts the positions of keys (receivedKey) as numbers, each
// packed with its position in one integer (a sort of integers, a fraction
// of the time of a sort by comparisons), the ties sorted by tie; false
// if a key does not fit (another form, or too many positions).
func packedOrder(keys []int64, tie func(i, j int32) int) ([]int32, bool) {
	const posBits = 20
	if len(keys) >= 1<<posBits {
		return nil, false
	}
	packed := make([]uint64, len(keys))
	for i, k := range keys {
		// YYYYMMDDhhmmss in mixed radix: the same order, fewer bits.
		if k < 0 {
			return nil, false
		}
		ss, mm, hh, d, m, y := k%100, k/100%100, k/10000%100, k/1000000%100, k/100000000%100, k/10000000000
		if ss > 59 || mm > 59 || hh > 23 || d > 31 || m > 12 {
			return nil, false
		}
		n := ((((y*13+m)*32+d)*24+hh)*60+mm)*60 + ss
		packed[i] = uint64(n)<<posBits | uint64(i)
	}
	slices.Sort(packed)
	order := make([]int32, len(keys))
	for i, p := range packed {
		order[i] = int32(p & (1<<posBits - 1))
	}
	// Runs of the same time: by tie.
	for i := 0; i < len(packed); {
		j := i + 1
		for j < len(packed) && packed[j]>>posBits == packed[i]>>posBits {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(order[i:j], tie)
		}
		i = j
	}
	return order, true
}

// readFacts are the facts of the cases read, in the order of their ids,
// with received_at as stored (the order's first key: receivedKey).
type readFacts struct {
	facts []app.CaseFacts
	keys  []int64          // receivedKey of each, or -1: in odd
	odd   map[int32]string // received_at of the others
}

func newReadFacts(n int) *readFacts {
	return &readFacts{facts: make([]app.CaseFacts, 0, n), keys: make([]int64, 0, n)}
}

// add appends the facts f of a case received at (as stored).
func (fs *readFacts) add(f app.CaseFacts, at string) {
	fs.facts = append(fs.facts, f)
	fs.keys = append(fs.keys, 0)
	fs.setReceived(len(fs.facts)-1, at)
}

// setReceived sets the received_at of the facts at i.
func (fs *readFacts) setReceived(i int, at string) {
	k, ok := receivedKey(at)
	if ok {
		fs.keys[i] = k
		delete(fs.odd, int32(i))
		return
	}
	if fs.odd == nil {
		fs.odd = map[int32]string{}
	}
	fs.keys[i], fs.odd[int32(i)] = -1, strings.Clone(at)
}

// compact drops the facts left without a case (ID ""): voided or deleted.
func (fs *readFacts) compact() {
	j := 0
	var odd map[int32]string
	for i := range fs.facts {
		if fs.facts[i].ID == "" {
			continue
		}
		fs.facts[j], fs.keys[j] = fs.facts[i], fs.keys[i]
		if at, ok := fs.odd[int32(i)]; ok {
			if odd == nil {
				odd = map[int32]string{}
			}
			odd[int32(j)] = at
		}
		j++
	}
	clear(fs.facts[j:])
	fs.facts, fs.keys, fs.odd = fs.facts[:j], fs.keys[:j], odd
}

// receivedKey is a time as stored (2006-01-02T15:04:05Z) as a number in
// the same order as the texts (their digits), or false if of another form.
func receivedKey[S string | []byte](t S) (int64, bool) {
	if len(t) != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z' {
		return 0, false
	}
	var k int64
	for j := range 19 {
		switch c := t[j]; {
		case c >= '0' && c <= '9':
			k = k*10 + int64(c-'0')
		case j != 4 && j != 7 && j != 10 && j != 13 && j != 16:
			return 0, false
		}
	}
	return k, true
}

// receivedText is the text of receivedKey k.
func receivedText(k int64) string {
	var d [14]byte
	for i := 13; i >= 0; i-- {
		d[i], k = byte('0'+k%10), k/10
	}
	return fmt.Sprintf("%s-%s-%sT%s:%s:%sZ", d[0:4], d[4:6], d[6:8], d[8:10], d[10:12], d[12:14])
}

// compareReceived compares the received_at of the facts at i and j as
// texts: as numbers when both are of the common form.
func compareReceived(keys []int64, odd map[int32]string, i, j int32) int {
	a, b := keys[i], keys[j]
	if a >= 0 && b >= 0 {
		return cmp.Compare(a, b)
	}
	text := func(i int32, k int64) string {
		if k >= 0 {
			return receivedText(k)
		}
		return odd[i]
	}
	return strings.Compare(text(i, a), text(j, b))
}

// scanCaseFacts reads the facts of the cases of unit ("" for all) from
// their rows of case_list, with their kept facts if withKept, and the
// steps of those without: all of them in a second cursor if they may be
// many, else by id after the cases.
func (db *DB) scanCaseFacts(ctx context.Context, r *factReading, k *factsKeeper, unit string, withKept bool, opened func()) (*readFacts, error) {
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
	var n, kept int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM case_list c WHERE `+cond, args...).Scan(&n); err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	keptCol := `NULL`
	if withKept {
		keptCol = `(SELECT f.facts FROM case_facts f WHERE f.case_id = c.id)`
		if unit != "" {
			kept = n // a commune's cases are few: their steps by id
		} else if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM case_facts`).Scan(&kept); err != nil {
			return nil, fmt.Errorf("kpi cases: %w", err)
		}
	}
	// The province's voided cases are read too, to be kept as such.
	voided := unit == ""
	if voided {
		cond = `1`
	}
	stream := n-kept > keyedFacts
	out := newReadFacts(n)
	// Every fact is a column of case_list (caseIndex): no document is read,
	// and of the columns only those the facts keep (factCaseColumns).
	cases, err := db.r.QueryContext(ctx, `SELECT `+factCaseColumns+`, `+keptCol+`
		FROM case_list c WHERE `+cond+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
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
			return nil, fmt.Errorf("kpi case steps: %w", err)
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
	var (
		codesCol, keptFacts sql.RawBytes
		missing             []missingCase // cases without their facts, when not streamed
	)
	for cases.Next() {
		var c app.Case
		if err := cases.Scan(&c.ID, &c.Number, &c.ConsumerName, &codesCol, &keptFacts); err != nil {
			return nil, err
		}
		codes := string(codesCol)
		at, err := r.caseOf(&c, codes)
		if err != nil {
			return nil, err
		}
		evs := stepsOf(c.ID)
		if keptFacts != nil {
			if f, _, ok := r.kept(keptFacts, &c); ok {
				if !c.Voided {
					out.add(f, at)
				}
				continue
			}
		}
		switch {
		case !stream:
			out.add(app.CaseFacts{}, at)
			missing = append(missing, missingCase{at: len(out.facts) - 1, c: c, codes: codes})
		case c.Voided: // kept as voided, never counted
			k.keep(&c, codes, nil)
		default:
			f := app.NewCaseFacts(&c, evs, r.rules, r.cal)
			k.keep(&c, codes, &f)
			out.add(f, at)
		}
	}
	if err := cases.Err(); err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	cases.Close()
	for range groups { // the steps of cases after the last one read
	}
	if stepErr != nil {
		return nil, fmt.Errorf("kpi case steps: %w", stepErr)
	}
	if err := db.factsOfMissing(ctx, r, k, missing, out); err != nil {
		return nil, err
	}
	out.compact()
	return out, nil
}

// permute moves the elements of s in place so that position i holds what
// was at order[i], following the permutation's cycles (no second array);
// order is spoilt.
func permute[T any](s []T, order []int32) {
	for i := range order {
		if order[i] < 0 || int(order[i]) == i {
			continue
		}
		tmp := s[i]
		j := i
		for {
			k := int(order[j])
			order[j] = -1
			if k == i {
				s[j] = tmp
				break
			}
			s[j] = s[k]
			j = k
		}
	}
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
