package storage

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"testing"
	"time"

	"bvntd/app"
)

// listRows returns case_list as text, row by row in id order: what the
// lists, search and indicators read.
func listRows(t *testing.T, db *DB) string {
	t.Helper()
	rows, err := db.r.Query("SELECT * FROM case_list ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out bytes.Buffer
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(vals)
		out.Write(append(b, '\n'))
	}
	return out.String()
}

func ftsIntegrity(t *testing.T, db *DB) {
	t.Helper()
	var ok string
	// rank 1: the index is also checked against case_list, its content.
	if err := db.w.QueryRow("INSERT INTO cases_fts (cases_fts, rank) VALUES ('integrity-check', 1) RETURNING 'ok'").Scan(&ok); err != nil {
		t.Fatalf("fts integrity: %v", err)
	}
}

// A page stored by the batched path (ApplyPull: one read per kind,
// multi-row upserts) leaves the store exactly as storing its records one
// by one does (applyPulled, the path of the quarantine's retry): the same
// documents, versions and list rows. The page crosses the upserts' chunks
// (600 cases), holds a record twice (the second wins), a record the store
// holds with a change not yet sent (its local value stays), a record it
// holds unchanged, a step and an unreadable record (quarantined).
func TestApplyPull_BatchedEqualsOneByOne(t *testing.T) {
	ctx := context.Background()
	one, batched, raw := MustOpenDB(t), MustOpenDB(t), MustOpenDB(t)
	cs := syntheticCases(600, 7, one.Now())
	page := pulledCases(cs, 700)

	// The stores hold two of the cases: one with an edit not yet sent.
	for _, db := range []*DB{one, batched, raw} {
		if _, err := db.ApplyPull(ctx, []app.PulledPage{pulledCases(cs[:2], 2)}); err != nil {
			t.Fatal(err)
		}
		if err := db.Edit(ctx, app.EntityCase, cs[0].ID, 1, map[string]json.RawMessage{
			"consumer_phone": json.RawMessage(`"0911222333"`)}); err != nil {
			t.Fatal(err)
		}
	}
	changed := cs[0].Fields()
	changed["summary"] = json.RawMessage(`"Tóm tắt mới từ máy khác."`)
	changed["consumer_phone"] = json.RawMessage(`"0900000001"`)
	page.Records[0] = app.PulledRecord{Entity: app.EntityCase, ID: cs[0].ID, Fields: changed, Version: 2}
	again := cs[5].Fields()
	again["consumer_name"] = json.RawMessage(`"Lần Thứ Hai"`)
	page.Records = append(page.Records,
		app.PulledRecord{Entity: app.EntityCase, ID: cs[5].ID, Fields: again, Version: 2},
		app.PulledRecord{Entity: app.EntityCaseEvent, ID: app.NewID(), Version: 1, Fields: map[string]json.RawMessage{
			"case_id": mustJSON(cs[3].ID), "kind": json.RawMessage(`"ghi_chu"`), "note": json.RawMessage(`"Đã gọi điện."`),
			"at": mustJSON(cs[3].ReceivedAt.Format(time.RFC3339))}},
		app.PulledRecord{Entity: app.EntityCase, ID: app.NewID(), Version: 1, Fields: map[string]json.RawMessage{
			"received_at": json.RawMessage(`12`)}})

	if _, err := batched.ApplyPull(ctx, []app.PulledPage{page}); err != nil {
		t.Fatal(err)
	}
	// The same page with the fields as the client hands them over (Raw).
	rawPage := page
	rawPage.Records = make([]app.PulledRecord, len(page.Records))
	for i, r := range page.Records {
		b, err := json.Marshal(r.Fields)
		if err != nil {
			t.Fatal(err)
		}
		r.Raw, r.Fields = b, nil
		rawPage.Records[i] = r
	}
	if _, err := raw.ApplyPull(ctx, []app.PulledPage{rawPage}); err != nil {
		t.Fatal(err)
	}
	err := one.tx(ctx, func(tx *sql.Tx) error {
		held := map[string]bool{}
		for _, r := range page.Records {
			if _, _, err := one.applyPulled(ctx, tx, page.Scope, r, held); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, sqlPutCursor, page.Scope, page.Epoch, page.NextSeq)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, db := range []*DB{batched, raw} {
		if a, b := dumpOf(t, one), dumpOf(t, db); a != b {
			t.Fatalf("documents differ:\none by one %d bytes, batched %d bytes", len(a), len(b))
		}
		if a, b := listRows(t, one), listRows(t, db); a != b {
			t.Fatal("case_list differs")
		}
	}
	for _, db := range []*DB{one, batched, raw} {
		got, err := db.GetCase(ctx, cs[0].ID)
		if err != nil || got.ConsumerPhone != "0911222333" || got.Summary != "Tóm tắt mới từ máy khác." || got.Version != 2 {
			t.Fatalf("the case with a local change: %+v, %v", got, err)
		}
		if got, _ := db.GetCase(ctx, cs[5].ID); got.ConsumerName != "Lần Thứ Hai" || got.Version != 2 {
			t.Fatalf("the case sent twice: %q version %d", got.ConsumerName, got.Version)
		}
		q, err := db.ListQuarantined(ctx)
		if err != nil || len(q) != 1 {
			t.Fatalf("quarantine: %+v, %v", q, err)
		}
		ftsIntegrity(t, db)
	}
}

// The full-text search follows every writer of case_list: a batched
// pull (many rows in one statement), an edit, a pull of a newer version,
// a void.
func TestApplyPull_SearchAfterBatchedPullEditAndVoid(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	cs := syntheticCases(700, 11, db.Now())
	cs[400].ConsumerName = "Quách Thị Riêngbiệt"
	cs[650].BusinessName = "Tiệm Độcnhất"
	if _, err := db.ApplyPull(ctx, []app.PulledPage{pulledCases(cs, 700)}); err != nil {
		t.Fatal(err)
	}
	find := func(q string, voided bool) int {
		t.Helper()
		got, err := db.ListCases(ctx, app.CaseQuery{Text: q, IncludeVoided: voided})
		if err != nil {
			t.Fatal(err)
		}
		return len(got)
	}
	if find("riengbiet", false) != 1 || find("docnhat", false) != 1 {
		t.Fatalf("after the pull: %d, %d", find("riengbiet", false), find("docnhat", false))
	}
	// A local edit.
	if err := db.Edit(ctx, app.EntityCase, cs[400].ID, 1, map[string]json.RawMessage{
		"consumer_name": json.RawMessage(`"Quách Thị Đổitên"`)}); err != nil {
		t.Fatal(err)
	}
	if find("riengbiet", false) != 0 || find("doiten", false) != 1 {
		t.Fatal("after the edit")
	}
	// A pull of a newer version of another case.
	f := cs[650].Fields()
	f["business_name"] = json.RawMessage(`"Tiệm Sauđó"`)
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "e1", NextSeq: 701,
		Records: []app.PulledRecord{{Entity: app.EntityCase, ID: cs[650].ID, Fields: f, Version: 2}}}}); err != nil {
		t.Fatal(err)
	}
	if find("docnhat", false) != 0 || find("saudo", false) != 1 {
		t.Fatal("after the second pull")
	}
	// A void.
	if err := db.VoidCase(ctx, cs[650].ID, "Nhập nhầm"); err != nil {
		t.Fatal(err)
	}
	if find("saudo", false) != 0 || find("saudo", true) != 1 {
		t.Fatal("after the void")
	}
	ftsIntegrity(t, db)
}

