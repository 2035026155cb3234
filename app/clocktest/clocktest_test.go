package clocktest

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A test that reads the simulated today is noted once in
// BVNTD_TEST_DAYLOG, by its package directory and top-level name, also
// when a subtest reads it; the day runs of .ci/test pass these names to -run.
func TestToday_NotesItsReaderOnce(t *testing.T) {
	log := filepath.Join(t.TempDir(), "daylog")
	t.Setenv(EnvDayLog, log)
	noted.Delete(t.Name())
	Today(t)
	t.Run("sub", func(t *testing.T) {
		AtToday(t)
		Running(t)
	})
	got, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := os.Getwd()
	if want := dir + "\t" + t.Name() + "\n"; string(got) != want {
		t.Fatalf("day log %q, want %q", got, want)
	}
}

// A clock at a day of the test's own choosing notes nothing.
func TestNew_NotNoted(t *testing.T) {
	log := filepath.Join(t.TempDir(), "daylog")
	t.Setenv(EnvDayLog, log)
	noted.Delete(t.Name())
	New(time.Date(2027, 2, 4, 9, 0, 0, 0, ict)).Now()
	if _, err := os.Stat(log); !os.IsNotExist(err) {
		t.Fatalf("a day log was written (%v)", err)
	}
}
