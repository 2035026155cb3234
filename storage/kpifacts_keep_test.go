package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/seeds"
)

// withKeepPart runs the test with keepPart set to n.
func withKeepPart(t testing.TB, n int) {
	t.Helper()
	old := keepPart
	keepPart = n
	t.Cleanup(func() { keepPart = old })
}

// withKeepingHook sets keepingHook for the test.
func withKeepingHook(t testing.TB, hook func(ids []string)) {
	t.Helper()
	keepingHook = hook
	t.Cleanup(func() { keepingHook = nil })
}

// keptBytes are the rows of case_facts, by case.
func keptBytes(t *testing.T, db *DB) map[string][]byte {
	t.Helper()
	rows, err := db.r.Query(`SELECT case_id, facts FROM case_facts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var id string
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			t.Fatal(err)
		}
		out[id] = b
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// textsOf returns the texts query selects.
func textsOf(tb testing.TB, db *DB, query string) []string {
	tb.Helper()
	rows, err := db.r.Query(query)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// caseCount is how many rows case_list has (voided cases included).
func caseCount(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.r.QueryRow(`SELECT count(*) FROM case_list`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// keepFacts calls KeepCaseFacts and checks that it kept want cases' facts.
func keepFacts(t *testing.T, db *DB, want int, what string) {
	t.Helper()
	n, err := db.KeepCaseFacts(context.Background())
	if err != nil || n != want {
		t.Fatalf("%s: kept %d, %v; want %d", what, n, err, want)
	}
}

// TestKeepCaseFacts_AfterAPull: after a pull of 300 cases with their
// steps (no facts kept), KeepCaseFacts keeps every case's facts, a batch
// at a time, the same rows a dashboard keeps; the dashboard then reads
// them (the same figures as from the steps), and nothing is left to do.
func TestKeepCaseFacts_AfterAPull(t *testing.T) {
	withKeepPart(t, 64) // five batches
	db := pulledCasesStore(t, 300)
	if n, _ := keptRows(t, db, ""); n != 0 {
		t.Fatalf("%d facts kept after the pull", n)
	}
	var batches int
	withKeepingHook(t, func(ids []string) {
		batches++
		if len(ids) > 64 || !slices.IsSortedFunc(ids, func(a, b string) int { return strings.Compare(b, a) }) {
			t.Fatalf("a batch of %d cases, not the newest ids first: %v", len(ids), ids)
		}
	})
	keepFacts(t, db, 300, "after the pull")
	if batches != 5 {
		t.Fatalf("%d batches, want 5", batches)
	}
	if n, _ := keptRows(t, db, ""); n != 300 {
		t.Fatalf("%d facts kept, want 300", n)
	}
	kept := keptBytes(t, db)

	// The dashboard reads them: the figures of the steps.
	want := factsFromSteps(t, db, "")
	d, err := db.KPIFacts(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !equalFacts(d.Facts, want) {
		t.Fatal("the dashboard's facts after KeepCaseFacts are not those of the steps")
	}
	// The rows a dashboard keeps are the same.
	if _, err := db.w.Exec(`DELETE FROM case_facts`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.KPIFacts(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	byDashboard := keptBytes(t, db)
	if len(byDashboard) != len(kept) {
		t.Fatalf("the dashboard kept %d, KeepCaseFacts %d", len(byDashboard), len(kept))
	}
	for id, b := range byDashboard {
		if !bytes.Equal(kept[id], b) {
			t.Fatalf("case %s: kept %x, the dashboard keeps %x", id, kept[id], b)
		}
	}
	batches = 0
	keepFacts(t, db, 0, "all kept")
	keepFacts(t, db, 0, "all kept, again")
	if batches != 0 {
		t.Fatalf("%d batches read with every case kept", batches)
	}
}

// equalFacts reports whether two readings of the facts are equal.
func equalFacts(a, b []app.CaseFacts) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return len(a) == len(b) && bytes.Equal(ja, jb)
}

// TestKeepCaseFacts_AfterWrites: KeepCaseFacts keeps the facts of the
// cases written since (a step, an edit, a voided case, a pulled case),
// and of every case after new time limits, voided cases included, so
// that KPIFacts reads the figures of the steps with every case kept.
func TestKeepCaseFacts_AfterWrites(t *testing.T) {
	withKeepPart(t, 16)
	ctx := context.Background()
	db, _ := factsStore(t)
	all := caseCount(t, db)
	keepFacts(t, db, all, "the first time")
	sameFacts(t, db, "after KeepCaseFacts")

	open, finished := openAndFinished(t, db)
	if err := db.AddCaseEvent(ctx, open.ID, &app.CaseEvent{Kind: app.EventNote, Note: "Gọi điện cho doanh nghiệp."}); err != nil {
		t.Fatal(err)
	}
	if err := db.Edit(ctx, app.EntityCase, finished.ID, 0, map[string]json.RawMessage{
		"vulnerable_groups": json.RawMessage(`["nguoi_cao_tuoi"]`)}); err != nil {
		t.Fatal(err)
	}
	keepFacts(t, db, 2, "a step and an edit")
	if err := db.VoidCase(ctx, finished.ID, "Ghi trùng."); err != nil {
		t.Fatal(err)
	}
	keepFacts(t, db, 1, "a voided case")
	sameFacts(t, db, "after the writes")

	changed, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	for i := range changed.SlaRules {
		changed.SlaRules[i].WorkingDays += 2
	}
	db.SetRefs(changed)
	keepFacts(t, db, all, "new time limits")
	rules, cal, err := db.deadlineRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !db.readFactsCache(ctx, rules, cal).usable {
		t.Fatal("the facts kept are not of the new time limits")
	}
	sameFacts(t, db, "after new time limits")
}

// TestKeepCaseFacts_Cancelled: KeepCaseFacts stops between batches when
// its context ends, with what it kept; the next call keeps the rest.
func TestKeepCaseFacts_Cancelled(t *testing.T) {
	withKeepPart(t, 50)
	db := pulledCasesStore(t, 120)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	withKeepingHook(t, func([]string) { cancel() }) // during the first batch
	n, err := db.KeepCaseFacts(ctx)
	if !errors.Is(err, context.Canceled) || n != 50 {
		t.Fatalf("kept %d, %v; want 50 and canceled", n, err)
	}
	if k, _ := keptRows(t, db, ""); k != 50 {
		t.Fatalf("%d kept, want 50", k)
	}
	keepingHook = nil
	keepFacts(t, db, 70, "after the cancel")
	if _, err := db.KeepCaseFacts(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled context: %v", err)
	}
}

// TestKeepCaseFacts_WriteMeanwhile: a batch whose case is written while
// its facts are computed is not kept but read again (the write is never
// shadowed by facts read before it); a case of an earlier batch written
// meanwhile is kept by the next call; a store written at every batch is
// left after a few tries, with nothing stale kept.
func TestKeepCaseFacts_WriteMeanwhile(t *testing.T) {
	withKeepPart(t, 16)
	ctx := context.Background()
	db, _ := factsStore(t)
	all := caseCount(t, db)
	openIDs := textsOf(t, db, `SELECT id FROM case_list WHERE NOT voided ORDER BY id`)
	edit := func(id, group string) {
		t.Helper()
		if err := db.Edit(ctx, app.EntityCase, id, 0, map[string]json.RawMessage{
			"vulnerable_groups": json.RawMessage(`["` + group + `"]`)}); err != nil {
			t.Fatal(err)
		}
	}
	isOpen := map[string]bool{}
	for _, id := range openIDs {
		isOpen[id] = true
	}
	// pick returns the i-th case of ids not voided.
	pick := func(ids []string, i int) string {
		t.Helper()
		for _, id := range ids {
			if isOpen[id] {
				if i == 0 {
					return id
				}
				i--
			}
		}
		t.Fatal("too few cases not voided in a batch")
		return ""
	}
	// The first batch's first case, written while the batch is computed;
	// then, during the second batch, a case of the first (kept already).
	calls := 0
	var first []string
	var written string
	withKeepingHook(t, func(ids []string) {
		calls++
		switch calls {
		case 1:
			first = ids
			edit(pick(ids, 0), "nguoi_cao_tuoi")
		case 3: // the second batch
			written = pick(first, 1)
			edit(written, "nguoi_khuyet_tat")
		}
	})
	keepFacts(t, db, all, "written meanwhile")
	if calls < 5 {
		t.Fatalf("%d batches computed", calls)
	}
	if _, has := keptRows(t, db, written); has {
		t.Fatal("a case written after its batch was kept has facts kept")
	}
	keepingHook = nil
	keepFacts(t, db, 1, "the case written after its batch")
	sameFacts(t, db, "after writes during the warm-up")

	// Written at every batch: given up, nothing stale kept.
	if _, err := db.w.Exec(`DELETE FROM case_facts`); err != nil {
		t.Fatal(err)
	}
	db.keptAll.forget() // as a restore does
	calls = 0
	withKeepingHook(t, func(ids []string) {
		calls++
		edit(openIDs[calls%len(openIDs)], "nguoi_cao_tuoi")
	})
	keepFacts(t, db, 0, "written at every batch")
	if calls != keepStaleTries {
		t.Fatalf("%d tries, want %d", calls, keepStaleTries)
	}
	if n, _ := keptRows(t, db, ""); n != 0 {
		t.Fatalf("%d facts kept while written at every batch", n)
	}
	keepingHook = nil
	keepFacts(t, db, all, "once the writes stopped")
	sameFacts(t, db, "once the writes stopped")
}

// BenchmarkKeepCaseFacts keeps the facts of a provincial store of 6,000
// pulled cases with four steps each: none kept (after a pull or a new
// build: every case computed, keepPart at a time), 100 cases spread over
// the store or 100 new ones (after a small pull), and every case kept
// (the check of the window after each sync: one row once a call found
// them all kept, and the first call of a process, which counts them).
//
//	go test -tags ci -run '^$' -bench KeepCaseFacts -benchmem ./storage
func BenchmarkKeepCaseFacts(b *testing.B) {
	ctx := context.Background()
	db := pulledCasesStore(b, 6000)
	keep := func(b *testing.B, want int) {
		n, err := db.KeepCaseFacts(ctx)
		if err != nil || n != want {
			b.Fatalf("kept %d, %v; want %d", n, err, want)
		}
	}
	keepAll := func(b *testing.B) { // whatever ran before
		if _, err := db.KeepCaseFacts(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("none kept", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			if _, err := db.w.ExecContext(ctx, `DELETE FROM case_facts`); err != nil {
				b.Fatal(err)
			}
			db.keptAll.forget()
			b.StartTimer()
			keep(b, 6000)
		}
	})
	b.Run("100 missing", func(b *testing.B) { // a sync that pulled 100 cases' changes
		keepAll(b)
		ids := textsOf(b, db, `SELECT case_id FROM case_facts ORDER BY case_id`)
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			for i := range 100 { // spread over the store, as a pull's are
				if _, err := db.w.ExecContext(ctx, `DELETE FROM case_facts WHERE case_id = ?`, ids[i*len(ids)/100]); err != nil {
					b.Fatal(err)
				}
			}
			db.keptAll.forget() // the deletes moved no generation
			b.StartTimer()
			keep(b, 100)
		}
	})
	b.Run("100 new", func(b *testing.B) { // a sync that pulled 100 new cases
		keepAll(b)
		for i := range b.N {
			b.StopTimer()
			pullCases(b, db, 6000+i*100, 100)
			b.StartTimer()
			keep(b, 100)
		}
	})
	b.Run("all kept", func(b *testing.B) {
		keepAll(b)
		keep(b, 0)
		b.ResetTimer()
		for range b.N {
			keep(b, 0)
		}
	})
	b.Run("all kept, first call", func(b *testing.B) {
		keepAll(b)
		b.ResetTimer()
		for range b.N {
			db.keptAll.forget()
			keep(b, 0)
		}
	})
}

// TestKeepCaseFacts_AfterARestore: a store restored from a backup with
// fewer facts kept, of the same basis and generation as the store that
// had them all, has its missing facts kept: the restore forgets that
// every case's were kept.
func TestKeepCaseFacts_AfterARestore(t *testing.T) {
	ctx := context.Background()
	db, _ := factsStore(t)
	all := caseCount(t, db)
	if _, err := db.KPIFacts(ctx, "28249"); err != nil { // one commune's facts kept
		t.Fatal(err)
	}
	some, _ := keptRows(t, db, "")
	if some == 0 || some >= all {
		t.Fatalf("%d of %d kept by one commune's dashboard", some, all)
	}
	backup, err := db.BackupTo(ctx, t.TempDir(), app.BackupManual)
	if err != nil {
		t.Fatal(err)
	}
	keepFacts(t, db, all-some, "the other communes'")
	keepFacts(t, db, 0, "all kept")
	if _, err := db.Restore(ctx, backup.Path, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if n, _ := keptRows(t, db, ""); n != some {
		t.Fatalf("%d kept after the restore, want %d", n, some)
	}
	keepFacts(t, db, all-some, "after the restore")
	sameFacts(t, db, "after the restore")
}

// TestKeepCaseFacts_NewestFirst: after a pull of new cases into a store
// whose every case's facts are kept, KeepCaseFacts reads the newest ids
// first and stops once it kept as many as were missing: the older cases'
// rows are not read again.
func TestKeepCaseFacts_NewestFirst(t *testing.T) {
	withKeepPart(t, 8)
	db := pulledCasesStore(t, 200)
	keepFacts(t, db, 200, "the first time")
	pullCases(t, db, 200, 8)
	var batches [][]string
	withKeepingHook(t, func(ids []string) { batches = append(batches, ids) })
	reads := 0
	withCaseReads(t, func() { reads++ })
	keepFacts(t, db, 8, "8 new cases")
	if len(batches) != 1 || reads != 1 {
		t.Fatalf("%d batches kept, %d reads of cases; want one of each", len(batches), reads)
	}
	newest := textsOf(t, db, `SELECT id FROM case_list ORDER BY id DESC LIMIT 8`)
	if !slices.Equal(batches[0], newest) {
		t.Fatalf("kept %v, want the newest %v", batches[0], newest)
	}
	sameFacts28205(t, db)
}

// sameFacts28205 checks that KPIFacts reads, for the province and for a
// commune of pulledCasesStore, the facts computed from the steps.
func sameFacts28205(t *testing.T, db *DB) {
	t.Helper()
	for _, unit := range []string{"", "28205"} {
		d, err := db.KPIFacts(context.Background(), unit)
		if err != nil {
			t.Fatal(err)
		}
		if !equalFacts(d.Facts, factsFromSteps(t, db, unit)) {
			t.Fatalf("unit %q: the facts kept are not those of the steps", unit)
		}
	}
}

// withCaseReads sets caseReadsHook for the test.
func withCaseReads(t testing.TB, hook func()) {
	t.Helper()
	caseReadsHook = hook
	t.Cleanup(func() { caseReadsHook = nil })
}
