package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"bvntd/app/clocktest"
)

// TestOpen_PageSize: a new store has 8 KB pages (a case's row and its sent
// change are some 2 KB each); a store made with 4 KB pages, as before,
// opens, keeps its pages and its cases.
func TestOpen_PageSize(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bvntd.sqlite")
	opts := Options{Now: clocktest.AtToday(t).Now, DeviceTag: seededTag(t)}
	db := openTestDBAt(t, path, opts)
	if got := pageSize(t, db.w); got != 8192 {
		t.Fatalf("a new store's page size = %d, want 8192", got)
	}
	c := newCase(db, "Nguyễn Thị Hồng Đào")
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// The store as an earlier version made it: 4 KB pages.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"PRAGMA journal_mode = DELETE", "PRAGMA page_size = 4096", "VACUUM", "PRAGMA journal_mode = WAL"} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db = openTestDBAt(t, path, opts)
	if got := pageSize(t, db.w); got != 4096 {
		t.Fatalf("an older store's page size = %d after opening, want 4096 kept", got)
	}
	if got, err := db.GetCase(ctx, c.ID); err != nil || got.ConsumerName != c.ConsumerName {
		t.Fatalf("the case in the older store: %+v, %v", got, err)
	}
}

func pageSize(t *testing.T, q interface {
	QueryRow(string, ...any) *sql.Row
}) int {
	t.Helper()
	var n int
	if err := q.QueryRow("PRAGMA page_size").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
