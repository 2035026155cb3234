package storage

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/collate"

	"bvntd/app"
)

// The case list of the window is read a page at a time (CasePage). What
// choosing, ordering, filtering and counting the cases need of each case
// (its dates, number, status, sector, kind, flags and the running
// deadlines of the unfinished ones) is held in memory, in a listIndex a
// few dozen bytes a case, made once from the case_list_browse index and
// made again when the store changed (PRAGMA data_version on a connection
// of its own: a write of this process or of another, a pull), when the day
// changes (deadlines pass) or when the reference data change. A page then
// costs a pass over that index and one query for the rows shown.

// CasePageSize is how many rows the window's list reads at once.
const CasePageSize = 100

// listEntry is what the list index holds of a case.
type listEntry struct {
	rowid                int64
	number               string // "-" and the number in lower case: what a number search matches
	day                  int32  // the day received, in Vietnam (days since 1970-01-01; noDay without)
	status, sector, kind uint16 // in listIndex.statuses, sectors, kinds
	flags                uint8
	name                 int32     // where the consumer's name starts in listIndex.nameBytes
	open                 *openCase // running deadlines, of an unfinished case
}

// Flags of a list entry.
const (
	fVulnerable = 1 << iota
	fOnlineNew
	fVoided
	fRestricted
	fOverdue // a running deadline has passed
)

// openCase is an unfinished case's running deadlines.
type openCase struct {
	deadlines []app.Deadline
	minDue    time.Time // the soonest deadline not yet passed (zero: none)
}

const noDay = math.MinInt32

// listIndex is the store's cases as the list reads them.
type listIndex struct {
	version int64    // data_version when it was read
	day     string   // the day its deadlines were counted on
	refs    app.Refs // the reference data they were counted with
	cal     *app.Calendar
	entries []listEntry // in the newest order
	// The statuses, sectors and kinds of the entries.
	statuses, sectors, kinds codeTable
	pos                      []int32 // entry by rowid (-1: none)

	nameOnce sync.Once
	// The entries' consumer names one after another, until the list by
	// name is made (then nil): an entry's ends where the next one's starts.
	nameBytes []byte
	byName    []int32 // entries by consumer name (vi), then newest; on first use
	dueOnce   sync.Once
	byDue     []int32 // entries by urgency (app.SortDue); on first use

	mu   sync.Mutex
	sels []*selection // the latest answers, the newest first
}

// codeTable numbers the codes of one field.
type codeTable struct {
	codes []string
	num   map[string]uint16
}

func (t *codeTable) code(s string) uint16 {
	if c, ok := t.num[s]; ok {
		return c
	}
	if t.num == nil {
		t.num = map[string]uint16{}
	}
	c := uint16(len(t.codes))
	t.num[s] = c
	t.codes = append(t.codes, s)
	return c
}

// want is the number of the code a filter wants: -1 for all (""), and
// one no entry has for a code none has.
func (t *codeTable) want(s string) int {
	if s == "" {
		return -1
	}
	if c, ok := t.num[s]; ok {
		return int(c)
	}
	return len(t.codes)
}

// at returns the entry of rowid, or -1.
func (idx *listIndex) at(rowid int64) int32 {
	if rowid < 0 || rowid >= int64(len(idx.pos)) {
		return -1
	}
	return idx.pos[rowid]
}

// selection is the answer to a query and a filter: the entries listed, in
// order, and the counts.
type selection struct {
	key    selectionKey
	shown  []int32
	all    int
	counts app.FilterCounts
}

type selectionKey struct {
	q app.CaseQuery
	f app.CaseFilter
}

// keptSelections is how many answers the list index keeps: scrolling,
// and going back to a filter, read them again.
const keptSelections = 4

// caseListCache keeps the list index of a store.
type caseListCache struct {
	mu    sync.Mutex
	watch *sql.DB // one connection, for PRAGMA data_version
	conn  *sql.Conn
	idx   *listIndex
}

