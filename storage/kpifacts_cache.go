package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"bvntd/app"
)

// The facts of a case that come from its steps (app.NewCaseFacts: its
// status changes, how the handling ended, whether it ended in time, the
// earliest own due day) are kept in case_facts (migration 25), so that a
// dashboard reads them instead of every step of the province. A row is
// dropped by a trigger at any write of the case's row or of one of its
// steps; the rows are read only under the basis they were computed
// against (case_facts_basis: the time limits, the calendar, the code);
// facts computed from what was read before a write are not stored after
// it (case_facts_basis.generation, raised by the same triggers). The
// cache is filled lazily: by the first dashboard or report that reads the
// facts of a case without a row, best-effort (a failed write leaves the
// case to be computed again next time; the figures are never its).

// factsCache is what KPIFacts read of the cache before reading any case.
type factsCache struct {
	basis string // the basis of the facts computed now
	// usable: the rows kept are of basis; writable: the generation was
	// read (a write-back is possible).
	usable, writable bool
	generation       int64
}

// buildRevision is the version control revision this program was built
// from, if known: facts kept by another build are computed again, even
// when its code of the facts differs without app.CaseFactsBasis knowing.
var buildRevision = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var b strings.Builder
	b.WriteString(bi.Main.Version)
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
			b.WriteString(" " + s.Value)
		}
	}
	return b.String()
})

// keptFactsFormat is the version of the encoding of the facts kept (keep,
// appendStepFacts): raise it with any change of them.
const keptFactsFormat = 1

// factsBasis is the fingerprint of rules and cal (app.CaseFactsBasis),
// of the encoding, of this program's version and of its build.
func (db *DB) factsBasis(rules []app.SlaRule, cal *app.Calendar) string {
	h := sha256.Sum256([]byte(app.CaseFactsBasis(rules, cal) + "\x00" + strconv.Itoa(keptFactsFormat) + "\x00" +
		db.appVersion + "\x00" + buildRevision()))
	return hex.EncodeToString(h[:])
}

// readFactsCache reads the cache's basis and generation, before any case
// is read. A store that cannot be read from there is read without it.
func (db *DB) readFactsCache(ctx context.Context, rules []app.SlaRule, cal *app.Calendar) factsCache {
	fc := factsCache{basis: db.factsBasis(rules, cal)}
	var kept string
	if err := db.r.QueryRowContext(ctx, `SELECT basis, generation FROM case_facts_basis`).Scan(&kept, &fc.generation); err != nil {
		slog.Warn("kpi facts cache: not read", "err", err)
		return fc
	}
	fc.writable, fc.usable = true, kept == fc.basis
	return fc
}

// keyedFacts is how many cases without their kept facts are read by id
// (their rows, their steps), a batch at a time; with more, every case and
// every step are read. A variable for the tests.
var keyedFacts = stepsByID

// factsKeeper keeps the facts computed in a reading, a batch at a time,
// while the reading goes on (the batch's facts in one buffer, written by a
// goroutine of its own). A nil keeper keeps nothing.
type factsKeeper struct {
	db    *DB
	ctx   context.Context
	cache factsCache
	batch []keptFacts
	buf   []byte
	out   chan []keptFacts // nil until the first batch
	done  chan struct{}
	// stored is how many cases' facts were kept (read after close).
	stored int
}

// keepBatch is how many cases' facts are written in one transaction.
const keepBatch = 10000

// newFactsKeeper returns a keeper of the facts computed against cache's
// basis (nil if the cache cannot be written).
func (db *DB) newFactsKeeper(ctx context.Context, cache factsCache) *factsKeeper {
	if !cache.writable {
		return nil
	}
	return &factsKeeper{db: db, ctx: context.WithoutCancel(ctx), cache: cache}
}

// keep encodes the facts f of case c, whose joined columns are codes, to
// keep them: the case's number, name and columns, then the facts that
// come from its steps (appendStepFacts); a voided case (f nil) without
// them.
func (k *factsKeeper) keep(c *app.Case, codes string, f *app.CaseFacts) {
	if k == nil {
		return
	}
	if k.buf == nil {
		k.buf = make([]byte, 0, keepBatch*160)
	}
	start := len(k.buf)
	b := appendFactString(k.buf, c.Number)
	b = appendFactString(b, c.ConsumerName)
	b = appendFactString(b, codes)
	if f != nil {
		b = appendStepFacts(b, f)
	}
	// A full slice: the buffer grown later does not write over it.
	k.buf = b
	k.batch = append(k.batch, keptFacts{id: c.ID, facts: b[start:len(b):len(b)]})
	if len(k.batch) == keepBatch {
		k.send()
	}
}

