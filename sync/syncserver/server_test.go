package syncserver_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// logBuffer collects log output for checks on personal data.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

type fixture struct {
	srv   *httptest.Server
	store *serverstore.Store
	logs  *logBuffer
	clock *clocktest.Clock // the server's, at the test's today
}

// newFixture starts a server at the test's today (clocktest.AtToday); the
// handler and the store share its clock, unless opts.Now is set.
func newFixture(tb testing.TB, opts syncserver.Options) *fixture {
	tb.Helper()
	return newWrappedFixture(tb, opts, func(st *serverstore.Store) syncserver.Store { return st })
}

// newWrappedFixture is newFixture with the handler's store as wrap makes
// it of the store.
func newWrappedFixture(tb testing.TB, opts syncserver.Options, wrap func(*serverstore.Store) syncserver.Store) *fixture {
	tb.Helper()
	clock := clocktest.AtToday(tb)
	st, err := serverstore.Open(context.Background(), pgtest.ServerDB(tb, filepath.Join(tb.TempDir(), "server.sqlite")),
		serverstore.Options{Now: clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	logs := &logBuffer{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	srv := httptest.NewServer(syncserver.New(wrap(st), opts))
	tb.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	return &fixture{srv: srv, store: st, logs: logs, clock: clock}
}

// req describes one request.
type req struct {
	path     string
	token    string
	body     []byte
	gzipBody bool
	gzipResp bool
	noProto  bool
	method   string
}

type resp struct {
	status  int
	header  http.Header
	body    []byte // decompressed
	gzipped bool
}

func (f *fixture) do(tb testing.TB, r req) resp {
	tb.Helper()
	body := r.body
	if r.gzipBody {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(body)
		zw.Close()
		body = b.Bytes()
	}
	method := r.method
	if method == "" {
		method = http.MethodPost
	}
	hr, err := http.NewRequest(method, f.srv.URL+r.path, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	hr.Header.Set("Content-Type", "application/json")
	if !r.noProto {
		hr.Header.Set(syncproto.HeaderProtocol, "1")
	}
	hr.Header.Set(syncproto.HeaderAppVersion, "test")
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.gzipBody {
		hr.Header.Set("Content-Encoding", "gzip")
	}
	// Set Accept-Encoding ourselves so the transport does not decompress.
	if r.gzipResp {
		hr.Header.Set("Accept-Encoding", "gzip")
	} else {
		hr.Header.Set("Accept-Encoding", "identity")
	}
	res, err := f.srv.Client().Do(hr)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	out := resp{status: res.StatusCode, header: res.Header}
	var rd io.Reader = res.Body
	if res.Header.Get("Content-Encoding") == "gzip" {
		out.gzipped = true
		zr, err := gzip.NewReader(res.Body)
		if err != nil {
			tb.Fatal(err)
		}
		rd = zr
	}
	out.body, err = io.ReadAll(rd)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func decode[T any](tb testing.TB, r resp) T {
	tb.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		tb.Fatalf("decode %s: %v", r.body, err)
	}
	return v
}

// errorOf checks a 4xx/5xx answer and returns its body.
func errorOf(tb testing.TB, r resp, status int, code string) syncproto.ErrorResponse {
	tb.Helper()
	if r.status != status {
		tb.Fatalf("status = %d (%s), want %d", r.status, r.body, status)
	}
	e := decode[syncproto.ErrorResponse](tb, r)
	if e.Code != code || e.Message == "" {
		tb.Fatalf("error = %+v, want code %q and a message", e, code)
	}
	var t struct {
		ServerTimeMS int64 `json:"server_time_ms"`
	}
	json.Unmarshal(r.body, &t)
	if t.ServerTimeMS == 0 {
		tb.Fatalf("error body has no server_time_ms: %s", r.body)
	}
	return e
}

// enroll makes a code and enrols a new device over HTTP.
func (f *fixture) enroll(tb testing.TB, scope string) syncproto.EnrollResponse {
	tb.Helper()
	code, _, err := f.store.CreateEnrolCode(context.Background(), scope, time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	r := f.do(tb, req{path: syncproto.PathEnroll, body: mustJSON(tb, syncproto.EnrollRequest{
		Code: code, DeviceID: app.NewID(), DeviceTag: "A7K3", DeviceName: "Máy xã", AppVersion: "test", AdoptsDeviceID: true})})
	if r.status != http.StatusOK {
		tb.Fatalf("enroll: %d %s", r.status, r.body)
	}
	e := decode[syncproto.EnrollResponse](tb, r)
	if e.Token == "" || e.Scope != scope || e.ServerTimeMS == 0 {
		tb.Fatalf("enroll response = %+v", e)
	}
	return e
}

// caseMutation is an upsert of a case stamped a second before the
// server's now, as by a laptop whose clock is right.
func (f *fixture) caseMutation(recordID, scope string, fields map[string]string) syncproto.Mutation {
	fs := map[string]json.RawMessage{}
	for k, v := range fields {
		b, _ := json.Marshal(v)
		fs[k] = b
	}
	return syncproto.Mutation{ID: app.NewID(), Entity: app.EntityCase, RecordID: recordID, Scope: scope,
		Op: app.OpUpsert, Fields: fs, HLC: app.HLC{Wall: f.clock.Peek().Add(-time.Second).UnixMilli()}.String()}
}

func TestEnrollPushPull(t *testing.T) {
	f := newFixture(t, syncserver.Options{})
	dev := f.enroll(t, "28261")
	other := f.enroll(t, "29905")
	id := app.NewID()
	push := syncproto.PushRequest{DeviceID: dev.DeviceID, Mutations: []syncproto.Mutation{
		f.caseMutation(id, "28261", map[string]string{"consumer_name": "Nguyễn Thị Hồng Đào", "consumer_phone": "0912345678"}),
		f.caseMutation(app.NewID(), "29905", map[string]string{"summary": "xã khác"}),
	}}
	r := f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: mustJSON(t, push)})
	if r.status != http.StatusOK {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	pr := decode[syncproto.PushResponse](t, r)
	if len(pr.Results) != 2 || pr.Results[0].Status != syncproto.StatusApplied ||
		pr.Results[1].Status != syncproto.StatusRejected || pr.Results[1].Code != syncproto.CodeForbidden || pr.ServerTimeMS == 0 {
		t.Fatalf("push response = %+v", pr)
	}

	r = f.do(t, req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{"cursors":[],"max_bytes":0}`)})
	if r.status != http.StatusOK {
		t.Fatalf("pull: %d %s", r.status, r.body)
	}
	pull := decode[syncproto.PullResponse](t, r)
	if len(pull.Scopes) != 1 || len(pull.Scopes[0].Records) != 1 || pull.Scopes[0].Records[0].ID != id || pull.ServerTimeMS == 0 {
		t.Fatalf("pull response = %s", r.body)
	}

	// The other commune sees nothing of it.
	r = f.do(t, req{path: syncproto.PathPull, token: other.Token, body: []byte(`{}`)})
	if r.status != http.StatusOK || bytes.Contains(r.body, []byte("Nguyễn")) {
		t.Fatalf("other commune's pull: %d %s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), `"scopes":[]`) {
		t.Fatalf("empty pull should have an empty scopes list: %s", r.body)
	}

	// Logs carry ids and counts, never field values.
	logs := f.logs.String()
	for _, secret := range []string{"Nguyễn", "Hồng", "0912345678", dev.Token} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q:\n%s", secret, logs)
		}
	}
	if !strings.Contains(logs, dev.DeviceID) || !strings.Contains(logs, `"applied":1`) {
		t.Errorf("logs lack the device id or the counts:\n%s", logs)
	}
}

func TestAuth(t *testing.T) {
	f := newFixture(t, syncserver.Options{})
	dev := f.enroll(t, "28261")
	for _, path := range []string{syncproto.PathPush, syncproto.PathPull} {
		t.Run("NoToken"+path, func(t *testing.T) {
			r := f.do(t, req{path: path, body: []byte(`{}`)})
			e := errorOf(t, r, http.StatusUnauthorized, syncproto.CodeUnauthorized)
			if !strings.Contains(e.Message, "đăng ký") {
				t.Fatalf("message = %q", e.Message)
			}
			if r.header.Get("WWW-Authenticate") == "" {
				t.Fatal("no WWW-Authenticate header")
			}
		})
		t.Run("BadToken"+path, func(t *testing.T) {
			errorOf(t, f.do(t, req{path: path, token: dev.Token + "x", body: []byte(`{}`)}), http.StatusUnauthorized, syncproto.CodeUnauthorized)
		})
	}
	t.Run("WrongDeviceID", func(t *testing.T) {
		r := f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: mustJSON(t, syncproto.PushRequest{DeviceID: app.NewID()})})
		errorOf(t, r, http.StatusForbidden, syncproto.CodeForbidden)
	})
	t.Run("Revoked", func(t *testing.T) {
		if err := f.store.Revoke(context.Background(), dev.DeviceID); err != nil {
			t.Fatal(err)
		}
		errorOf(t, f.do(t, req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{}`)}), http.StatusUnauthorized, syncproto.CodeUnauthorized)
	})
	t.Run("BadEnrolCode", func(t *testing.T) {
		r := f.do(t, req{path: syncproto.PathEnroll, body: mustJSON(t, syncproto.EnrollRequest{Code: "AAAA-BBBB-CC", DeviceID: app.NewID(), DeviceTag: "A7"})})
		errorOf(t, r, http.StatusUnauthorized, syncproto.CodeUnauthorized)
	})
}

