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
	"strings"
	"sync"
	"time"

	"bvntd/app"
)

// The facts of a case that come from its steps (app.NewCaseFacts: its
// status changes, how the handling ended, whether it ended in time, the
// earliest own due day) are kept in case_facts (migration 24), so that a
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

// factsBasis is the fingerprint of rules and cal (app.CaseFactsBasis),
// of this program's version and of its build.
func (db *DB) factsBasis(rules []app.SlaRule, cal *app.Calendar) string {
	h := sha256.Sum256([]byte(app.CaseFactsBasis(rules, cal) + "\x00" + db.appVersion + "\x00" + buildRevision()))
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

// keptFacts is a case's facts to keep (encodeStepFacts).
type keptFacts struct {
	id    string
	facts []byte
}

// errFactsStale: a case or a step was written since the facts were read.
var errFactsStale = errors.New("written meanwhile")

// storeFacts keeps rows in the cache, in transactions of a few thousand
// (the writer is not held for long), each only if no case nor step was
// written since fc was read (their facts may be stale) and, when the
// cache was of another basis, emptying it first. Best-effort: on any
// failure it stops, and the cases left out are computed again next time.
func (db *DB) storeFacts(ctx context.Context, fc factsCache, rows []keptFacts) {
	const perTx, perStmt = 20000, 200
	for len(rows) > 0 {
		part := rows[:min(perTx, len(rows))]
		rows = rows[len(part):]
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
			for len(part) > 0 {
				n := min(perStmt, len(part))
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
				for _, r := range part[:n] {
					args = append(args, r.id, r.facts)
				}
				if _, err := stmt.ExecContext(ctx, args...); err != nil {
					return err
				}
				part = part[n:]
			}
			return nil
		})
		switch {
		case errors.Is(err, errFactsStale):
			return // the next reading computes them again
		case err != nil:
			slog.Warn("kpi facts cache: not written", "err", err)
			return
		}
	}
}

// The flags of encodeStepFacts.
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

// factReader reads what appendStepFacts wrote; a short or malformed row
// sets bad.
type factReader struct {
	b    []byte
	bad  bool
	code func([]byte) string // the held string of a code
}

func (r *factReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *factReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *factReader) bytes() []byte {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.bad, r.b = true, nil
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *factReader) byte() byte {
	if len(r.b) == 0 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
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
		if err := t.UnmarshalBinary(r.bytes()); err != nil {
			r.bad = true
		}
		return t
	}
	r.bad = true
	return time.Time{}
}

// decodeStepFacts reads into f the facts appendStepFacts wrote in b, and
// reports whether b held them (and nothing more).
func decodeStepFacts(b []byte, f *app.CaseFacts, code func([]byte) string) bool {
	r := factReader{b: b, code: code}
	flags := r.byte()
	f.HasSteps, f.Finished = flags&factHasSteps != 0, flags&factFinished != 0
	f.Timed, f.Late = flags&factTimed != 0, flags&factLate != 0
	if n := r.uvarint(); n > 0 && n <= uint64(len(r.b)) {
		f.Changes = make([]app.StatusChange, n)
		for i := range f.Changes {
			f.Changes[i].At = r.time()
			f.Changes[i].To = code(r.bytes())
		}
	} else if n > 0 {
		return false
	}
	f.FinishedAt = r.time()
	f.Outcome = code(r.bytes())
	f.Amount = r.varint()
	f.OwnDue = r.time()
	return !r.bad && len(r.b) == 0
}

// factsOfMissing computes the facts of the cases of missing (by their
// position in facts) from their steps, read by id a few thousand cases
// at a time.
func (db *DB) factsOfMissing(ctx context.Context, missing []missingCase, facts []app.CaseFacts, rules []app.SlaRule, cal *app.Calendar) error {
	for len(missing) > 0 {
		part := missing[:min(stepsByID, len(missing))]
		missing = missing[len(part):]
		ids := make([]string, len(part))
		for i := range part {
			ids[i] = part[i].c.ID
		}
		steps, err := db.factStepsOf(ctx, ids)
		if err != nil {
			return fmt.Errorf("kpi case steps: %w", err)
		}
		for _, m := range part {
			facts[m.at] = app.NewCaseFacts(&m.c, steps[m.c.ID], rules, cal)
		}
	}
	return nil
}

// missingCase is a case read without its facts, at position at.
type missingCase struct {
	at int
	c  app.Case
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
