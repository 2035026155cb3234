//go:build unix

package cli

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"bvntd/app/clocktest"
	"bvntd/storage"
)

// buildBvntd builds the desktop program; its sub-commands open no window,
// so the ci tag (no OpenGL, no cgo) is enough.
func buildBvntd(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	out, err := exec.Command(goTool, "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "bvntd")
	cmd := exec.Command(goTool, "build", "-tags", "ci", "-o", bin, "bvntd")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(out)))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// The real `bvntd backup` process is killed (SIGKILL, as a power cut) at
// points spread over a backup: the store stays sound, and every file
// listed as a backup is whole; a half copy is only ever a NAME.tmp.
func TestKill_BackupNeverLeavesAHalfBackup(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	ctx := context.Background()
	bin := buildBvntd(t)
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "20", "--plain"); err != nil {
		t.Fatal(err)
	}
	// Some bulk, so that a copy takes a while.
	c, err := sql.Open("sqlite", "file:"+filepath.Join(dir, StoreFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec("INSERT INTO meta (key, value) VALUES ('test_padding', hex(randomblob(24000000)))"); err != nil {
		t.Fatal(err)
	}
	c.Close()
	backups := BackupDir(dir)
	runBackup := func() *exec.Cmd {
		cmd := exec.Command(bin, "backup", "--data", dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	// The program runs on the wall clock; the time a backup takes is
	// measured on a running clock (real elapsed time).
	clock := clocktest.Running(t)
	start := clock()
	if err := runBackup().Wait(); err != nil {
		t.Fatal(err)
	}
	full := clock().Sub(start)
	t.Logf("one backup of a %d MB store: %v", sizeMB(filepath.Join(dir, StoreFile)), full)

	cut := 0
	for i := 1; i <= 8; i++ {
		before, _ := storage.ListBackups(ctx, backups, dataKeys(t, dir))
		cmd := runBackup()
		time.Sleep(full * time.Duration(i) / 9)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if err := storage.CheckFile(ctx, filepath.Join(dir, StoreFile)); err != nil {
			t.Fatalf("kill %d: the store: %v", i, err)
		}
		after, err := storage.ListBackups(ctx, backups, dataKeys(t, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range after {
			if b.Err != nil {
				t.Fatalf("kill %d: %s is listed but unusable: %v", i, b.Name, b.Err)
			}
			if err := storage.CheckBackup(ctx, b.Path, dataKeys(t, dir)); err != nil {
				t.Fatalf("kill %d: %s is listed but damaged: %v", i, b.Name, err)
			}
		}
		if len(after) == len(before) {
			cut++
		}
		// The next backups are a second apart at least (the program
		// names them by the second of its wall clock).
		time.Sleep(time.Second)
	}
	if cut == 0 {
		t.Fatal("every backup finished before its kill; the test is void")
	}
	t.Logf("%d of 8 backups killed before they were whole", cut)
	if err := runBackup().Wait(); err != nil {
		t.Fatalf("a backup after the kills: %v", err)
	}
}

func sizeMB(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size() >> 20
}
