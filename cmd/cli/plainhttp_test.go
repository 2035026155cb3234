package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncserver"
)

// wire is the laptop's network in these tests: every request goes through
// its RoundTripper and every connection through its dialer, which count
// them and record the address asked, then connect to a real provincial
// server on loopback whatever that address (no name is ever resolved). A
// refused address must leave both counts at zero.
type wire struct {
	target string // the real server's host:port

	mu    sync.Mutex
	trips int
	dials []string
}

func (w *wire) client() *http.Client {
	tr := &http.Transport{Proxy: nil, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		w.mu.Lock()
		w.dials = append(w.dials, addr)
		w.mu.Unlock()
		var d net.Dialer
		return d.DialContext(ctx, "tcp", w.target)
	}}
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		w.mu.Lock()
		w.trips++
		w.mu.Unlock()
		return tr.RoundTrip(r)
	}), Timeout: 30 * time.Second}
}

func (w *wire) counts() (trips int, dials []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.trips, append([]string(nil), w.dials...)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// newWiredServer starts a real provincial server (SQLite store, the sync
// handler) on loopback and returns it with the wire to it.
func newWiredServer(t *testing.T) (*serverstore.Store, *wire) {
	t.Helper()
	st, err := serverstore.Open(context.Background(), filepath.Join(t.TempDir(), "server.sqlite"), serverstore.Options{Now: testNow(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ts := httptest.NewServer(syncserver.New(st, syncserver.Options{Now: testNow(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(ts.Close)
	return st, &wire{target: strings.TrimPrefix(ts.URL, "http://")}
}

func newCode(t *testing.T, st *serverstore.Store) string {
	t.Helper()
	code, _, err := st.CreateEnrolCode(context.Background(), "28261", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestEnroll_PlainHTTPOutsideLoopbackRefusedWithoutTraffic: `bvntd enroll
// --server http://…` to anything but loopback is refused before any
// request, connection or name lookup, with the reason in Vietnamese;
// --insecure-http (a lab) lets it through to the network (issue 16).
func TestEnroll_PlainHTTPOutsideLoopbackRefusedWithoutTraffic(t *testing.T) {
	st, w := newWiredServer(t)
	dir := t.TempDir()
	run := func(args ...string) (string, error) {
		var o, e bytes.Buffer
		m := &Main{Stdout: &o, Stderr: &e, Now: testNow(t), HTTP: w.client()}
		err := m.Run(context.Background(), append(args[:1:1], append([]string{"--data", dir}, args[1:]...)...))
		return e.String(), err
	}

	for _, server := range []string{"http://example.invalid", "http://sct.dongthap.example", "http://sct.dongthap.example:8080/",
		"http://10.0.0.5", "http://[fe80::1]:8080", "http://127.0.0.1.example.invalid"} {
		_, err := run("enroll", "--server", server, "--code", newCode(t, st))
		var stderr bytes.Buffer
		exit := Exit(&stderr, err)
		if exit != 2 || !strings.Contains(stderr.String(), "không được mã hóa") || !strings.Contains(stderr.String(), "--insecure-http") ||
			!strings.Contains(stderr.String(), "https://") {
			t.Fatalf("enroll --server %s: exit %d, %q; want 2 and why, in Vietnamese", server, exit, stderr.String())
		}
		if trips, dials := w.counts(); trips != 0 || len(dials) != 0 {
			t.Fatalf("enroll --server %s was refused after %d requests and connections to %v", server, trips, dials)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, StoreFile)); !os.IsNotExist(err) {
		t.Fatalf("a refused enrolment made the store: %v", err)
	}

	// A lab: --insecure-http goes to the network, and enrols.
	if _, err := run("enroll", "--server", "http://example.invalid", "--code", newCode(t, st), "--insecure-http"); err != nil {
		t.Fatalf("enroll --insecure-http: %v", err)
	}
	trips, dials := w.counts()
	if trips != 1 || len(dials) != 1 || dials[0] != "example.invalid:80" {
		t.Fatalf("enroll --insecure-http: %d requests, connections to %v; want 1 to example.invalid:80", trips, dials)
	}

	// Sync reads the stored address: refused without the flag, through
	// with it.
	_, err := run("sync", "--timeout", "20s")
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "không được mã hóa") {
		t.Fatalf("sync to the stored http:// address: %v", err)
	}
	if got, _ := w.counts(); got != trips {
		t.Fatalf("a refused sync sent %d requests", got-trips)
	}
	if _, err := run("sync", "--timeout", "20s", "--insecure-http"); err != nil {
		t.Fatalf("sync --insecure-http: %v", err)
	}
	if got, _ := w.counts(); got <= trips {
		t.Fatal("sync --insecure-http sent nothing")
	}
}

// TestEnroll_LoopbackHTTPAllowed: a server on this machine may be reached
// over http:// (the dialer sends every connection to the real server).
func TestEnroll_LoopbackHTTPAllowed(t *testing.T) {
	st, w := newWiredServer(t)
	for i, server := range []string{"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "http://127.9.8.7"} {
		var o, e bytes.Buffer
		m := &Main{Stdout: &o, Stderr: &e, Now: testNow(t), HTTP: w.client()}
		if err := m.Run(context.Background(), []string{"enroll", "--data", t.TempDir(), "--server", server, "--code", newCode(t, st)}); err != nil {
			t.Fatalf("enroll --server %s: %v", server, err)
		}
		if trips, _ := w.counts(); trips != i+1 {
			t.Fatalf("enroll --server %s: %d requests in all", server, trips)
		}
	}
}
