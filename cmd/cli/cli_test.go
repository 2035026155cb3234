package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/storage"
)

func run(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	m := &Main{Stdout: &o, Stderr: &e, Now: testNow(t)}
	err = m.Run(context.Background(), args)
	return o.String(), e.String(), err
}

func TestDemo_WritesCasesIntoTheOutbox(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "25", "--edits", "10", "--seed", "2", "--plain"); err != nil {
		t.Fatal(err)
	}
	db, refs, err := OpenStore(context.Background(), dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases, err := db.ListCases(context.Background(), app.CaseQuery{})
	if err != nil || len(cases) != 25 {
		t.Fatalf("%d cases, %v", len(cases), err)
	}
	now := cases[0].CreatedAt
	for _, c := range cases {
		if err := c.Validate(refs, now); err != nil {
			t.Fatalf("demo case %s is invalid: %v", c.Number, err)
		}
		if c.UnitCode != "28261" || !strings.HasPrefix(c.Number, "28261-") {
			t.Fatalf("case %s in %s", c.Number, c.UnitCode)
		}
	}
	pending, _, err := db.OutboxCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// 25 creations; an edit that happens to change nothing writes nothing.
	if pending < 25+8 || pending > 35 {
		t.Fatalf("%d outbox mutations after 25 creations and 10 edits", pending)
	}
}

// demo leaves an officer profile that signs in with DemoPIN (the demo
// window and the smoke test sign in with it), once however often it runs.
func TestDemo_ProfileWithTheDemoPIN(t *testing.T) {
	dir := t.TempDir()
	for range 2 {
		if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "1", "--plain"); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	db, _, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps, err := db.Profiles(ctx)
	if err != nil || len(ps) != 1 || ps[0].FullName != "Cán bộ tiếp nhận (mẫu)" || ps[0].UnitCode != "28261" {
		t.Fatalf("profiles %+v, %v", ps, err)
	}
	if _, err := db.SignIn(ctx, ps[0].ID, DemoPIN); err != nil {
		t.Fatalf("sign in with DemoPIN: %v", err)
	}
}

func TestDemo_SameSeedSameContent(t *testing.T) {
	names := func() []string {
		dir := t.TempDir()
		if _, _, err := run(t, "demo", "--no-files", "--data", dir, "--commune", "29905", "--complaints", "10", "--seed", "42"); err != nil {
			t.Fatal(err)
		}
		db, _, err := OpenStore(context.Background(), dir, testNow(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		cs, _ := db.ListCases(context.Background(), app.CaseQuery{Sort: app.SortName})
		var out []string
		for _, c := range cs {
			out = append(out, c.ConsumerName+"|"+c.BusinessName)
		}
		return out
	}
	a, b := names(), names()
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Fatal("the same seed gave different sample data")
	}
}

func TestBadInput_VietnameseMessageAndExitCode(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
		exit int
	}{
		{"UnknownCommune", []string{"demo", "--data", dir, "--commune", "99999"}, "Không có xã, phường mã 99999", 2},
		{"NoCommune", []string{"demo", "--data", dir}, "Cần --commune", 2},
		{"NegativeCount", []string{"demo", "--data", dir, "--commune", "28261", "--complaints", "-1"}, "không âm", 2},
		{"UnknownFlag", []string{"sync", "--data", dir, "--bogus"}, "Tham số không hợp lệ", 2},
		{"ExtraArgument", []string{"sync", "--data", dir, "now"}, "Tham số thừa", 2},
		{"UnknownReport", []string{"export", "--data", dir, "--report", "x", "--out", "-"}, "Loại báo cáo không hợp lệ", 2},
		{"NoOut", []string{"export", "--data", dir, "--report", "dump"}, "Cần --out", 2},
		{"EnrollNoCode", []string{"enroll", "--data", dir, "--server", "http://127.0.0.1:1"}, "Cần --server và --code", 2},
		{"EnrollBadURL", []string{"enroll", "--data", dir, "--server", "ftp://x", "--code", "AB"}, "http:// hoặc https://", 2},
		// Nothing listens on port 1: told after at most syncclient.EnrollAttempts attempts.
		{"EnrollServerDown", []string{"enroll", "--data", dir, "--server", "http://127.0.0.1:1", "--code", "AB"},
			"Không kết nối được máy chủ tỉnh tại http://127.0.0.1:1: kiểm tra mạng hoặc địa chỉ.", 1},
		{"SyncNotEnrolled", []string{"sync", "--data", dir}, "chưa đăng ký", 1},
		{"UnknownCommand", []string{"frobnicate"}, "Lệnh không hợp lệ", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o, e bytes.Buffer
			m := &Main{Stdout: &o, Stderr: &e, Now: testNow(t)}
			err := m.Run(context.Background(), tc.args)
			var stderr bytes.Buffer
			code := Exit(&stderr, err)
			if code != tc.exit || !strings.Contains(stderr.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tc.exit, tc.want)
			}
			if strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
				t.Fatalf("message is not one line: %q", stderr.String())
			}
			if o.Len() != 0 {
				t.Fatalf("a failing command wrote to stdout: %q", o.String())
			}
		})
	}
}

func TestExit_InternalErrorIsGenericPlusDetail(t *testing.T) {
	var b bytes.Buffer
	if code := Exit(&b, errors.New("disk on fire")); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if !strings.HasPrefix(b.String(), "Lỗi: "+app.InternalMessage) || !strings.Contains(b.String(), "disk on fire") {
		t.Fatalf("%q", b.String())
	}
	if Exit(&b, nil) != 0 {
		t.Fatal("nil error must exit 0")
	}
}

func TestExportDump_FileAndStdoutAgree(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--no-files", "--data", dir, "--commune", "28261", "--complaints", "7"); err != nil {
		t.Fatal(err)
	}
	stdout, _, err := run(t, "export", "--data", dir, "--report", "dump", "--out", "-")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "dump.jsonl")
	if _, _, err := run(t, "export", "--data", dir, "--report", "dump", "--out", out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	// The demo's cases come with their steps: count the cases.
	if err != nil || string(b) != stdout || strings.Count(stdout, `"type":"case"`) != 7 {
		t.Fatalf("file %d bytes, stdout %d bytes, %d cases (%v)", len(b), len(stdout), strings.Count(stdout, `"type":"case"`), err)
	}
	// A failed export leaves no file behind.
	bad := filepath.Join(t.TempDir(), "missing-dir", "x.jsonl")
	if _, _, err := run(t, "export", "--data", dir, "--report", "dump", "--out", bad); err == nil {
		t.Fatal("export into a missing folder succeeded")
	}
}

func TestBackup_CopyOpensWithTheSameCases(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--no-files", "--data", dir, "--commune", "28261", "--complaints", "3"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "copy.sqlite")
	if _, _, err := run(t, "backup", "--data", dir, "--out", out); err != nil {
		t.Fatal(err)
	}
	// Encrypted: it becomes a store in an empty data folder with a key
	// that opens it (here the laptop's own key file).
	copyDir := t.TempDir()
	if _, _, err := run(t, "restore", "--data", copyDir, "--from", out, "--key", storage.BackupKeyPath(dir)); err != nil {
		t.Fatal(err)
	}
	a, _, _ := run(t, "export", "--data", dir, "--report", "dump", "--out", "-")
	b, _, _ := run(t, "export", "--data", copyDir, "--report", "dump", "--out", "-")
	if a != b || a == "" {
		t.Fatal("the backup's dump differs from the store's")
	}
}