// A pull's transaction indexes the cases it adds at its end (migration
// 0026), across the pages it stores: a case added by the first page and
// renamed by the second is found by its new name only, a case the store
// held before is re-indexed at once, and the store ends as storing the
// pages one transaction each leaves it: the same list rows, the index in
// step with case_list, the facts' generation raised, nothing deferred.
func TestApplyPull_IndexesAddedCasesAtTheEnd(t *testing.T) {
	ctx := context.Background()
	together, apart := MustOpenDB(t), MustOpenDB(t)
	cs := syntheticCases(303, 19, together.Now())
	for _, db := range []*DB{together, apart} {
		if _, err := db.ApplyPull(ctx, []app.PulledPage{pulledCases(cs[:3], 3)}); err != nil {
			t.Fatal(err)
		}
	}
	first := pulledCases(cs[3:], 303)
	held := cs[0].Fields()
	held["consumer_name"] = json.RawMessage(`"Trước Đãcó"`)
	first.Records = append(first.Records, app.PulledRecord{Entity: app.EntityCase, ID: cs[0].ID, Fields: held, Version: 2})
	added := cs[10].Fields()
	added["consumer_name"] = json.RawMessage(`"Sau Đổimới"`)
	second := app.PulledPage{Scope: "28261", Epoch: "e1", NextSeq: 305, Records: []app.PulledRecord{
		{Entity: app.EntityCase, ID: cs[10].ID, Fields: added, Version: 2}}}
	generation := func(db *DB) (g int64) {
		t.Helper()
		if err := db.r.QueryRow(`SELECT generation FROM case_facts_basis`).Scan(&g); err != nil {
			t.Fatal(err)
		}
		return g
	}
	before := generation(together)
	if _, err := together.ApplyPull(ctx, []app.PulledPage{first, second}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []app.PulledPage{first, second} {
		if _, err := apart.ApplyPull(ctx, []app.PulledPage{p}); err != nil {
			t.Fatal(err)
		}
	}
	if generation(together) <= before {
		t.Fatal("the facts' generation did not rise")
	}
	if a, b := listRows(t, apart), listRows(t, together); a != b {
		t.Fatal("case_list differs from storing the pages apart")
	}
	for _, db := range []*DB{together, apart} {
		ftsIntegrity(t, db)
		var deferred int
		if err := db.r.QueryRow(`SELECT count(*) FROM pull_deferred`).Scan(&deferred); err != nil || deferred != 0 {
			t.Fatalf("pull_deferred: %d rows, %v", deferred, err)
		}
		for q, want := range map[string]string{"doimoi": cs[10].ID, "daco": cs[0].ID, app.Fold(cs[10].ConsumerName): ""} {
			got, err := db.ListCases(ctx, app.CaseQuery{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			if want == "" {
				for _, c := range got {
					if c.ID == cs[10].ID {
						t.Fatalf("%q still finds the renamed case", q)
					}
				}
				continue
			}
			if len(got) != 1 || got[0].ID != want {
				t.Fatalf("%q found %d cases", q, len(got))
			}
		}
	}
}
