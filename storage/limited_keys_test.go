package storage

import (
	"context"
	"fmt"
	"maps"
	"testing"

	"bvntd/app"
)

// TestLimitedOf_IsLimitedKeysOfTheIDs: looking the records up by key, in
// chunks, finds exactly the ones the whole table lists, of the entity
// asked, ids missing and of other entities left out.
func TestLimitedOf_IsLimitedKeysOfTheIDs(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1300 {
		entity := app.EntityCase
		if i%3 == 0 {
			entity = app.EntityParticipant
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO limited_records (entity, id) VALUES (?, ?)", entity, fmt.Sprintf("id-%05d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	all, err := limitedKeys(ctx, db.r)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := 0; i < 1600; i += 2 { // 800 ids: two chunks, some past the table's end
		ids = append(ids, fmt.Sprintf("id-%05d", i))
	}
	want := map[string]bool{}
	for _, id := range ids {
		if k := limitedKey(app.EntityCase, id); all[k] {
			want[k] = true
		}
	}
	got := map[string]bool{}
	if err := limitedOf(ctx, db.r, app.EntityCase, ids, got); err != nil {
		t.Fatal(err)
	}
	if len(want) < 300 || !maps.Equal(got, want) {
		t.Errorf("limitedOf: %d keys, want %d (the same)", len(got), len(want))
	}
	pages := []app.PulledPage{{Records: []app.PulledRecord{{Entity: app.EntityCase, ID: "id-00001"}, {Entity: app.EntityParticipant, ID: "id-00003"},
		{Entity: app.EntityParticipant, ID: "id-00001"}, {Entity: app.EntityCase, ID: "id-99999"}}}}
	byPage, err := limitedOfPages(ctx, db.r, pages)
	if err != nil {
		t.Fatal(err)
	}
	if w := map[string]bool{limitedKey(app.EntityCase, "id-00001"): true, limitedKey(app.EntityParticipant, "id-00003"): true}; !maps.Equal(byPage, w) {
		t.Errorf("limitedOfPages: %v, want %v", byPage, w)
	}
}

// BenchmarkLimitedOfPage: which of a pulled page's 500 records a
// provincial laptop holding 200,000 limited records holds limited (each
// page of its first pull asks).
func BenchmarkLimitedOfPage(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 200_000 {
		if _, err := tx.ExecContext(ctx, "INSERT INTO limited_records (entity, id) VALUES (?, ?)", app.EntityCase, fmt.Sprintf("id-%07d", i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	var recs []app.PulledRecord
	for i := range 500 {
		recs = append(recs, app.PulledRecord{Entity: app.EntityCase, ID: fmt.Sprintf("id-%07d", 150_000+i*2)})
	}
	pages := []app.PulledPage{{Records: recs}}
	for b.Loop() {
		if _, err := limitedOfPages(ctx, db.r, pages); err != nil {
			b.Fatal(err)
		}
	}
}
