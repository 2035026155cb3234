package applog

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// logFiles returns the log files of dir by name with their sizes.
func logFiles(t *testing.T, dir string) map[string]int64 {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = fi.Size()
	}
	return out
}

func TestWriterRotatesBySizeAndKeepsFiles(t *testing.T) {
	dir := t.TempDir()
	w, err := OpenWriter(dir, "bvntd.log", 1000, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// 100 lines of 100 bytes: 10 files' worth, of which 3 are kept.
	for i := range 100 {
		line := fmt.Sprintf("line %04d %s\n", i, strings.Repeat("x", 89))
		if len(line) != 100 {
			t.Fatalf("line length %d", len(line))
		}
		if _, err := w.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	files := logFiles(t, dir)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	if want := []string{"bvntd.log", "bvntd.log.1", "bvntd.log.2"}; strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("files %v, want %v", names, want)
	}
	for n, size := range files {
		if size > 1000 {
			t.Errorf("%s has %d bytes, limit 1000", n, size)
		}
	}
	// The newest lines are in bvntd.log, the ones before in .1 and .2, in order.
	var all []byte
	for _, n := range []string{"bvntd.log.2", "bvntd.log.1", "bvntd.log"} {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	lines := strings.Split(strings.TrimSpace(string(all)), "\n")
	if len(lines) != 30 || !strings.HasPrefix(lines[0], "line 0070 ") || !strings.HasPrefix(lines[29], "line 0099 ") {
		t.Fatalf("kept %d lines, first %.9q, last %.9q; want lines 70 to 99", len(lines), lines[0], lines[len(lines)-1])
	}
}

func TestWriterAppendsAcrossOpens(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 {
		w, err := OpenWriter(dir, "bvntd.log", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "run %d\n", i)
		w.Close()
	}
	b, _ := os.ReadFile(filepath.Join(dir, "bvntd.log"))
	if string(b) != "run 0\nrun 1\nrun 2\n" {
		t.Fatalf("log %q", b)
	}
	if _, err := (&Writer{}).Write([]byte("x")); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("write on a closed writer: %v", err)
	}
}

// Two writers on one file stand for the window and a scheduled `bvntd
// sync`: whichever rotates, no line is lost and the limit holds.
func TestTwoWritersShareTheFile(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenWriter(dir, "bvntd.log", 2000, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenWriter(dir, "bvntd.log", 2000, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for i := range 100 {
		w, who := a, "a"
		if i%3 == 0 {
			w, who = b, "b"
		}
		fmt.Fprintf(w, "%s %04d %s\n", who, i, strings.Repeat("y", 40))
	}
	seen := map[string]bool{}
	for n, size := range logFiles(t, dir) {
		if size > 2000 {
			t.Errorf("%s has %d bytes, limit 2000", n, size)
		}
		data, _ := os.ReadFile(filepath.Join(dir, n))
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if len(l) > 7 {
				seen[l[2:6]] = true
			}
		}
	}
	if len(seen) != 100 {
		t.Fatalf("%d of 100 lines found in the files", len(seen))
	}
}

func TestLevelsAndAlso(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		t.Run(fmt.Sprint("verbose=", verbose), func(t *testing.T) {
			dir := t.TempDir()
			var stderr bytes.Buffer
			l, err := Open(dir, Options{Verbose: verbose, Also: &stderr})
			if err != nil {
				t.Fatal(err)
			}
			l.Debug("pull page", "records", 12)
			l.Info("sync done", "pushed", 3)
			l.Warn("mutation rejected", "code", "invalid")
			l.Close()
			file, _ := os.ReadFile(l.Path())
			has := func(s, sub string) bool { return strings.Contains(s, sub) }
			if has(string(file), "pull page") != verbose {
				t.Errorf("debug line in file = %v, want %v:\n%s", !verbose, verbose, file)
			}
			if !has(string(file), "sync done") || !has(string(file), "mutation rejected") {
				t.Errorf("file lacks info or warning:\n%s", file)
			}
			if !has(stderr.String(), "mutation rejected") || has(stderr.String(), "sync done") != verbose {
				t.Errorf("stderr (verbose %v):\n%s", verbose, stderr.String())
			}
		})
	}
}

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"phone 0912345678 rejected", "phone [số đã ẩn] rejected"},
		{"0912 345 678", "[số đã ẩn]"},
		{"+84912345678", "+[số đã ẩn]"},
		{"cccd=079203001234.", "cccd=[số đã ẩn]."},
		{"cmnd 381234567 và 0987654321", "cmnd [số đã ẩn] và [số đã ẩn]"},
		// Kept: short numbers, dates, case numbers, addresses, hex ids.
		{"pushed 1234 of 5678", "pushed 1234 of 5678"},
		{"case 28261-2026-A7-0012 on 2026-11-27", "case 28261-2026-A7-0012 on 2026-11-27"},
		{"dial tcp 192.168.100.200:8080", "dial tcp 192.168.100.200:8080"},
		{"id 0193a2b4-7c1d-7e2f-8a3b-123456789012", "id 0193a2b4-7c1d-7e2f-8a3b-123456789012"},
		{"token abc123456789012", "token abc123456789012"},
		{"", ""},
	} {
		if got := Redact(tc.in); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestHandlerRedactsMessagesAttrsAndErrors(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{Verbose: true})
	if err != nil {
		t.Fatal(err)
	}
	l.With("caller", "0911111111").Info("call 0922222222", "phone", "0933333333",
		"error", fmt.Errorf("parsing %q: invalid", "0944444444"))
	l.Close()
	b, _ := os.ReadFile(l.Path())
	for _, p := range []string{"0911111111", "0922222222", "0933333333", "0944444444"} {
		if strings.Contains(string(b), p) {
			t.Errorf("log has %s:\n%s", p, b)
		}
	}
	if strings.Count(string(b), "[số đã ẩn]") != 4 {
		t.Errorf("want 4 redactions:\n%s", b)
	}
}