func TestBadRequests(t *testing.T) {
	f := newFixture(t, syncserver.Options{MaxBodyBytes: 64 << 10})
	dev := f.enroll(t, "28261")
	big := bytes.Repeat([]byte(" "), 100<<10)
	big = append(append([]byte(`{"mutations":[`), big...), []byte(`]}`)...)
	// Small when gzipped, over syncproto.MaxBodyBytes when not.
	bomb := append(append([]byte(`{"mutations":[`), bytes.Repeat([]byte(" "), syncproto.MaxBodyBytes+1)...), []byte(`]}`)...)

	tests := []struct {
		name   string
		r      req
		status int
		code   string
	}{
		{"MalformedJSON", req{path: syncproto.PathPush, token: dev.Token, body: []byte(`{"mutations":[`)}, 400, "invalid"},
		{"WrongTypes", req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{"cursors":"all"}`)}, 400, "invalid"},
		{"TrailingData", req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{} {}`)}, 400, "invalid"},
		{"EmptyBody", req{path: syncproto.PathPull, token: dev.Token}, 400, "invalid"},
		{"MalformedEnroll", req{path: syncproto.PathEnroll, body: []byte(`not json`)}, 400, "invalid"},
		{"MissingProtocol", req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{}`), noProto: true}, 400, "invalid"},
		{"MissingProtocolEnroll", req{path: syncproto.PathEnroll, body: []byte(`{}`), noProto: true}, 400, "invalid"},
		{"TooLarge", req{path: syncproto.PathPush, token: dev.Token, body: big}, 413, "too_large"},
		{"TooLargeGzipped", req{path: syncproto.PathPush, token: dev.Token, body: bomb, gzipBody: true}, 413, "too_large"},
		{"UnknownPath", req{path: "/v1/nothing", body: []byte(`{}`)}, 404, "not_found"},
		{"WrongMethod", req{path: syncproto.PathPull, method: http.MethodGet}, 405, "method_not_allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do(t, tt.r)
			if tt.status == 200 {
				if r.status != 200 {
					t.Fatalf("status %d %s", r.status, r.body)
				}
				return
			}
			errorOf(t, r, tt.status, tt.code)
		})
	}

	t.Run("GzipBodyNotGzipped", func(t *testing.T) {
		hr, _ := http.NewRequest(http.MethodPost, f.srv.URL+syncproto.PathPull, strings.NewReader(`{}`))
		hr.Header.Set(syncproto.HeaderProtocol, "1")
		hr.Header.Set("Authorization", "Bearer "+dev.Token)
		hr.Header.Set("Content-Encoding", "gzip")
		res, err := f.srv.Client().Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("status = %d, want 400", res.StatusCode)
		}
	})

	// After all that, the server still answers a good request.
	r := f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: mustJSON(t, syncproto.PushRequest{
		Mutations: []syncproto.Mutation{f.caseMutation(app.NewID(), "28261", map[string]string{"summary": "ok"})}})})
	if r.status != http.StatusOK {
		t.Fatalf("good request after bad ones: %d %s", r.status, r.body)
	}
}

func TestGzip(t *testing.T) {
	f := newFixture(t, syncserver.Options{})
	dev := f.enroll(t, "28261")
	var muts []syncproto.Mutation
	for range 50 {
		muts = append(muts, f.caseMutation(app.NewID(), "28261", map[string]string{"summary": strings.Repeat("Hàng giả, hàng kém chất lượng. ", 20)}))
	}
	r := f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: mustJSON(t, syncproto.PushRequest{Mutations: muts}), gzipBody: true, gzipResp: true})
	if r.status != http.StatusOK || !r.gzipped {
		t.Fatalf("gzip push: %d gzipped=%v %s", r.status, r.gzipped, r.body)
	}
	if pr := decode[syncproto.PushResponse](t, r); len(pr.Results) != 50 {
		t.Fatalf("%d results", len(pr.Results))
	}
	r = f.do(t, req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{"max_bytes":4194304}`), gzipBody: true, gzipResp: true})
	if r.status != http.StatusOK || !r.gzipped || r.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("gzip pull: %d gzipped=%v", r.status, r.gzipped)
	}
	if pull := decode[syncproto.PullResponse](t, r); len(pull.Scopes) != 1 || len(pull.Scopes[0].Records) != 50 {
		t.Fatalf("gzip pull: %d scopes", len(pull.Scopes))
	}
	// Errors are gzipped too when asked.
	r = f.do(t, req{path: syncproto.PathPull, body: []byte(`{}`), gzipResp: true})
	if r.status != http.StatusUnauthorized || !r.gzipped {
		t.Fatalf("gzip error: %d gzipped=%v", r.status, r.gzipped)
	}
	// Not asked, not gzipped.
	r = f.do(t, req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{}`)})
	if r.gzipped {
		t.Fatal("gzipped without Accept-Encoding: gzip")
	}
}

func TestConcurrentRequests(t *testing.T) {
	f := newFixture(t, syncserver.Options{})
	const devices, pushes = 4, 5
	var wg sync.WaitGroup
	errs := make(chan string, devices*pushes*2)
	for range devices {
		dev := f.enroll(t, "28261")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range pushes {
				r := f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: mustJSON(t, syncproto.PushRequest{
					Mutations: []syncproto.Mutation{f.caseMutation(app.NewID(), "28261", map[string]string{"summary": "song song"})}})})
				if r.status != http.StatusOK {
					errs <- string(r.body)
				}
				r = f.do(t, req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{}`)})
				if r.status != http.StatusOK {
					errs <- string(r.body)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestStatusCode(t *testing.T) {
	for code, want := range map[string]int{
		"invalid": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404, "conflict": 409,
		"newer_data": 409, "too_large": 413, "offline": 503, "internal": 500, "whatever": 500,
	} {
		if got := syncserver.StatusCode(code); got != want {
			t.Errorf("StatusCode(%q) = %d, want %d", code, got, want)
		}
	}
}

// GET /v1/health: 200 while the store answers, 503 once it does not; no
// token needed, nothing of the data said.
func TestHealth(t *testing.T) {
	f := newFixture(t, syncserver.Options{})
	r := f.do(t, req{method: http.MethodGet, path: syncproto.PathHealth})
	h := decode[syncproto.HealthResponse](t, r)
	if r.status != http.StatusOK || h.Status != "ok" || h.Store != "ok" || h.Protocol != syncproto.ProtocolVersion || h.Time == "" {
		t.Fatalf("health: %d %s", r.status, r.body)
	}
	if r := f.do(t, req{path: syncproto.PathHealth, body: []byte(`{}`)}); r.status != http.StatusMethodNotAllowed {
		t.Fatalf("POST health: %d", r.status)
	}
	f.store.Close() // the database goes away
	r = f.do(t, req{method: http.MethodGet, path: syncproto.PathHealth})
	h = decode[syncproto.HealthResponse](t, r)
	if r.status != http.StatusServiceUnavailable || h.Status != "unavailable" {
		t.Fatalf("health without a store: %d %s", r.status, r.body)
	}
}
