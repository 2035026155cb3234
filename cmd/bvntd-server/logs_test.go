package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/seeds"
	"bvntd/sync/netsim"
)

// personalKeys are the record fields that hold personal data (names,
// phones, addresses) in a dump. The data model has no ID card number.
var personalKeys = map[string]bool{
	"consumer_name": true, "consumer_phone": true, "consumer_address": true, "consumer_old_address": true,
	"representative_name": true, "business_name": true, "business_phone": true, "business_address": true,
	"full_name": true, "phone": true, "assigned_to": true, "created_by": true, "updated_by": true,
	"officer": true, "kept_officer": true, "other_officer": true, "resolved_by": true, "mediator_name": true,
	"trainers": true, "parties": true,
}

// personalValues returns every personal value of the dumps (and its folded
// form, and a phone's digits), at least 5 characters long so that a match
// in a log means the value, not a word. A value that is only the name of a
// commune or ward (a business's address given as "Phường Mỹ Tho") is
// reference data, not personal.
func personalValues(t *testing.T, dumps ...string) map[string]string {
	t.Helper()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]bool{}
	for _, u := range refs.Units {
		units[strings.TrimSpace(u.Name)] = true
	}
	vals := map[string]string{}
	add := func(key, v string) {
		v = strings.TrimSpace(v)
		if utf8.RuneCountInString(v) < 5 || units[v] {
			return
		}
		vals[v] = key
		if f := app.Fold(v); f != v && utf8.RuneCountInString(f) >= 5 {
			vals[f] = key + " (folded)"
		}
		if strings.Contains(key, "phone") {
			digits := strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, v)
			if len(digits) >= 9 {
				vals[digits] = key + " (digits)"
			}
		}
	}
	for _, dump := range dumps {
		sc := bufio.NewScanner(strings.NewReader(dump))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var rec map[string]any
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				t.Fatalf("dump line %q: %v", sc.Text(), err)
			}
			for k, v := range rec {
				if !personalKeys[k] {
					continue
				}
				switch v := v.(type) {
				case string:
					add(k, v)
				case []any:
					for _, e := range v {
						if s, ok := e.(string); ok {
							add(k, s)
						}
					}
				}
			}
		}
	}
	return vals
}

// logOutput reads every log file of the data folders.
func logOutput(t *testing.T, dirs ...string) (string, []string) {
	t.Helper()
	var b strings.Builder
	var files []string
	for _, dir := range dirs {
		names, err := filepath.Glob(filepath.Join(dir, "bvntd.log*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			data, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			b.Write(data)
			files = append(files, n)
		}
	}
	return b.String(), files
}

// TestLogs_NoPersonalData runs two laptops' day through the real commands
// with --verbose — demo data, enrolment, syncs over a link that cuts (so
// the retries are logged too), edits of synced cases pulled back, an
// export and a backup — against `bvntd-server serve`, then looks for every
// name, phone and address the stores hold in all that was logged: the
// laptops' log files, their stderr, and the server's log.
func TestLogs_NoPersonalData(t *testing.T) {
	if testing.Short() {
		// What the logs say does not depend on the day: the full run and
		// the two full simulated days of .ci/test run it.
		t.Skip("the logs' check runs without -short")
	}
	var serverLog syncBuffer
	dbPath := filepath.Join(t.TempDir(), "server.sqlite")
	sm := NewMain(clocktest.Running(t))
	sm.Stdout, sm.Stderr = io.Discard, &serverLog
	if err := sm.ParseFlags([]string{"serve", "--db", dbPath, "--addr", "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	if err := sm.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sm.Close() })
	srv := &e2eServer{URL: sm.URL(), DB: dbPath}

	var stderr syncBuffer       // every command's stderr
	now := clocktest.Running(t) // the laptops' clock
	bvntd := func(dir string, hc *http.Client, args ...string) string {
		t.Helper()
		var stdout bytes.Buffer
		m := &cli.Main{Stdout: &stdout, Stderr: &stderr, HTTP: hc, Now: now}
		full := append([]string{args[0], "--data", dir, "--verbose"}, args[1:]...)
		if err := m.Run(context.Background(), full); err != nil {
			t.Fatalf("bvntd %v: %v\n%s", args, err, stderr.String())
		}
		return stdout.String()
	}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	bvntd(a, nil, "demo", "--commune", "28261", "--complaints", "40", "--seed", demoSeed(t, 0), "--trainings", "2", "--events", "2")
	bvntd(b, nil, "demo", "--commune", "28261", "--complaints", "15", "--seed", demoSeed(t, 1), "--trainings", "1", "--events", "1")
	bvntd(a, nil, "enroll", "--server", srv.URL, "--code", srv.code(t, "28261"))
	bvntd(b, nil, "enroll", "--server", srv.URL, "--code", srv.code(t, "28261"))
	link := &netsim.Link{CutEvery: 32 << 10}
	bvntd(a, link.Client(20*time.Second), "sync", "--timeout", "2m")
	bvntd(b, nil, "sync")
	bvntd(a, nil, "sync") // pulls b's
	bvntd(a, nil, "demo", "--complaints", "0", "--edits", "15", "--seed", demoSeed(t, 2), "--trainings", "0", "--events", "0")
	bvntd(a, nil, "sync")
	bvntd(b, nil, "sync") // pulls a's edits
	bvntd(a, nil, "export", "--report", "register", "--out", filepath.Join(t.TempDir(), "register.xlsx"))
	bvntd(b, nil, "backup", "--out", filepath.Join(t.TempDir(), "backup.sqlite"))
	if link.Cuts() == 0 {
		t.Fatal("the link never cut: the retry path was not logged")
	}

	values := personalValues(t, bvntd(a, nil, "export", "--report", "dump", "--out", "-"),
		bvntd(b, nil, "export", "--report", "dump", "--out", "-"))
	files, names := logOutput(t, a, b)
	sources := map[string]string{"log files": files, "stderr": stderr.String(), "server log": serverLog.String()}

	// The logs are there and verbose: else finding nothing proves nothing.
	for _, want := range []string{"level=DEBUG msg=\"sync: push batch\"", "msg=\"sync: pulled\"", "msg=\"sync: done\"",
		"msg=\"sync: attempt failed; will retry\"", "msg=\"command: done\" command=demo", "command=export", "command=backup"} {
		if !strings.Contains(files, want) {
			t.Errorf("log files lack %s", want)
		}
	}
	if !strings.Contains(stderr.String(), "sync: done") {
		t.Error("--verbose did not copy the log to stderr")
	}
	if !strings.Contains(serverLog.String(), `"msg":"request"`) {
		t.Error("the server logged no request")
	}
	if len(values) < 200 {
		t.Fatalf("only %d personal values in the stores", len(values))
	}

	// The handler blanks long digit runs (phones) as a second line of
	// defence; the first is that nothing tries to log one.
	for src, text := range sources {
		if n := strings.Count(text, "[số đã ẩn]"); n > 0 {
			t.Errorf("%s: %d numbers blanked by the log handler: something logs phones or ID numbers", src, n)
		}
	}
	var leaks []string
	for v, key := range values {
		for src, text := range sources {
			if strings.Contains(text, v) {
				leaks = append(leaks, src+": "+key+" "+v)
			}
		}
	}
	sort.Strings(leaks)
	for _, l := range leaks {
		t.Errorf("personal data in the logs: %s", l)
	}
	t.Logf("%d personal values looked for in %d log files (%d bytes), %d bytes of stderr, %d bytes of server log",
		len(values), len(names), len(files), len(stderr.String()), len(serverLog.String()))
}