// send hands the batch to the writer, started with the first one.
func (k *factsKeeper) send() {
	if len(k.batch) == 0 {
		return
	}
	if k.out == nil {
		k.out, k.done = make(chan []keptFacts, 2), make(chan struct{})
		go func() {
			defer close(k.done)
			failed := false
			for batch := range k.out {
				if !failed {
					if failed = !k.db.storeFacts(k.ctx, k.cache, batch); !failed {
						k.stored += len(batch)
					}
				}
			}
		}()
	}
	k.out <- k.batch
	k.batch, k.buf = nil, nil
}

// close sends the last batch and waits until all are written.
func (k *factsKeeper) close() {
	if k == nil {
		return
	}
	k.send()
	if k.out != nil {
		close(k.out)
		<-k.done
		k.out = nil
	}
}

// keptFacts is a case's facts to keep (factsKeeper.keep).
type keptFacts struct {
	id    string
	facts []byte
}

// errFactsStale: a case or a step was written since the facts were read.
var errFactsStale = errors.New("written meanwhile")

// storeFacts keeps rows in the cache in one transaction, only if no case
// nor step was written since fc was read (their facts may be stale) and,
// when the cache was of another basis, emptying it first. Best-effort: it
// reports false on any failure, and the cases left out are computed again
// next time.
func (db *DB) storeFacts(ctx context.Context, fc factsCache, rows []keptFacts) bool {
	const perStmt = 200
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var basis string
		var gen int64
		if err := tx.QueryRowContext(ctx, `SELECT basis, generation FROM case_facts_basis`).Scan(&basis, &gen); err != nil {
			return err
		}
		if gen != fc.generation {
			return errFactsStale
		}
		if basis != fc.basis {
			if _, err := tx.ExecContext(ctx, `DELETE FROM case_facts`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE case_facts_basis SET basis = ?`, fc.basis); err != nil {
				return err
			}
		}
		var stmt *sql.Stmt
		defer func() {
			if stmt != nil {
				stmt.Close()
			}
		}()
		args := make([]any, 0, 2*perStmt)
		for len(rows) > 0 {
			n := min(perStmt, len(rows))
			if stmt == nil || n < perStmt {
				if stmt != nil {
					stmt.Close()
				}
				q := `INSERT OR REPLACE INTO case_facts (case_id, facts) VALUES (?, ?)` + strings.Repeat(`, (?, ?)`, n-1)
				var err error
				if stmt, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
			}
			args = args[:0]
			for _, r := range rows[:n] {
				args = append(args, r.id, r.facts)
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
			rows = rows[n:]
		}
		return nil
	})
	switch {
	case errors.Is(err, errFactsStale):
		return false // the next reading computes them again
	case err != nil:
		slog.Warn("kpi facts cache: not written", "err", err)
		return false
	}
	return true
}

// The flags of appendStepFacts.
const (
	factHasSteps = 1 << iota
	factFinished
	factTimed
	factLate
)

// appendStepFacts appends the facts of f that come from the steps
// (HasSteps to OwnDue) to b: a byte of flags, the status changes (a
// count, then each time and status), the end's time, outcome and amount,
// and the own due day. Times keep their location (appendFactTime), so
// that decodeStepFacts gives back equal values.
func appendStepFacts(b []byte, f *app.CaseFacts) []byte {
	var flags byte
	for _, x := range []struct {
		on   bool
		flag byte
	}{{f.HasSteps, factHasSteps}, {f.Finished, factFinished}, {f.Timed, factTimed}, {f.Late, factLate}} {
		if x.on {
			flags |= x.flag
		}
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(len(f.Changes)))
	for _, ch := range f.Changes {
		b = appendFactTime(b, ch.At)
		b = appendFactString(b, ch.To)
	}
	b = appendFactTime(b, f.FinishedAt)
	b = appendFactString(b, f.Outcome)
	b = binary.AppendVarint(b, f.Amount)
	return appendFactTime(b, f.OwnDue)
}

// The kinds of time of appendFactTime.
const (
	factTimeZero  = iota // time.Time{}
	factTimeUTC          // seconds and nanoseconds, in UTC
	factTimeICT          // the same, in app.ICT
	factTimeOther        // time.Time's binary form
)

func appendFactTime(b []byte, t time.Time) []byte {
	switch {
	case t == time.Time{}:
		return append(b, factTimeZero)
	case t.Location() == time.UTC:
		b = append(b, factTimeUTC)
	case t.Location() == app.ICT:
		b = append(b, factTimeICT)
	default:
		m, err := t.MarshalBinary()
		if err != nil { // an offset of seconds: no such time is stored
			m = nil
		}
		b = append(b, factTimeOther)
		b = binary.AppendUvarint(b, uint64(len(m)))
		return append(b, m...)
	}
	b = binary.AppendVarint(b, t.Unix())
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

func appendFactString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// factReader reads what appendStepFacts wrote, from a text (the texts it
// returns share it: a case's strings are one allocation); a short or
// malformed row sets bad.
type factReader struct {
	s   string
	bad bool
}

func (r *factReader) fail() {
	r.bad, r.s = true, ""
}

func (r *factReader) uvarint() uint64 {
	var v uint64
	for i := 0; i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		c := r.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			r.s = r.s[i+1:]
			return v
		}
	}
	r.fail()
	return 0
}

func (r *factReader) varint() int64 {
	u := r.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (r *factReader) text() string {
	n := r.uvarint()
	if n > uint64(len(r.s)) {
		r.fail()
		return ""
	}
	v := r.s[:n]
	r.s = r.s[n:]
	return v
}

func (r *factReader) byte() byte {
	if len(r.s) == 0 {
		r.fail()
		return 0
	}
	v := r.s[0]
	r.s = r.s[1:]
	return v
}

func (r *factReader) time() time.Time {
	switch r.byte() {
	case factTimeZero:
		return time.Time{}
	case factTimeUTC:
		s := r.varint()
		return time.Unix(s, int64(r.uvarint())).UTC()
	case factTimeICT:
		s := r.varint()
		return time.Unix(s, int64(r.uvarint())).In(app.ICT)
	case factTimeOther:
		var t time.Time
		if err := t.UnmarshalBinary([]byte(r.text())); err != nil {
			r.fail()
		}
		return t
	}
	r.fail()
	return time.Time{}
}

// decodeStepFacts reads into f the facts appendStepFacts wrote in fr, and
// reports whether it held them (and nothing more).
func (r *factReading) decodeStepFacts(fr *factReader, f *app.CaseFacts) bool {
	flags := fr.byte()
	f.HasSteps, f.Finished = flags&factHasSteps != 0, flags&factFinished != 0
	f.Timed, f.Late = flags&factTimed != 0, flags&factLate != 0
	if n := fr.uvarint(); n > 0 && n <= uint64(len(fr.s)) {
		f.Changes = r.changes(int(n))
		for i := range f.Changes {
			f.Changes[i].At = fr.time()
			f.Changes[i].To = r.held.str(fr.text())
		}
	} else if n > 0 {
		return false
	}
	f.FinishedAt = fr.time()
	f.Outcome = r.held.str(fr.text())
	f.Amount = fr.varint()
	f.OwnDue = fr.time()
	return !fr.bad && len(fr.s) == 0
}

// changes returns a slice of n status changes, cut from a larger array:
// a province's cases hold a million.
func (r *factReading) changes(n int) []app.StatusChange {
	if cap(r.arena)-len(r.arena) < n {
		r.arena = make([]app.StatusChange, 0, max(16384, n))
	}
	l := len(r.arena)
	r.arena = r.arena[:l+n]
	return r.arena[l : l+n : l+n]
}

// factReading is what one reading of the facts shares: the time limits
// and the calendar, and the codes and lists of codes read, each held once
// (a province's cases share a few hundred; the facts only read them).
type factReading struct {
	rules []app.SlaRule
	cal   *app.Calendar
	held  heldStrings
	lists map[string][]string
	arena []app.StatusChange // changes
}

func newFactReading(rules []app.SlaRule, cal *app.Calendar) *factReading {
	return &factReading{rules: rules, cal: cal, held: heldStrings{}, lists: map[string][]string{}}
}

// list returns the held list of codes of s (a JSON array).
func (r *factReading) list(s string) []string {
	l, ok := r.lists[s]
	if !ok {
		l = parseList(s)
		r.lists[s] = l
	}
	return l
}

// caseOf fills c (whose id, number and name are set) from the columns of
// factCaseColumns joined in codes, and returns received_at as stored.
func (r *factReading) caseOf(c *app.Case, codes string) (string, error) {
	var f [factCodeFields]string
	rest := codes
	for i := range f {
		j := strings.IndexByte(rest, 0x1f)
		if i == len(f)-1 {
			if j >= 0 {
				j = -2
			}
			f[i] = rest
		} else if j >= 0 {
			f[i], rest = rest[:j], rest[j+1:]
		}
		if j == -1 && i < len(f)-1 || j == -2 {
			return "", fmt.Errorf("kpi cases: case %s: %d columns joined, not %d", c.ID, strings.Count(codes, "\x1f")+1, len(f))
		}
	}
	code := r.held.str
	c.ReceivedAt, c.UpdatedAt = factTime(f[0]), factTime(f[1])
	c.UnitCode, c.Channel, c.Kind, c.Sector = code(f[2]), code(f[3]), code(f[4]), code(f[5])
	c.Status, c.Voided, c.Restricted = code(f[6]), f[7] == "1", f[8] == "1"
	c.TransactionType, c.ForwardedTo = code(f[9]), code(f[10])
	c.VulnerableGroups, c.IssueTypes = r.list(f[11]), r.list(f[12])
	return f[0], nil
}

// factTime is parseTime(s), without time.Parse for the common form.
func factTime(s string) time.Time {
	if t, ok := plainUTCTime(s); ok {
		return t
	}
	return parseTime(s)
}

// kept decodes the facts keep encoded in b into c (whose id is set) and
// its facts, with received_at as stored, and reports whether b held them.
// A voided case has no facts. The case's number and name are one text,
// kept; the rest of b is read from another, dropped after.
func (r *factReading) kept(b []byte, c *app.Case) (app.CaseFacts, string, bool) {
	// The end of the name: after two lengths and their texts.
	end := 0
	for range 2 {
		n, k := binary.Uvarint(b[end:])
		if k <= 0 || n > uint64(len(b)-end-k) {
			return app.CaseFacts{}, "", false
		}
		end += k + int(n)
	}
	fr := factReader{s: string(b[:end])}
	c.Number, c.ConsumerName = fr.text(), fr.text()
	fr = factReader{s: string(b[end:])}
	codes := fr.text()
	if fr.bad {
		return app.CaseFacts{}, "", false
	}
	at, err := r.caseOf(c, codes)
	if err != nil {
		return app.CaseFacts{}, "", false
	}
	if c.Voided {
		return app.CaseFacts{}, at, len(fr.s) == 0
	}
	f := app.CaseOnlyFacts(c)
	return f, at, r.decodeStepFacts(&fr, &f)
}

// provinceKeptFacts reads the facts of every case of the store from those
// kept, the ids of the cases read first (case_list's key, a few megabytes)
// and merged with the kept facts (in the order of the ids); the few
// cases without theirs are computed (factsOfMissing). It returns nil when
// more than keyedFacts lack theirs: every step is then read.
//
// opened, if not nil, is called first: this reading holds one connection
// at a time.
func (db *DB) provinceKeptFacts(ctx context.Context, r *factReading, k *factsKeeper, opened func()) (*readFacts, error) {
	if opened != nil {
		opened() // one connection each, one after the other here
	}
	ids, err := db.caseIDs(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT case_id, facts FROM case_facts ORDER BY case_id`)
	if err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	defer rows.Close()
	out := newReadFacts(len(ids))
	var missing []missingCase
	miss := func(id string) bool {
		out.add(app.CaseFacts{}, "")
		m := missingCase{at: len(out.facts) - 1}
		m.c.ID = id
		missing = append(missing, m)
		return len(missing) <= keyedFacts
	}
	var id, b sql.RawBytes
	i := 0
	for rows.Next() {
		if err := rows.Scan(&id, &b); err != nil {
			return nil, err
		}
		for ; i < len(ids) && ids[i] < string(id); i++ {
			if !miss(ids[i]) {
				return nil, nil
			}
		}
		if i == len(ids) || ids[i] != string(id) {
			continue // a case deleted meanwhile
		}
		var c app.Case
		c.ID = ids[i]
		i++
		f, at, ok := r.kept(b, &c)
		switch {
		case !ok:
			if !miss(c.ID) {
				return nil, nil
			}
		case !c.Voided:
			out.add(f, at)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	rows.Close()
	for ; i < len(ids); i++ {
		if !miss(ids[i]) {
			return nil, nil
		}
	}
	// The cases' rows, then as for a commune's.
	for len(missing) > 0 {
		part := missing[:min(max(1, keyedFacts), len(missing))]
		missing = missing[len(part):]
		read, err := db.factCases(ctx, r, `c.id IN (SELECT value FROM json_each(?))`, idsJSON(missingIDs(part)))
		if err != nil {
			return nil, err
		}
		byID := make(map[string]missingCase, len(read))
		for _, m := range read {
			byID[m.c.ID] = m
		}
		var found []missingCase
		for _, m := range part {
			got, ok := byID[m.c.ID]
			if !ok { // deleted meanwhile
				out.facts[m.at].ID = ""
				continue
			}
			got.at = m.at
			out.setReceived(m.at, got.received)
			found = append(found, got)
		}
		if err := db.factsOfMissing(ctx, r, k, found, out); err != nil {
			return nil, err
		}
	}
	out.compact()
	return out, nil
}

// caseIDs returns the ids of every case, in order: texts of one
// allocation (a province has 300,000).
func (db *DB) caseIDs(ctx context.Context) ([]string, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM case_list`).Scan(&n); err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id FROM case_list ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	defer rows.Close()
	var (
		all  []byte
		ends = make([]int, 0, n)
		id   sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		all = append(all, id...)
		ends = append(ends, len(all))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	text := string(all)
	ids := make([]string, len(ends))
	start := 0
	for i, end := range ends {
		ids[i], start = text[start:end], end
	}
	return ids, nil
}

// factsOfMissing computes the facts of the cases of missing (at their
// position in out, if not nil; their rows read, their steps not) from
// their steps, read by id a few thousand cases at a time, and keeps them.
// A voided case is kept as such and its position emptied
// (readFacts.compact).
func (db *DB) factsOfMissing(ctx context.Context, r *factReading, k *factsKeeper, missing []missingCase, out *readFacts) error {
	for len(missing) > 0 {
		part := missing[:min(max(1, keyedFacts), len(missing))]
		missing = missing[len(part):]
		ids := missingIDs(part)
		steps, err := db.factStepsOf(ctx, ids)
		if err != nil {
			return fmt.Errorf("kpi case steps: %w", err)
		}
		for i := range part {
			m := &part[i]
			if m.c.Voided {
				k.keep(&m.c, m.codes, nil)
				if out != nil {
					out.facts[m.at].ID = ""
				}
				continue
			}
			f := app.NewCaseFacts(&m.c, steps[m.c.ID], r.rules, r.cal)
			k.keep(&m.c, m.codes, &f)
			if out != nil {
				out.facts[m.at] = f
			}
		}
	}
	return nil
}

// missingIDs returns the ids of the cases of part.
func missingIDs(part []missingCase) []string {
	ids := make([]string, len(part))
	for i := range part {
		ids[i] = part[i].c.ID
	}
	return ids
}

// missingCase is a case read without its facts, at position at, with its
// columns joined (factCaseColumns) and its received_at as stored.
type missingCase struct {
	at       int
	c        app.Case
	codes    string
	received string
}

// factStepsOf reads the steps of the cases ids (factStepColumns), by case.
func (db *DB) factStepsOf(ctx context.Context, ids []string) (map[string][]app.CaseEvent, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+factStepColumns+` FROM case_events e
		WHERE e.case_id IN (SELECT value FROM json_each(?)) ORDER BY e.case_id, e.at, e.id`, idsJSON(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	groups := make(chan []caseSteps, 4)
	var rerr error
	go func() {
		defer close(groups)
		rerr = readCaseSteps(ctx, rows, groups)
	}()
	out := make(map[string][]app.CaseEvent, len(ids))
	for batch := range groups {
		for _, g := range batch {
			out[g.id] = g.evs
		}
	}
	return out, rerr
}

// idsJSON is ids as a JSON array (for json_each).
func idsJSON(ids []string) string {
	b, _ := json.Marshal(ids) // strings always marshal
	return string(b)
}