func (c *caseListCache) close() error {
	if c == nil || c.watch == nil {
		return nil
	}
	if c.conn != nil {
		c.conn.Close()
	}
	return c.watch.Close()
}

// dataVersion returns the store's data_version as seen by the cache's own
// connection: it changes whenever another connection commits.
func (db *DB) dataVersion(ctx context.Context) (int64, error) {
	c := &db.list
	if c.watch == nil {
		w, err := sql.Open("sqlite", fileURI(db.path)+"?"+dsnCommon+"&_pragma=query_only(1)")
		if err != nil {
			return 0, err
		}
		w.SetMaxOpenConns(1)
		conn, err := w.Conn(ctx)
		if err != nil {
			w.Close()
			return 0, err
		}
		c.watch, c.conn = w, conn
	}
	var v int64
	err := c.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
	return v, err
}

// caseList returns the list index, read again if the store, the day or
// the reference data changed since it was read.
func (db *DB) caseList(ctx context.Context, now time.Time) (*listIndex, error) {
	c := &db.list
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := db.dataVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("case list: %w", err)
	}
	day := now.In(app.ICT).Format(time.DateOnly)
	refs := db.currentRefs()
	if i := c.idx; i != nil && i.version == v && i.day == day && i.refs == refs {
		return i, nil
	}
	c.idx = nil // the old one goes before the new one is read
	idx, err := db.readListIndex(ctx, now)
	if err != nil {
		return nil, err
	}
	idx.version, idx.day, idx.refs = v, day, refs
	c.idx = idx
	return idx, nil
}

