package storage

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"bvntd/app/clocktest"
)

// SQLite decodes the URI back to the very path: a folder with spaces, a
// Vietnamese name, "#", "?" and "%" gets the file, and nothing lands beside
// it.
func TestOpenPathNeedingEscapes(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "Nguyễn Văn An #1?", "dữ liệu 100%", "bvntd.sqlite")
	db, err := Open(context.Background(), path, Options{Now: clocktest.AtToday(t).Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetUnitCode(context.Background(), "28261"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("store not at %s: %v", path, err)
	}
	ents, _ := os.ReadDir(root)
	if len(ents) != 1 || ents[0].Name() != "Nguyễn Văn An #1?" {
		t.Fatalf("files beside the data folder: %v", ents)
	}
}
