package storage

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
)

// The facts of the cases kept ahead of the dashboard (kpifacts_cache.go
// keeps them only as a dashboard or a report reads them): after a pull of
// many cases, a new build, a new holiday year or new time limits, the
// first dashboard would otherwise compute every case's facts from its
// steps (seconds, on a province's store). KeepCaseFacts does that work in
// the background, a batch at a time.

// keepPart is how many cases KeepCaseFacts reads (their rows, then their
// steps by id) and keeps in one write transaction. A variable for the
// tests.
var keepPart = 4000

// keepStaleTries is how many times in a row KeepCaseFacts computes a
// batch again after a write made it stale, before it leaves the rest for
// its next call: a store written all the while (a pull) is not read for
// nothing again and again.
const keepStaleTries = 3

// keepingHook, if set (tests), is called with each batch's cases once
// their facts are computed and before they are kept; caseReadsHook at
// each reading of the next cases without facts.
var (
	keepingHook   func(ids []string)
	caseReadsHook func()
)

// factsComplete is what a DB remembers of the last time KeepCaseFacts
// found every case's facts kept: the basis and the generation then. Until
// a case or a step is written (the generation moves) or the basis
// changes, nothing is missing, and one row says so.
type factsComplete struct {
	mu         sync.Mutex
	known      bool
	basis      string
	generation int64
}

func (f *factsComplete) is(fc factsCache) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.known && f.basis == fc.basis && f.generation == fc.generation
}

// forget forgets it: the store's content was replaced (a restore).
func (f *factsComplete) forget() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.known = false
}

func (f *factsComplete) set(fc factsCache) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.known, f.basis, f.generation = true, fc.basis, fc.generation
}

// KeepCaseFacts computes and keeps the facts of the cases that have none
// kept, or of every case when the kept ones are of another basis (time
// limits, calendar, build), so that the next dashboard reads them all
// instead of computing them; it returns how many cases' facts it kept.
// It reads keepPart cases at a time, the newest ids first, their steps
// by id, and keeps each batch in a write transaction of its own
// (an officer's save waits for one batch at most), under the rule of the
// cache: a batch read before a case or a step was written is not kept
// (storeFacts) but read again. It stops between batches when ctx ends
// (returning ctx's error and what it kept). When every case's facts are
// kept it reads one row (and, the first time in this process, counts the
// cases and the facts). A failed write is logged and ends it without an
// error: the cases are computed next time, as by a dashboard.
func (db *DB) KeepCaseFacts(ctx context.Context) (kept int, err error) {
	rules, cal, err := db.deadlineRules(ctx)
	if err != nil {
		return 0, err
	}
	r := newFactReading(rules, cal)
	before, stale := "", 0
	var startGen int64 // the generation when this pass began
	missing := -1      // the cases without facts then, if counted
	for first := true; ; first = false {
		if err := ctx.Err(); err != nil {
			return kept, err
		}
		cache := db.readFactsCache(ctx, rules, cal)
		if !cache.writable {
			return kept, nil // logged: the cache cannot be read
		}
		if first {
			startGen = cache.generation
		}
		if first && cache.usable {
			if db.keptAll.is(cache) {
				return 0, nil
			}
			if err := db.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM case_list) - (SELECT count(*) FROM case_facts)`).Scan(&missing); err != nil {
				return 0, fmt.Errorf("kpi facts: %w", err)
			}
		}
		// case_facts holds only cases' rows (the triggers): with as many
		// kept as were missing, and nothing written since, none is left
		// (the rest of the cases is not read).
		if missing >= 0 && kept >= missing && cache.generation == startGen {
			db.keptAll.set(cache)
			return kept, nil
		}
		limit := keepPart
		if missing >= 0 && cache.generation == startGen {
			limit = min(limit, missing-kept) // the query ends once they are found
		}
		part, err := db.casesWithoutFacts(ctx, r, cache.usable, before, limit)
		if err != nil {
			return kept, err
		}
		if len(part) == 0 {
			// Every case is kept if none was written during the pass (a
			// case after before may have been).
			if cache.generation == startGen {
				db.keptAll.set(cache)
			}
			return kept, nil
		}
		n, stored, err := db.keepFactsOf(ctx, r, cache, part)
		if err != nil {
			return kept, err
		}
		if !stored {
			if stale++; stale == keepStaleTries {
				slog.Info("kpi facts: kept in part, the store being written meanwhile", "kept", kept)
				return kept, nil
			}
			continue // the same batch, read again
		}
		stale, kept, before = 0, kept+n, part[len(part)-1].c.ID
	}
}

// casesWithoutFacts reads the rows of the next limit cases before id
// before ("": from the last), in the descending order of their ids (all
// of them, or with onlyMissing those without kept facts), voided ones
// included (kept as such). The newest ids first: the cases a pull brought
// or a step changed lately are most often new or recent ones, and once
// as many as were missing are kept the older ones are not read.
func (db *DB) casesWithoutFacts(ctx context.Context, r *factReading, onlyMissing bool, before string, limit int) ([]missingCase, error) {
	if caseReadsHook != nil {
		caseReadsHook()
	}
	cond, args := `1`, []any(nil)
	if before != "" {
		cond, args = `c.id < ?`, append(args, before)
	}
	if onlyMissing {
		cond += ` AND NOT EXISTS (SELECT 1 FROM case_facts f WHERE f.case_id = c.id)`
	}
	return db.factCases(ctx, r, cond+` ORDER BY c.id DESC LIMIT ?`, append(args, limit)...)
}

// keepFactsOf computes the facts of the cases of part (their rows read)
// from their steps and keeps them under cache (one transaction); false if
// a write since cache was read made them stale, or the write failed
// (logged).
func (db *DB) keepFactsOf(ctx context.Context, r *factReading, cache factsCache, part []missingCase) (int, bool, error) {
	k := db.newFactsKeeper(ctx, cache)
	if err := db.factsOfMissing(ctx, r, k, part, nil); err != nil {
		k.close()
		return 0, false, err
	}
	if keepingHook != nil {
		keepingHook(missingIDs(part))
	}
	k.close()
	return k.stored, k.stored == len(part), nil
}

// factCases reads the rows of the cases of case_list (as c) that where
// selects (a condition, with any ORDER BY and LIMIT, on args), each with
// its columns joined (factCaseColumns) and read into its case.
func (db *DB) factCases(ctx context.Context, r *factReading, where string, args ...any) ([]missingCase, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+factCaseColumns+` FROM case_list c WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	defer rows.Close()
	var (
		out   []missingCase
		codes sql.RawBytes
	)
	for rows.Next() {
		var m missingCase
		if err := rows.Scan(&m.c.ID, &m.c.Number, &m.c.ConsumerName, &codes); err != nil {
			return nil, err
		}
		m.codes = string(codes)
		if m.received, err = r.caseOf(&m.c, m.codes); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("kpi cases: %w", err)
	}
	return out, nil
}
