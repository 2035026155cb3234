package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

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
	rowid      int64
	received   string // received_at as stored: the newest order
	number     string // "-" and the number in lower case: what a number search matches
	receivedAt time.Time
	status     string
	sector     string
	kind       string
	vulnerable bool
	onlineNew  bool
	voided     bool
	restricted bool
	deadlines  []app.Deadline // running, of an unfinished case
}

// listIndex is the store's cases as the list reads them.
type listIndex struct {
	version int64    // data_version when it was read
	day     string   // the day its deadlines were counted on
	refs    app.Refs // the reference data they were counted with
	cal     *app.Calendar
	entries []listEntry // in the newest order
	pos     map[int64]int32

	nameOnce sync.Once
	byName   []int32 // entries by consumer name (vi), then newest; on first use
	nameErr  error
	dueOnce  sync.Once
	byDue    []int32 // entries by urgency (app.SortDue); on first use
}

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
// the unfinished ones at now.
func (db *DB) readListIndex(ctx context.Context, now time.Time) (*listIndex, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT c.rowid, c.received_at, c.number, c.status, c.sector, c.kind,
		c.channel, c.voided, c.restricted, c.vulnerable_groups, c.intake_opened_at
		FROM case_list c INDEXED BY case_list_browse ORDER BY c.received_at DESC, c.number DESC`)
	if err != nil {
		return nil, fmt.Errorf("case list: %w", err)
	}
	defer rows.Close()
	idx := &listIndex{pos: map[int64]int32{}}
	intern := map[string]string{}
	in := func(s string) string {
		if t, ok := intern[s]; ok {
			return t
		}
		intern[s] = s
		return s
	}
	for rows.Next() {
		var e listEntry
		var channel, groups, opened string
		if err := rows.Scan(&e.rowid, &e.received, &e.number, &e.status, &e.sector, &e.kind, &channel,
			&e.voided, &e.restricted, &groups, &opened); err != nil {
			return nil, err
		}
		e.status, e.sector, e.kind = in(e.status), in(e.sector), in(e.kind)
		e.number = "-" + strings.ToLower(e.number)
		e.receivedAt = parseTime(e.received)
		e.vulnerable = groups != "" && groups != "[]" && len(parseList(groups)) > 0
		e.onlineNew = channel == app.ChannelOnlineIntake && parseTime(opened).IsZero() && !e.voided
		idx.pos[e.rowid] = int32(len(idx.entries))
		idx.entries = append(idx.entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rules, cal, err := db.deadlineRules(ctx)
	if err != nil {
		return nil, err
	}
	idx.cal = cal
	if cal == nil || len(rules) == 0 {
		return idx, nil
	}
	// The unfinished cases, whole as CaseRows reads them, with their steps.
	finals := []string{}
	for _, s := range app.CaseStatuses {
		if app.FinalStatus(s.Code) {
			finals = append(finals, s.Code)
		}
	}
	fj, _ := json.Marshal(finals) // strings always marshal
	open, err := db.r.QueryContext(ctx, `SELECT c.rowid, `+listCaseColumns+` FROM case_list c
		WHERE NOT c.voided AND c.status NOT IN (SELECT value FROM json_each(?))`, string(fj))
	if err != nil {
		return nil, fmt.Errorf("case list: %w", err)
	}
	defer open.Close()
	var cases []app.Case
	var rowids []int64
	for open.Next() {
		var rowid int64
		c, err := scanListCase(scanWith(open, &rowid))
		if err != nil {
			return nil, err
		}
		cases, rowids = append(cases, c), append(rowids, rowid)
	}
	if err := open.Err(); err != nil {
		return nil, err
	}
	open.Close()
	if len(cases) == 0 {
		return idx, nil
	}
	events, err := db.stepsByCase(ctx, `SELECT `+stepColumns+` FROM case_events e
		WHERE e.case_id IN (SELECT value FROM json_each(?)) ORDER BY e.case_id, e.at, e.id`, caseIDs(cases))
	if err != nil {
		return nil, err
	}
	for i := range cases {
		if p, ok := idx.pos[rowids[i]]; ok {
			idx.entries[p].deadlines = app.Deadlines(&cases[i], events[cases[i].ID], rules, cal, now)
		}
	}
	return idx, nil
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
		idx.nameOnce.Do(func() { idx.byName, idx.nameErr = db.nameOrder(ctx, idx) })
		return idx.byName, idx.nameErr
	case app.SortDue:
		idx.dueOnce.Do(func() { idx.byDue = dueOrder(idx) })
		return idx.byDue, nil
	}
	return nil, nil
}

// nameOrder orders the entries as `ORDER BY consumer_name COLLATE vi,
// received_at DESC` does, with the collation's sort keys.
func (db *DB) nameOrder(ctx context.Context, idx *listIndex) ([]int32, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT rowid, consumer_name FROM case_list`)
	if err != nil {
		return nil, fmt.Errorf("case list by name: %w", err)
	}
	defer rows.Close()
	keys := make([][]byte, len(idx.entries))
	var buf collate.Buffer
	col := app.NewCollator()
	for rows.Next() {
		var rowid int64
		var name string
		if err := rows.Scan(&rowid, &name); err != nil {
			return nil, err
		}
		if p, ok := idx.pos[rowid]; ok {
			keys[p] = append([]byte(nil), col.KeyFromString(&buf, name)...)
			buf.Reset()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]int32, len(idx.entries))
	for i := range out {
		out[i] = int32(i)
	}
	sort.SliceStable(out, func(a, b int) bool { // stable: received_at DESC within a name
		return string(keys[out[a]]) < string(keys[out[b]])
	})
	return out, nil
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
		r := app.CaseRow{Deadlines: idx.entries[i].deadlines}
		d, ok := r.Next()
		switch {
		case !ok:
			keys[i] = key{2, time.Time{}}
		case r.Overdue():
			keys[i] = key{0, d.Due}
		default:
			keys[i] = key{1, d.Due}
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
		return idx.entries[i].vulnerable && !idx.entries[j].vulnerable
	})
	return out
}

// searchMask returns which entries match every word of text as caseWhere
// matches them (a word prefix in cases_fts, or for a word with a digit
// also the start of a part of the number), or nil when text has no word.
func (db *DB) searchMask(ctx context.Context, idx *listIndex, text string) ([]bool, error) {
	terms := searchTerms(text)
	if len(terms) == 0 {
		return nil, nil
	}
	var mask []bool
	for _, t := range terms {
		hit := make([]bool, len(idx.entries))
		rows, err := db.r.QueryContext(ctx, `SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?`, ftsTerm(t))
		if err != nil {
			return nil, fmt.Errorf("search cases: %w", err)
		}
		for rows.Next() {
			var rowid int64
			if err := rows.Scan(&rowid); err != nil {
				rows.Close()
				return nil, err
			}
			if p, ok := idx.pos[rowid]; ok {
				hit[p] = true
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
		if app.NumberTerm(t) {
			part := "-" + t
			for i := range idx.entries {
				if !hit[i] && strings.Contains(idx.entries[i].number, part) {
					hit[i] = true
				}
			}
		}
		if mask == nil {
			mask = hit
			continue
		}
		for i := range mask {
			mask[i] = mask[i] && hit[i]
		}
	}
	return mask, nil
}

// CasePage returns limit rows from offset of the cases matching q and f
// in the order of q.Sort, with their running deadlines at now, how many
// match, and the counts of the filter bar: what CaseRows followed by
// app.FilterRows gives, a page of it. q.Limit is not used.
func (db *DB) CasePage(ctx context.Context, q app.CaseQuery, f app.CaseFilter, offset, limit int, now time.Time) (app.CasePage, error) {
	idx, err := db.caseList(ctx, now)
	if err != nil {
		return app.CasePage{}, err
	}
	order, err := db.order(ctx, idx, q.Sort)
	if err != nil {
		return app.CasePage{}, err
	}
	mask, err := db.searchMask(ctx, idx, q.Text)
	if err != nil {
		return app.CasePage{}, err
	}
	page := app.CasePage{Offset: max(offset, 0), Calendar: idx.cal}
	fl := app.NewFiltering(f, idx.cal, now)
	var shown []int32
	for k := range idx.entries {
		i := int32(k)
		if order != nil {
			i = order[k]
		}
		e := &idx.entries[i]
		if e.voided && !q.IncludeVoided || e.restricted && q.HideRestricted || mask != nil && !mask[i] {
			continue
		}
		page.All++
		if fl.Add(e.status, e.sector, e.kind, e.deadlines, e.vulnerable, e.onlineNew, e.receivedAt) {
			if page.Total >= page.Offset && (limit <= 0 || len(shown) < limit) {
				shown = append(shown, i)
			}
			page.Total++
		}
	}
	page.Counts = fl.Counts
	page.Rows, err = db.listRows(ctx, idx, shown)
	return page, err
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
		out = append(out, app.CaseRow{Case: cases[k], Deadlines: idx.entries[p].deadlines})
	}
	return out, nil
}