// readListIndex reads the list index from the store: every case from
// the case_list_browse index, newest first, and the running deadlines of
// the unfinished ones at now. The columns come joined in one text (by
// U+001F): one column a row costs far less to read than twelve, and one
// concat_ws less than eleven || (which copy the text again at each; the
// columns are NOT NULL, which concat_ws would skip). The consumer's name
// comes last (it may hold any character) and is kept, for the list by
// name (nameOrder), in one block of bytes with the others: a few bytes
// copied a case, and nothing looked up.
func (db *DB) readListIndex(ctx context.Context, now time.Time) (*listIndex, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT c.rowid, concat_ws(x'1f', c.received_at, c.number, c.status, c.sector, c.kind,
		c.channel, c.voided, c.restricted, c.vulnerable_groups, c.intake_opened_at, c.id, c.consumer_name)
		FROM case_list c INDEXED BY case_list_browse ORDER BY c.received_at DESC, c.number DESC`)
	if err != nil {
		return nil, fmt.Errorf("case list: %w", err)
	}
	defer rows.Close()
	idx := &listIndex{}
	type unfinished struct {
		at       int
		id       string
		received string
	}
	var open []unfinished
	var maxRowid int64
	var b sql.RawBytes
	for rows.Next() {
		var e listEntry
		if err := rows.Scan(&e.rowid, &b); err != nil {
			return nil, err
		}
		var f [12][]byte
		rest := []byte(b)
		for i := range f {
			j := bytes.IndexByte(rest, 0x1f)
			if j < 0 || i == len(f)-1 {
				f[i] = rest
				break
			}
			f[i], rest = rest[:j], rest[j+1:]
		}
		received, status := f[0], string(f[2])
		e.number = searchNumber(f[1])
		e.day = dayOfStored(received)
		e.status, e.sector, e.kind = idx.statuses.code(status), idx.sectors.code(string(f[3])), idx.kinds.code(string(f[4]))
		voided := string(f[6]) == "1"
		if voided {
			e.flags |= fVoided
		}
		if string(f[7]) == "1" {
			e.flags |= fRestricted
		}
		if g := f[8]; len(g) > 0 && string(g) != "[]" && len(parseList(string(g))) > 0 {
			e.flags |= fVulnerable
		}
		if string(f[5]) == app.ChannelOnlineIntake && parseTime(string(f[9])).IsZero() && !voided {
			e.flags |= fOnlineNew
		}
		if !voided && !app.FinalStatus(status) {
			open = append(open, unfinished{len(idx.entries), string(f[10]), string(received)})
		}
		if len(idx.nameBytes)+len(f[11]) > math.MaxInt32 {
			return nil, fmt.Errorf("case list: the consumer names exceed %d bytes", math.MaxInt32)
		}
		e.name = int32(len(idx.nameBytes))
		idx.nameBytes = append(idx.nameBytes, f[11]...)
		maxRowid = max(maxRowid, e.rowid)
		idx.entries = append(idx.entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	idx.pos = make([]int32, maxRowid+1)
	for i := range idx.pos {
		idx.pos[i] = -1
	}
	for i := range idx.entries {
		idx.pos[idx.entries[i].rowid] = int32(i)
	}
	rules, cal, err := db.deadlineRules(ctx)
	if err != nil {
		return nil, err
	}
	idx.cal = cal
	if cal == nil || len(rules) == 0 || len(open) == 0 {
		return idx, nil
	}
	// The unfinished cases' deadlines, from what Deadlines reads of a case
	// (its status, kind, day received and whether its consumer is
	// vulnerable) and its steps.
	ids := make([]string, len(open))
	for i := range open {
		ids[i] = open[i].id
	}
	idj, _ := json.Marshal(ids) // strings always marshal
	events, err := db.deadlineSteps(ctx, string(idj))
	if err != nil {
		return nil, err
	}
	vulnerable := []string{"?"} // IsVulnerable: a group, whichever
	for _, o := range open {
		e := &idx.entries[o.at]
		c := app.Case{Status: idx.statuses.codes[e.status], Kind: idx.kinds.codes[e.kind], ReceivedAt: parseTime(o.received)}
		if e.flags&fVulnerable != 0 {
			c.VulnerableGroups = vulnerable
		}
		dl := app.Deadlines(&c, events[o.id], rules, cal, now)
		if len(dl) == 0 {
			continue
		}
		oc := &openCase{deadlines: dl}
		for _, d := range dl {
			if d.Overdue {
				e.flags |= fOverdue
			} else if oc.minDue.IsZero() || d.Due.Before(oc.minDue) {
				oc.minDue = d.Due
			}
		}
		e.open = oc
	}
	return idx, nil
}

// deadlineSteps returns the steps of the cases whose ids are in the JSON
// array ids, by case, in the order CaseRows reads them (stepsByCase):
// what Deadlines reads of them (kind, time, statuses from and to), the
// columns joined in one text.
func (db *DB) deadlineSteps(ctx context.Context, ids string) (map[string][]app.CaseEvent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT e.case_id, e.at || x'1f' || e.kind || x'1f' || e.from_status || x'1f' || e.to_status
		FROM case_events e WHERE e.case_id IN (SELECT value FROM json_each(?)) ORDER BY e.case_id, e.at, e.id`, ids)
	if err != nil {
		return nil, fmt.Errorf("case steps: %w", err)
	}
	defer rows.Close()
	out := map[string][]app.CaseEvent{}
	var id string
	var b sql.RawBytes
	var steps []app.CaseEvent
	for rows.Next() {
		var caseID sql.RawBytes
		if err := rows.Scan(&caseID, &b); err != nil {
			return nil, err
		}
		if string(caseID) != id {
			if id != "" {
				out[id] = steps
			}
			id, steps = string(caseID), nil
		}
		var f [4]string
		rest := b
		for i := range f {
			j := bytes.IndexByte(rest, 0x1f)
			if j < 0 || i == len(f)-1 {
				f[i] = string(rest)
				break
			}
			f[i], rest = string(rest[:j]), rest[j+1:]
		}
		steps = append(steps, app.CaseEvent{CaseID: id, At: parseTime(f[0]), Kind: f[1], FromStatus: f[2], ToStatus: f[3]})
	}
	if id != "" {
		out[id] = steps
	}
	return out, rows.Err()
}

