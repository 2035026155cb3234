package storage

import (
	"context"
	"testing"
)

// The writer keeps a bulk write's statement journal and sorter in memory
// and has a page cache large enough for a pulled page (sqlitefile.WriterMemory).
func TestOpen_WriterKeepsBulkWorkInMemory(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	var tempStore, cacheSize int
	if err := db.w.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&tempStore); err != nil {
		t.Fatal(err)
	}
	if err := db.w.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cacheSize); err != nil {
		t.Fatal(err)
	}
	if tempStore != 2 || cacheSize != -32000 {
		t.Errorf("writer: temp_store %d, cache_size %d; want 2 (memory), -32000", tempStore, cacheSize)
	}
}
