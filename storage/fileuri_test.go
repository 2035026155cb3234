package storage

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestFileURIFor(t *testing.T) {
	for _, tc := range []struct {
		path string
		sep  rune
		want string
	}{
		// Windows: the data folder under %LocalAppData%, a Vietnamese user name.
		{`C:\Users\Nguyễn Văn An\AppData\Local\bvntd\bvntd.sqlite`, '\\',
			"file:///C:/Users/Nguy%E1%BB%85n%20V%C4%83n%20An/AppData/Local/bvntd/bvntd.sqlite"},
		{`C:\Users\An\AppData\Roaming\bvntd\bvntd.sqlite`, '\\', "file:///C:/Users/An/AppData/Roaming/bvntd/bvntd.sqlite"},
		{`d:\BVNTD\dữ liệu #1\bvntd.sqlite`, '\\', "file:///d:/BVNTD/d%E1%BB%AF%20li%E1%BB%87u%20%231/bvntd.sqlite"},
		{`E:\sao lưu 100%\bản?.sqlite`, '\\', "file:///E:/sao%20l%C6%B0u%20100%25/b%E1%BA%A3n%3F.sqlite"},
		// A network share (UNC path).
		{`\\may-chu\chia-se\bvntd\bvntd.sqlite`, '\\', "file:////may-chu/chia-se/bvntd/bvntd.sqlite"},
		// Unix.
		{"/home/an/.config/bvntd/bvntd.sqlite", '/', "file:///home/an/.config/bvntd/bvntd.sqlite"},
		{"/tmp/a b/x?y#z.sqlite", '/', "file:///tmp/a%20b/x%3Fy%23z.sqlite"},
	} {
		if got := fileURIFor(tc.path, tc.sep); got != tc.want {
			t.Errorf("fileURIFor(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

// SQLite decodes the URI back to the very path: a folder with spaces, a
// Vietnamese name, "#", "?" and "%" gets the file, and nothing lands beside
// it.
func TestOpenPathNeedingEscapes(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "Nguyễn Văn An #1?", "dữ liệu 100%", "bvntd.sqlite")
	db, err := Open(context.Background(), path, Options{})
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