// searchNumber returns "-" and the number in lower case, in one
// allocation when it is ASCII (as numbers are).
func searchNumber(b []byte) string {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return "-" + strings.ToLower(string(b))
		}
	}
	var s strings.Builder
	s.Grow(len(b) + 1)
	s.WriteByte('-')
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		s.WriteByte(c)
	}
	return s.String()
}

// dayOfStored returns the day in Vietnam of a time as stored
// ("2006-01-02T15:04:05Z", formatTime), as days since 1970-01-01.
func dayOfStored(b []byte) int32 {
	if len(b) != len("2006-01-02T15:04:05Z") || b[len(b)-1] != 'Z' {
		t := parseTime(string(b))
		if t.IsZero() {
			return noDay
		}
		return dayOf(t)
	}
	num := func(s []byte) int {
		n := 0
		for _, c := range s {
			n = n*10 + int(c-'0')
		}
		return n
	}
	days := daysFromCivil(num(b[0:4]), num(b[5:7]), num(b[8:10]))
	secs := num(b[11:13])*3600 + num(b[14:16])*60 + num(b[17:19]) + 7*3600 // Vietnam: UTC+7
	return int32(days + secs/86400)
}

// dayOf returns the day in Vietnam of t, as days since 1970-01-01.
func dayOf(t time.Time) int32 {
	t = t.In(app.ICT)
	return int32(daysFromCivil(t.Year(), int(t.Month()), t.Day()))
}

// daysFromCivil is the number of days from 1970-01-01 to y-m-d
// (proleptic Gregorian calendar).
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// scanWith scans a row whose first column is read into first and the
// rest by the returned scanner's caller.
type prefixScanner struct {
	sc    interface{ Scan(...any) error }
	first any
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.sc.Scan(append([]any{p.first}, dest...)...)
}

func scanWith(sc interface{ Scan(...any) error }, first any) prefixScanner {
	return prefixScanner{sc: sc, first: first}
}

// order returns the entries in the order of sortBy (app.SortNewest,
// app.SortName, app.SortDue), or nil for the newest order (the entries').
func (db *DB) order(ctx context.Context, idx *listIndex, sortBy string) ([]int32, error) {
	switch sortBy {
	case app.SortName:
		idx.nameOnce.Do(func() { idx.byName = nameOrder(idx) })
		return idx.byName, nil
	case app.SortDue:
		idx.dueOnce.Do(func() { idx.byDue = dueOrder(idx) })
		return idx.byDue, nil
	}
	return nil, nil
}

// nameOrder orders the entries as `ORDER BY consumer_name COLLATE vi,
// received_at DESC` does, with the collation's sort keys. Names repeat (a
// province's 300,000 cases have 6,660 different names), so each different
// name is given its key once, the names are ranked, and the entries are
// put in rank order by counting, in their newest-first order within a
// rank: a stable sort by key in one pass. The names come with the list
// index (readListIndex): the order reads nothing from the store (945 →
// 171 → see BenchmarkNameOrder and BenchmarkNameOrderOfIndex; issue 22).
// The names' bytes are let go once numbered.
func nameOrder(idx *listIndex) []int32 {
	number := map[string]int32{"": 0}
	names := []string{""}
	nameOf := make([]int32, len(idx.entries))
	for i := range idx.entries {
		end := len(idx.nameBytes)
		if i+1 < len(idx.entries) {
			end = int(idx.entries[i+1].name)
		}
		b := idx.nameBytes[idx.entries[i].name:end]
		n, ok := number[string(b)]
		if !ok {
			n = int32(len(names))
			number[string(b)] = n
			names = append(names, string(b))
		}
		nameOf[i] = n
	}
	idx.nameBytes = nil
	return orderByName(names, nameOf)
}

