package syncserver_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// rawPost sends a POST whose body is read from body (chunked: the server
// learns no length) and returns the answer.
func (f *fixture) rawPost(tb testing.TB, path, token string, gz bool, body io.Reader) resp {
	tb.Helper()
	hr, err := http.NewRequest(http.MethodPost, f.srv.URL+path, body)
	if err != nil {
		tb.Fatal(err)
	}
	hr.ContentLength = -1
	hr.Header.Set(syncproto.HeaderProtocol, "1")
	hr.Header.Set("Accept-Encoding", "identity")
	if token != "" {
		hr.Header.Set("Authorization", "Bearer "+token)
	}
	if gz {
		hr.Header.Set("Content-Encoding", "gzip")
	}
	res, err := f.srv.Client().Do(hr)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// bombStream returns an endless gzip stream of a JSON string of zeros (a
// gzip bomb with no end: read whole, it never stops; each 1 KB member
// expands to 1 MiB) and a function that tells how many compressed bytes
// were taken from it. It stops when its reader is closed.
func bombStream(tb testing.TB) (io.ReadCloser, func() int64) {
	member := func(head string) []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write([]byte(head))
		zw.Write(bytes.Repeat([]byte("0"), 1<<20))
		zw.Close()
		return b.Bytes()
	}
	first, next := member(`{"mutations":[{"fields":{"summary":"`), member("")
	pr, pw := io.Pipe()
	var sent atomic.Int64
	go func() {
		for b := first; ; b = next {
			n, err := pw.Write(b)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
	}()
	tb.Cleanup(func() { pr.Close() })
	return pr, sent.Load
}

// bodyBytesLogged returns the body_bytes of the last log line of path.
func (f *fixture) bodyBytesLogged(tb testing.TB, path string) int64 {
	tb.Helper()
	var n int64 = -1
	sc := bufio.NewScanner(strings.NewReader(f.logs.String()))
	for sc.Scan() {
		var line struct {
			Path      string `json:"path"`
			BodyBytes *int64 `json:"body_bytes"`
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Path == path && line.BodyBytes != nil {
			n = *line.BodyBytes
		}
	}
	if n < 0 {
		tb.Fatalf("no body_bytes logged for %s:\n%s", path, f.logs.String())
	}
	return n
}

// A gzip bomb is refused with 413 once it expands past the ratio, having
// read a few kilobytes of it: from a device with a token (push and pull),
// and on enrolment (no token) within its 4 KB.
func TestLimits_GzipBomb(t *testing.T) {
	f := newFixture(t, syncserver.Options{})
	dev := f.enroll(t, "28261")
	for _, tc := range []struct {
		name, path, token string
		maxRead           int64
	}{
		// 320 KB decompressed without regard to the ratio, then 100:1; the
		// gzip reader reads ahead by a few KB.
		{"Push", syncproto.PathPush, dev.Token, 64 << 10},
		{"Pull", syncproto.PathPull, dev.Token, 64 << 10},
		{"Enroll", syncproto.PathEnroll, "", syncserver.DefaultOpenBodyBytes + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, sent := bombStream(t)
			r := f.rawPost(t, tc.path, tc.token, true, body)
			errorOf(t, r, http.StatusRequestEntityTooLarge, syncproto.CodeTooLarge)
			if got := f.bodyBytesLogged(t, tc.path); got > tc.maxRead {
				t.Errorf("the server read %d bytes of the bomb, want at most %d", got, tc.maxRead)
			}
			// The server stopped reading: the client could not send on
			// (the socket buffers hold a few MB at most; the bomb is endless).
			t.Logf("bomb bytes taken by the client: %d", sent())
		})
	}
	// A stranger's bomb on push is refused before any of it is decoded.
	t.Run("PushWithoutToken", func(t *testing.T) {
		body, _ := bombStream(t)
		r := f.rawPost(t, syncproto.PathPush, "", true, body)
		errorOf(t, r, http.StatusUnauthorized, syncproto.CodeUnauthorized)
		if !strings.Contains(f.logs.String(), `"status":401`) {
			t.Fatal("no 401 logged")
		}
	})
	// The device still syncs.
	r := f.do(t, req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{}`)})
	if r.status != http.StatusOK {
		t.Fatalf("pull after the bombs: %d %s", r.status, r.body)
	}
}

// An enrolment body over 4 KB is refused 413, whether its length is
// declared or not; a real one passes.
func TestLimits_EnrollBodySize(t *testing.T) {
	f := newFixture(t, syncserver.Options{})
	big := mustJSON(t, syncproto.EnrollRequest{Code: "AAAA-BBBB-CC", DeviceID: app.NewID(), DeviceTag: "A7",
		DeviceName: strings.Repeat("x", syncserver.DefaultOpenBodyBytes)})
	r := f.do(t, req{path: syncproto.PathEnroll, body: big})
	errorOf(t, r, http.StatusRequestEntityTooLarge, syncproto.CodeTooLarge)
	r = f.rawPost(t, syncproto.PathEnroll, "", false, bytes.NewReader(big))
	errorOf(t, r, http.StatusRequestEntityTooLarge, syncproto.CodeTooLarge)
	if got := f.bodyBytesLogged(t, syncproto.PathEnroll); got > syncserver.DefaultOpenBodyBytes+1 {
		t.Errorf("read %d bytes of an oversized enrolment, want at most %d", got, syncserver.DefaultOpenBodyBytes+1)
	}
	// Gzipped small but over 4 KB decompressed.
	r = f.do(t, req{path: syncproto.PathEnroll, body: big, gzipBody: true})
	errorOf(t, r, http.StatusRequestEntityTooLarge, syncproto.CodeTooLarge)
	f.enroll(t, "28261")
}

// holdBody is a request body that sends head and then nothing until
// release is called.
func holdBody(head string) (io.Reader, func(rest string)) {
	pr, pw := io.Pipe()
	go pw.Write([]byte(head))
	var once sync.Once
	return pr, func(rest string) {
		once.Do(func() {
			go func() {
				pw.Write([]byte(rest))
				pw.Close()
			}()
		})
	}
}

// A body that stops arriving is cut: 408, for enrolment (a total deadline)
// and for a push with a token (a minimal rate after a grace).
func TestLimits_SlowBodyCut(t *testing.T) {
	f := newFixture(t, syncserver.Options{Limits: syncserver.Limits{
		OpenBodyTimeout: 50 * time.Millisecond, BodyGrace: 50 * time.Millisecond, MinBodyRate: 1 << 20}})
	dev := f.enroll(t, "28261")
	for _, tc := range []struct{ name, path, token string }{
		{"Enroll", syncproto.PathEnroll, ""},
		{"Push", syncproto.PathPush, dev.Token},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, release := holdBody(`{"code":"`)
			defer release("")
			r := f.rawPost(t, tc.path, tc.token, false, body)
			e := errorOf(t, r, http.StatusRequestTimeout, "request_timeout")
			if !strings.Contains(e.Message, "chậm") {
				t.Errorf("message = %q", e.Message)
			}
		})
	}
	// A stranger's slow push is answered 401 without being waited for.
	t.Run("PushWithoutToken", func(t *testing.T) {
		body, release := holdBody(`{"mutations":[`)
		defer release("")
		errorOf(t, f.rawPost(t, syncproto.PathPush, "", false, body), http.StatusUnauthorized, syncproto.CodeUnauthorized)
	})
	// A body that arrives in time is served.
	r := f.do(t, req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{}`)})
	if r.status != http.StatusOK {
		t.Fatalf("pull: %d %s", r.status, r.body)
	}
}

// Wrong enrolment codes from one address: 401 for the burst, then 429
// with Retry-After without looking at the code, until the server's clock
// moves on. Successful enrolments do not count.
func TestLimits_EnrollRate(t *testing.T) {
	f := newFixture(t, syncserver.Options{Limits: syncserver.Limits{EnrollRate: 1, EnrollBurst: 3}})
	f.clock.SetStep(0)
	for range 5 {
		f.enroll(t, "28261") // more than the burst, all served
	}
	wrong := func() resp {
		return f.do(t, req{path: syncproto.PathEnroll, body: mustJSON(t, syncproto.EnrollRequest{
			Code: "AAAA-BBBB-CC", DeviceID: app.NewID(), DeviceTag: "A7"})})
	}
	for i := range 3 {
		if r := wrong(); r.status != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d %s, want 401", i, r.status, r.body)
		}
	}
	r := wrong()
	e := errorOf(t, r, http.StatusTooManyRequests, "rate_limited")
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	if !strings.Contains(e.Message, "giây") {
		t.Errorf("message = %q", e.Message)
	}
	// Even a good code waits.
	code, _, err := f.store.CreateEnrolCode(context.Background(), "28261", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	good := mustJSON(t, syncproto.EnrollRequest{Code: code, DeviceID: app.NewID(), DeviceTag: "A7", AppVersion: "test", AdoptsDeviceID: true})
	errorOf(t, f.do(t, req{path: syncproto.PathEnroll, body: good}), http.StatusTooManyRequests, "rate_limited")
	// A second later, one more attempt.
	f.clock.Advance(time.Second)
	if r := wrong(); r.status != http.StatusUnauthorized {
		t.Fatalf("after a second: %d %s, want 401", r.status, r.body)
	}
	errorOf(t, wrong(), http.StatusTooManyRequests, "rate_limited")
	f.clock.Advance(time.Second)
	if r := f.do(t, req{path: syncproto.PathEnroll, body: good}); r.status != http.StatusOK {
		t.Fatalf("good code after a second: %d %s", r.status, r.body)
	}
	// The good one was given back: one wrong attempt still has its token.
	if r := wrong(); r.status != http.StatusUnauthorized {
		t.Fatalf("after a success: %d %s, want 401", r.status, r.body)
	}
}

// With every decoding slot taken, a push whose body needs one (past 1 MiB
// decoded) waits DecodeWait and is answered 503 with Retry-After; small
// requests need no slot; once the slot frees, the big one is served.
func TestLimits_DecodingSlotsFull(t *testing.T) {
	// A waiting request takes the slot before any new one: the held push
	// gets it once the probe before it is done (3 s is ample).
	f := newFixture(t, syncserver.Options{Limits: syncserver.Limits{MaxDecoding: 1, DecodeWait: 3 * time.Second}})
	dev := f.enroll(t, "28261")
	spaces := strings.Repeat(" ", 1<<20+1)
	bigPush := []byte(`{"mutations":[` + spaces + `]}`)
	body, release := holdBody(`{"mutations":[` + spaces)
	held := make(chan resp, 1)
	go func() { held <- f.rawPost(t, syncproto.PathPush, dev.Token, false, body) }()
	// Until the held push has its slot, big pushes are served; then 503.
	var r resp
	for i := 0; ; i++ {
		r = f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: bigPush})
		if r.status != http.StatusOK || i == 10_000 {
			break
		}
	}
	errorOf(t, r, http.StatusServiceUnavailable, syncproto.CodeOffline)
	if r.header.Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	// A pull and a small push need no slot.
	if r := f.do(t, req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{}`)}); r.status != http.StatusOK {
		t.Fatalf("pull while the slot is taken: %d %s", r.status, r.body)
	}
	small := mustJSON(t, syncproto.PushRequest{Mutations: []syncproto.Mutation{f.caseMutation(app.NewID(), "28261", map[string]string{"summary": "nhỏ"})}})
	if r := f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: small}); r.status != http.StatusOK {
		t.Fatalf("small push while the slot is taken: %d %s", r.status, r.body)
	}
	release(`]}`)
	if r := <-held; r.status != http.StatusOK {
		t.Fatalf("held push: %d %s", r.status, r.body)
	}
	if r := f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: bigPush}); r.status != http.StatusOK {
		t.Fatalf("big push after the slot freed: %d %s", r.status, r.body)
	}
}

// The listener never holds more than its cap of connections open; the
// others wait and are served as connections close.
func TestLimitListener(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	const limit, clients = 2, 12
	ln := syncserver.LimitListener(inner, limit)
	var (
		mu         sync.Mutex
		open, peak int
		served     int
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			open++
			peak = max(peak, open)
			mu.Unlock()
			go func() {
				b := make([]byte, 1)
				io.ReadFull(c, b)
				// Counted before the answer: the client may be done, and
				// the test read the count, as soon as it has it.
				mu.Lock()
				served++
				mu.Unlock()
				c.Write(b)
				mu.Lock()
				open--
				mu.Unlock()
				c.Close()
			}()
		}
	}()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			c, err := net.Dial("tcp", inner.Addr().String())
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			c.Write([]byte{1})
			b := make([]byte, 1)
			if _, err := io.ReadFull(c, b); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	ln.Close()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if peak > limit || served != clients {
		t.Fatalf("peak open %d (cap %d), served %d of %d", peak, limit, served, clients)
	}
}
