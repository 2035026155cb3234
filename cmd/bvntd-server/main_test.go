package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
	"bvntd/sync/syncproto"
)

// TestMain runs the real main() when re-executed by TestExit, so exit codes
// and stderr are tested as a script sees them.
func TestMain(m *testing.M) {
	if os.Getenv("BVNTD_SERVER_MAIN") == "1" {
		os.Args = append([]string{"bvntd-server"}, strings.Fields(os.Getenv("BVNTD_SERVER_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(pgtest.Main(m))
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// run drives one command in-process, as a run of the program on a machine
// whose clock reads the simulated today (clocktest.Running), and returns
// stdout and stderr.
func run(tb testing.TB, args ...string) (string, string, error) {
	tb.Helper()
	return runAt(tb, clocktest.Running(tb), args...)
}

// runAt is run on the clock now: the test's own clock, for commands whose
// output depends on the day (reports).
func runAt(tb testing.TB, now func() time.Time, args ...string) (string, string, error) {
	tb.Helper()
	var stdout, stderr syncBuffer
	m := NewMain(now)
	m.Stdout, m.Stderr = &stdout, &stderr
	err := m.ParseFlags(args)
	if err == nil {
		err = m.Run(context.Background())
	}
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return stdout.String(), stderr.String(), err
}

// MustServe starts serve in-process on a free port, on a clock that starts
// at the simulated today and runs in real time.
func MustServe(tb testing.TB, db string) *Main {
	tb.Helper()
	m := NewMain(clocktest.Running(tb))
	m.Stdout, m.Stderr = &syncBuffer{}, &syncBuffer{}
	if err := m.ParseFlags([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}); err != nil {
		tb.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}

var codeRE = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}\n$`)

func TestEnroll_PrintsCodeAlone(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sub", "server.sqlite") // the folder is created
	stdout, stderr, err := run(t, "enroll", "--db", db, "--scope", "28261", "--ttl", "2h")
	if err != nil {
		t.Fatal(err)
	}
	if !codeRE.MatchString(stdout) {
		t.Fatalf("stdout = %q, want the code alone", stdout)
	}
	if !strings.Contains(stderr, "28261") {
		t.Fatalf("stderr = %q", stderr)
	}
	stdout, _, err = run(t, "enroll", "--db", db, "--scope", "province")
	if err != nil || !codeRE.MatchString(stdout) {
		t.Fatalf("province code: %q, %v", stdout, err)
	}
}

func TestServe(t *testing.T) {
	db := pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite"))
	m := MustServe(t, db)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+$`).MatchString(m.URL()) || m.URL() == "http://127.0.0.1:0" {
		t.Fatalf("URL = %q", m.URL())
	}
	if !strings.Contains(m.Stderr.(*syncBuffer).String(), "listening on "+m.URL()+"\n") {
		t.Fatalf("stderr = %q", m.Stderr.(*syncBuffer).String())
	}

	// The administrator makes a code while the server runs.
	code, _, err := run(t, "enroll", "--db", db, "--scope", "28261")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(syncproto.EnrollRequest{Code: strings.TrimSpace(code), DeviceTag: "A7K3", DeviceName: "Máy 1", AdoptsDeviceID: true})
	req, _ := http.NewRequest(http.MethodPost, m.URL()+syncproto.PathEnroll, bytes.NewReader(body))
	req.Header.Set(syncproto.HeaderProtocol, "1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var er syncproto.EnrollResponse
	json.NewDecoder(res.Body).Decode(&er)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || er.Token == "" || er.Scope != "28261" || !app.ValidID(er.DeviceID) {
		t.Fatalf("enroll over HTTP: %d %+v", res.StatusCode, er)
	}
	deviceID := er.DeviceID

	// Push one case.
	recordID := app.NewID()
	push, _ := json.Marshal(syncproto.PushRequest{Mutations: []syncproto.Mutation{{
		ID: app.NewID(), Entity: app.EntityCase, RecordID: recordID, Scope: "28261", Op: app.OpUpsert,
		Fields: map[string]json.RawMessage{"summary": json.RawMessage(`"Nước mắm giả"`)},
		HLC:    app.HLC{Wall: 1773532800000}.String(),
	}}})
	req, _ = http.NewRequest(http.MethodPost, m.URL()+syncproto.PathPush, bytes.NewReader(push))
	req.Header.Set(syncproto.HeaderProtocol, "1")
	req.Header.Set("Authorization", "Bearer "+er.Token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("push: %d", res.StatusCode)
	}

	// devices lists it with its last sync.
	stdout, _, err := run(t, "devices", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, deviceID) || !strings.Contains(stdout, "28261") || !strings.Contains(stdout, "không") {
		t.Fatalf("devices:\n%s", stdout)
	}

	// export dump writes the record.
	out := filepath.Join(t.TempDir(), "dump.jsonl")
	if _, _, err := run(t, "export", "--db", db, "--report", "dump", "--out", out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"` + recordID + `","summary":"Nước mắm giả","type":"case","unit_code":"28261"}` + "\n"
	if string(b) != want {
		t.Fatalf("dump = %q, want %q", b, want)
	}
	stdout, _, err = run(t, "export", "--db", db, "--report", "dump", "--commune", "28262", "--out", "-")
	if err != nil || stdout != "" {
		t.Fatalf("dump of another commune = %q, %v", stdout, err)
	}

	// revoke: the token stops working.
	if _, _, err := run(t, "revoke", "--db", db, "--device", deviceID); err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest(http.MethodPost, m.URL()+syncproto.PathPull, strings.NewReader(`{}`))
	req.Header.Set(syncproto.HeaderProtocol, "1")
	req.Header.Set("Authorization", "Bearer "+er.Token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("pull after revoke: %d", res.StatusCode)
	}
	stdout, _, _ = run(t, "devices", "--db", db)
	if !strings.Contains(stdout, "có, ") {
		t.Fatalf("devices after revoke:\n%s", stdout)
	}

	// Close shuts the server down.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Post(m.URL()+syncproto.PathPull, "application/json", strings.NewReader(`{}`)); err == nil {
		t.Fatal("server still answers after Close")
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	db := pgtest.ServerDB(t, filepath.Join(dir, "server.sqlite"))
	if _, _, err := run(t, "enroll", "--db", db, "--scope", "28261"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"NoCommand", nil, "Thiếu lệnh"},
		{"UnknownCommand", []string{"start"}, "Lệnh không hợp lệ"},
		{"UnknownFlag", []string{"devices", "--db", db, "--colour"}, "Tham số không hợp lệ"},
		{"MissingScope", []string{"enroll", "--db", db}, "Thiếu --scope"},
		{"BadScope", []string{"enroll", "--db", db, "--scope", "2826"}, "không hợp lệ"},
		{"BadTTL", []string{"enroll", "--db", db, "--scope", "28261", "--ttl", "0s"}, "Thời hạn"},
		{"MissingDevice", []string{"revoke", "--db", db}, "Thiếu --device"},
		{"UnknownDevice", []string{"revoke", "--db", db, "--device", app.NewID()}, "Không tìm thấy thiết bị"},
		{"NoDatabase", []string{"devices", "--db", filepath.Join(dir, "none.sqlite")}, "Không tìm thấy cơ sở dữ liệu"},
		{"PostgresDown", []string{"devices", "--db", "postgres://u:s3cret@127.0.0.1:1/db?connect_timeout=2"}, "Không kết nối được PostgreSQL"},
		{"ReportBadYear", []string{"export", "--db", db, "--report", "dump", "--year", "26", "--out", "x.xlsx"}, "Năm báo cáo không hợp lệ"},
		{"ReportUnknown", []string{"export", "--db", db, "--report", "cases", "--out", "x"}, "không hợp lệ"},
		{"MissingOut", []string{"export", "--db", db, "--report", "dump"}, "Thiếu --out"},
		{"TLSHalf", []string{"serve", "--db", db, "--tls-cert", "c.pem"}, "--tls-key"},
		{"BadTLS", []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--tls-cert", filepath.Join(dir, "c.pem"), "--tls-key", filepath.Join(dir, "k.pem")}, "chứng chỉ TLS"},
		{"BadAddr", []string{"serve", "--db", db, "--addr", "256.0.0.1:1"}, "Không mở được địa chỉ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := run(t, tt.args...)
			if err == nil {
				t.Fatal("no error")
			}
			line := ErrorLine(err)
			if !strings.Contains(line, tt.want) || strings.Contains(line, "\n") {
				t.Fatalf("error line = %q, want one line with %q", line, tt.want)
			}
			if stdout != "" {
				t.Fatalf("stdout = %q on failure", stdout)
			}
		})
	}
}

func TestExit(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	db := pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite"))
	tests := []struct {
		name     string
		args     string
		exit     int
		stdoutRE string
		stderr   string
	}{
		{"Enroll", "enroll --db " + db + " --scope 28261", 0, `^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}\n$`, "Mã đăng ký"},
		{"BadScope", "enroll --db " + db + " --scope xyz", 1, `^$`, "bvntd-server: Phạm vi"},
		{"NoCommand", "", 1, `^$`, "Thiếu lệnh"},
		{"UnknownReport", "export --db " + db + " --report cases --out a.xlsx", 1, `^$`, "không hợp lệ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "BVNTD_SERVER_MAIN=1", "BVNTD_SERVER_ARGS="+tt.args)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.exit || !regexp.MustCompile(tt.stdoutRE).MatchString(stdout.String()) || !strings.Contains(stderr.String(), tt.stderr) {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
			}
			if tt.exit != 0 && (strings.Count(stderr.String(), "\n") != 1 || strings.Contains(stderr.String(), "goroutine")) {
				t.Fatalf("stderr is not one line: %q", stderr.String())
			}
		})
	}
}

// serve holds at most --max-conns connections: with 1, a second client is
// served only once the first one's idle connection closes.
func TestServe_ConnectionCap(t *testing.T) {
	db := pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite"))
	m := NewMain(clocktest.Running(t))
	m.Stdout, m.Stderr = &syncBuffer{}, &syncBuffer{}
	if err := m.ParseFlags([]string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--max-conns", "1"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	health := func(c *http.Client) error {
		res, err := c.Get(m.URL() + syncproto.PathHealth)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return errors.New(res.Status)
		}
		_, err = io.Copy(io.Discard, res.Body)
		return err
	}
	first := &http.Transport{}
	if err := health(&http.Client{Transport: first}); err != nil {
		t.Fatal(err)
	}
	// The first client's connection stays open (keep-alive).
	second := make(chan error, 1)
	go func() { second <- health(&http.Client{Transport: &http.Transport{}}) }()
	select {
	case err := <-second:
		t.Fatalf("a second connection was served past the cap (%v)", err)
	case <-time.After(300 * time.Millisecond): // waiting, as it should (a broken cap answers at once)
	}
	first.CloseIdleConnections()
	if err := <-second; err != nil {
		t.Fatalf("the second client after the first left: %v", err)
	}
}