// orderByName returns the entries (their name numbers nameOf, into names)
// in the collation's order of their names, in entry order within equal
// names.
func orderByName(names []string, nameOf []int32) []int32 {
	var buf collate.Buffer
	col := app.NewCollator()
	keys := make([]string, len(names))
	for i, name := range names {
		keys[i] = string(col.KeyFromString(&buf, name))
		buf.Reset()
	}
	byKey := make([]int32, len(names))
	for i := range byKey {
		byKey[i] = int32(i)
	}
	slices.SortFunc(byKey, func(a, b int32) int { return strings.Compare(keys[a], keys[b]) })
	// rank: equal keys (names the collation does not tell apart) share one.
	rank := make([]int32, len(names))
	r := int32(0)
	for i, n := range byKey {
		if i > 0 && keys[n] != keys[byKey[i-1]] {
			r++
		}
		rank[n] = r
	}
	// Counting sort by rank, stable.
	start := make([]int32, r+2)
	for _, n := range nameOf {
		start[rank[n]+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]int32, len(nameOf))
	for e, n := range nameOf {
		k := rank[n]
		out[start[k]] = int32(e)
		start[k]++
	}
	return out
}

// dueOrder orders the entries as app.SortByDue orders the newest-first
// list.
func dueOrder(idx *listIndex) []int32 {
	type key struct {
		rank int
		due  time.Time
	}
	keys := make([]key, len(idx.entries))
	for i := range idx.entries {
		e := &idx.entries[i]
		switch {
		case e.open == nil:
			keys[i] = key{2, time.Time{}}
		case e.flags&fOverdue != 0:
			keys[i] = key{0, e.open.deadlines[0].Due}
		default:
			keys[i] = key{1, e.open.deadlines[0].Due}
		}
	}
	out := make([]int32, len(idx.entries))
	for i := range out {
		out[i] = int32(i)
	}
	sort.SliceStable(out, func(a, b int) bool {
		i, j := out[a], out[b]
		if keys[i].rank != keys[j].rank {
			return keys[i].rank < keys[j].rank
		}
		if !keys[i].due.Equal(keys[j].due) {
			return keys[i].due.Before(keys[j].due)
		}
		return idx.entries[i].flags&fVulnerable != 0 && idx.entries[j].flags&fVulnerable == 0
	})
	return out
}

