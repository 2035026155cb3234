package serverstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// TestFileIndex_MigrationFillsItFromTheRecords: the migration that makes
// attachment_files fills it from the attachment records already held —
// live and voided ones, not a record whose fields are not JSON, nor one
// without a hash — exactly as the push path's own upkeep would
// (RebuildFileIndex goes through it).
func TestFileIndex_MigrationFillsItFromTheRecords(t *testing.T) {
	clock := clocktest.AtToday(t)
	s, _ := MustOpen(t, clock)
	ctx := context.Background()
	db := s.RawDB()
	ins := s.Bind(`INSERT INTO records (entity, id, scope, fields, stamps, seq, version, created_at, updated_at, sole_writer)
		VALUES (?, ?, ?, ?, '{}', ?, 1, 0, 0, '')`)
	h := strings.Repeat("ab", 32)
	rows := []struct{ id, scope, fields string }{
		{"01JAAAAAAAAAAAAAAAAAAAAAA1", "28261", fmt.Sprintf(`{"sha256":%q,"size":10}`, h)},
		{"01JAAAAAAAAAAAAAAAAAAAAAA2", "28249", fmt.Sprintf(`{"sha256":%q,"voided":true,"void_reason":"nhầm"}`, h)},
		{"01JAAAAAAAAAAAAAAAAAAAAAA3", "28261", `không phải JSON`},
		{"01JAAAAAAAAAAAAAAAAAAAAAA4", "28261", `{"name":"thiếu mã băm.jpg"}`},
	}
	for i, r := range rows {
		if _, err := db.ExecContext(ctx, ins, app.EntityAttachment, r.id, r.scope, r.fields, i+1); err != nil {
			t.Fatal(err)
		}
	}
	dir, name := "migrations", "0009_attachment_files_index.sql"
	if s.IsPostgresStore() {
		dir, name = "migrations_pg", "0008_attachment_files_index_pg.sql"
	}
	script, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, "DROP TABLE attachment_files"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, string(script)); err != nil {
		t.Fatalf("the migration: %v", err)
	}
	read := func() string {
		t.Helper()
		r, err := db.QueryContext(ctx, "SELECT id, scope, sha256, voided FROM attachment_files ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var b strings.Builder
		for r.Next() {
			var id, scope, sha string
			var voided int
			if err := r.Scan(&id, &scope, &sha, &voided); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %s %s %d\n", id, scope, app.ShortHash(sha), voided)
		}
		return b.String()
	}
	migrated := read()
	want := "01JAAAAAAAAAAAAAAAAAAAAAA1 28261 abababab 0\n01JAAAAAAAAAAAAAAAAAAAAAA2 28249 abababab 1\n"
	if migrated != want {
		t.Fatalf("the migration filled\n%s\nwant\n%s", migrated, want)
	}
	if err := s.RebuildFileIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if got := read(); got != migrated {
		t.Fatalf("the push path's upkeep gives\n%s\nthe migration\n%s", got, migrated)
	}
}