// searchMask returns which entries match every word of text as caseWhere
// matches them (a word prefix in cases_fts, or for a word with a digit
// also the start of a part of the number), or nil when text has no word.
// The words without a digit are matched together, in one query.
func (db *DB) searchMask(ctx context.Context, idx *listIndex, text string) ([]bool, error) {
	terms := searchTerms(text)
	if len(terms) == 0 {
		return nil, nil
	}
	var words, numbers []string
	for _, t := range terms {
		if app.NumberTerm(t) {
			numbers = append(numbers, t)
		} else {
			words = append(words, ftsTerm(t))
		}
	}
	var mask []bool
	and := func(hit []bool) {
		if mask == nil {
			mask = hit
			return
		}
		for i := range mask {
			mask[i] = mask[i] && hit[i]
		}
	}
	fts := func(match string) ([]bool, error) {
		hit := make([]bool, len(idx.entries))
		rows, err := db.r.QueryContext(ctx, `SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?`, match)
		if err != nil {
			return nil, fmt.Errorf("search cases: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var rowid int64
			if err := rows.Scan(&rowid); err != nil {
				return nil, err
			}
			if p := idx.at(rowid); p >= 0 {
				hit[p] = true
			}
		}
		return hit, rows.Err()
	}
	if len(words) > 0 {
		hit, err := fts(strings.Join(words, " "))
		if err != nil {
			return nil, err
		}
		and(hit)
	}
	for _, t := range numbers {
		hit, err := fts(ftsTerm(t))
		if err != nil {
			return nil, err
		}
		part := "-" + t
		for i := range idx.entries {
			if !hit[i] && strings.Contains(idx.entries[i].number, part) {
				hit[i] = true
			}
		}
		and(hit)
	}
	return mask, nil
}

// CasePage returns limit rows from offset of the cases matching q and f
// in the order of q.Sort, with their running deadlines at now, how many
// match, and the counts of the filter bar: what CaseRows followed by
// app.FilterRows gives, a page of it. q.Limit is not used. The answer to
// the last few queries is kept with the list index: the next pages of
// the same list cost the rows they show.
func (db *DB) CasePage(ctx context.Context, q app.CaseQuery, f app.CaseFilter, offset, limit int, now time.Time) (app.CasePage, error) {
	idx, err := db.caseList(ctx, now)
	if err != nil {
		return app.CasePage{}, err
	}
	q.Limit = 0
	sel, err := db.selection(ctx, idx, q, f, now)
	if err != nil {
		return app.CasePage{}, err
	}
	page := app.CasePage{Offset: max(offset, 0), Total: len(sel.shown), All: sel.all, Counts: copyCounts(sel.counts), Calendar: idx.cal}
	lo, hi := min(page.Offset, len(sel.shown)), len(sel.shown)
	if limit > 0 {
		hi = min(page.Offset+limit, hi)
	}
	page.Rows, err = db.listRows(ctx, idx, sel.shown[lo:hi])
	return page, err
}

// copyCounts returns a copy of fc whose maps the caller may change.
func copyCounts(fc app.FilterCounts) app.FilterCounts {
	out := fc
	out.Status, out.Sector, out.Kind = maps.Clone(fc.Status), maps.Clone(fc.Sector), maps.Clone(fc.Kind)
	return out
}

// selection returns the answer to q and f: kept, or made.
func (db *DB) selection(ctx context.Context, idx *listIndex, q app.CaseQuery, f app.CaseFilter, now time.Time) (*selection, error) {
	key := selectionKey{q, f}
	idx.mu.Lock()
	for i, s := range idx.sels {
		if s.key == key {
			copy(idx.sels[1:i+1], idx.sels[:i])
			idx.sels[0] = s
			idx.mu.Unlock()
			return s, nil
		}
	}
	idx.mu.Unlock()
	order, err := db.order(ctx, idx, q.Sort)
	if err != nil {
		return nil, err
	}
	mask, err := db.searchMask(ctx, idx, q.Text)
	if err != nil {
		return nil, err
	}
	sel := &selection{key: key}
	fl := app.NewFiltering(f, idx.cal, now)
	// Each entry's choices and flags make a cell of a histogram, which is
	// counted by cell (app.Filtering.AddFlags); the entries listed are
	// those that pass every filter.
	wStatus, wSector, wKind := idx.statuses.want(f.Status), idx.sectors.want(f.Sector), idx.kinds.want(f.Kind)
	due := fl.DueBy()
	from, to := fl.Period()
	fromDay, toDay := int32(math.MinInt32), int32(math.MaxInt32)
	if !from.IsZero() {
		fromDay = dayOf(from)
	}
	if !to.IsZero() {
		toDay = dayOf(to)
	}
	noPeriod := from.IsZero() && to.IsZero()
	ns, nc, nk := len(idx.statuses.codes), len(idx.sectors.codes), len(idx.kinds.codes)
	hist := make([]int32, ns*nc*nk*32)
	var hide uint8
	if !q.IncludeVoided {
		hide |= fVoided
	}
	if q.HideRestricted {
		hide |= fRestricted
	}
	// The entries are counted and chosen in their own order (the newest
	// first), which reads them one after another; in another order (by
	// name, by deadline) the chosen ones are then taken in that order:
	// going through the entries in it would read each from elsewhere in
	// memory (a province's: 23 → ~5 ms).
	var chosen []bool
	if order != nil {
		chosen = make([]bool, len(idx.entries))
	}
	n := 0
	for k := range idx.entries {
		i := int32(k)
		e := &idx.entries[i]
		if e.flags&hide != 0 || mask != nil && !mask[i] {
			continue
		}
		sel.all++
		overdue := e.flags&fOverdue != 0
		dueBy := !due.IsZero() && e.open != nil && !e.open.minDue.IsZero() && !e.open.minDue.After(due)
		vulnerable, online := e.flags&fVulnerable != 0, e.flags&fOnlineNew != 0
		period := noPeriod || e.day != noDay && e.day >= fromDay && e.day <= toDay
		cell := ((int(e.status)*nc+int(e.sector))*nk+int(e.kind))*32 + b2i(overdue) | b2i(dueBy)<<1 | b2i(vulnerable)<<2 |
			b2i(online)<<3 | b2i(period)<<4
		hist[cell]++
		if (wStatus < 0 || int(e.status) == wStatus) && (wSector < 0 || int(e.sector) == wSector) &&
			(wKind < 0 || int(e.kind) == wKind) && (!f.Overdue || overdue) && (due.IsZero() || dueBy) &&
			(!f.Vulnerable || vulnerable) && (!f.OnlineNew || online) && period {
			if chosen != nil {
				chosen[i] = true
				n++
			} else {
				sel.shown = append(sel.shown, i)
			}
		}
	}
	if n > 0 {
		sel.shown = make([]int32, 0, n)
		for _, i := range order {
			if chosen[i] {
				sel.shown = append(sel.shown, i)
			}
		}
	}
	for cell, c := range hist {
		if c == 0 {
			continue
		}
		flags, ck := cell%32, cell/32
		fl.AddFlags(idx.statuses.codes[ck/(nc*nk)], idx.sectors.codes[ck/nk%nc], idx.kinds.codes[ck%nk], flags&1 != 0, flags&2 != 0, flags&4 != 0,
			flags&8 != 0, flags&16 != 0, int(c))
	}
	sel.counts = fl.Counts
	if fl.Counts.All != len(sel.shown) {
		return nil, fmt.Errorf("case list: %d cases listed, %d counted", len(sel.shown), fl.Counts.All)
	}
	idx.mu.Lock()
	idx.sels = append([]*selection{sel}, idx.sels...)
	if len(idx.sels) > keptSelections {
		idx.sels = idx.sels[:keptSelections]
	}
	idx.mu.Unlock()
	return sel, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// listRows reads the list columns of the entries at positions, in their
// order, with their deadlines.
func (db *DB) listRows(ctx context.Context, idx *listIndex, positions []int32) ([]app.CaseRow, error) {
	if len(positions) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(positions))
	at := make(map[int64]int, len(positions))
	for k, p := range positions {
		ids[k] = idx.entries[p].rowid
		at[ids[k]] = k
	}
	b, _ := json.Marshal(ids) // numbers always marshal
	rows, err := db.r.QueryContext(ctx, `SELECT c.rowid, `+listCaseColumns+` FROM case_list c
		WHERE c.rowid IN (SELECT value FROM json_each(?))`, string(b))
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	cases := make([]app.Case, len(positions))
	found := make([]bool, len(positions))
	for rows.Next() {
		var rowid int64
		c, err := scanListCase(scanWith(rows, &rowid))
		if err != nil {
			return nil, err
		}
		if k, ok := at[rowid]; ok {
			cases[k], found[k] = c, true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if err := db.markLimitedCases(ctx, cases); err != nil {
		return nil, err
	}
	out := make([]app.CaseRow, 0, len(positions))
	for k, p := range positions {
		if !found[k] { // deleted since the index was read
			continue
		}
		var dl []app.Deadline
		if o := idx.entries[p].open; o != nil {
			dl = o.deadlines
		}
		out = append(out, app.CaseRow{Case: cases[k], Deadlines: dl})
	}
	return out, nil
}
