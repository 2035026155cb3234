package syncclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/syncproto"
)

// memStore is the client's Store in memory: an outbox, cursors and what
// was pulled.
type memStore struct {
	mu      sync.Mutex
	url     string
	outbox  []app.Mutation
	acked   int
	cursors map[string]app.Cursor
	pulled  []app.PulledRecord
	lastErr string
}

func (s *memStore) DeviceID() string  { return "0192a0b1-0000-7000-8000-00000000d001" }
func (s *memStore) DeviceTag() string { return "T3ST" }
func (s *memStore) Enrollment(context.Context) (app.Enrollment, error) {
	return app.Enrollment{ServerURL: s.url, Token: "tok", Scope: "28261"}, nil
}
func (s *memStore) SetEnrollment(context.Context, app.Enrollment) error { return nil }
func (s *memStore) PendingBatch(_ context.Context, _ int) ([]app.Mutation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]app.Mutation(nil), s.outbox...), nil
}
func (s *memStore) ApplyResults(_ context.Context, rs []app.MutationResult) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acked += len(rs)
	s.outbox = nil
	return nil
}
func (s *memStore) Cursors(context.Context) ([]app.Cursor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []app.Cursor
	for _, c := range s.cursors {
		out = append(out, c)
	}
	return out, nil
}
func (s *memStore) ApplyPull(_ context.Context, pages []app.PulledPage) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range pages {
		s.pulled = append(s.pulled, p.Records...)
		s.cursors[p.Scope] = app.Cursor{Scope: p.Scope, Epoch: p.Epoch, Seq: p.NextSeq}
	}
	return 0, nil
}
func (s *memStore) RecordServerTime(context.Context, time.Time) error { return nil }
func (s *memStore) SetUpdateRequired(context.Context, string) error   { return nil }
func (s *memStore) RecordSyncResult(_ context.Context, _ time.Time, msg string) error {
	s.mu.Lock()
	s.lastErr = msg
	s.mu.Unlock()
	return nil
}
func (s *memStore) NeedsFullPull(context.Context) (bool, error) { return false, nil }
func (s *memStore) FullPullDone(context.Context) error          { return nil }

// fakeServer answers push and pull with the handlers given, and counts
// requests by path.
type fakeServer struct {
	mu    sync.Mutex
	calls map[string]int
	pulls []syncproto.PullRequest
}

func newClient(t *testing.T, push, pull http.HandlerFunc) (*Client, *memStore, *fakeServer) {
	t.Helper()
	fs := &fakeServer{calls: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.calls[r.URL.Path]++
		fs.mu.Unlock()
		switch r.URL.Path {
		case syncproto.PathPush:
			push(w, r)
		case syncproto.PathPull:
			var req syncproto.PullRequest
			gz := r.Header.Get("Content-Encoding") == "gzip"
			if err := syncproto.Decode(r.Body, gz, syncproto.MaxBodyBytes, &req); err != nil {
				t.Errorf("pull request: %v", err)
			}
			fs.mu.Lock()
			fs.pulls = append(fs.pulls, req)
			fs.mu.Unlock()
			pull(w, r)
		default: // as a server older than the paths asked
			writeJSON(w, http.StatusNotFound, syncproto.ErrorResponse{Code: syncproto.CodeNotFound, Message: "Không có địa chỉ này trên máy chủ."})
		}
	}))
	t.Cleanup(srv.Close)
	st := &memStore{url: srv.URL, cursors: map[string]app.Cursor{}}
	clock := clocktest.AtToday(t)
	c := &Client{Store: st, AppVersion: "test", Now: clock.Now, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond}
	return c, st, fs
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := syncproto.Encode(v, false)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// A pull answer larger than the device takes (an older server sending a
// huge record whole): the client halves its page down to the smallest,
// then stops once with a message that says what happened — not a timeout
// after endless retries, not "no connection".
func TestSync_AnswerTooLargeStopsAndSaysWhy(t *testing.T) {
	// One record of 33 MB, gzipped to a few kilobytes on the wire.
	var big bytes.Buffer
	zw := gzip.NewWriter(&big)
	zw.Write([]byte(`{"scopes":[{"scope":"28261","epoch":"e","reset":false,"next_seq":1,"has_more":false,"records":[{"entity":"case","id":"x","seq":1,"fields":{"summary":"`))
	chunk := bytes.Repeat([]byte("<"), 1<<20)
	for range 33 {
		zw.Write(chunk)
	}
	zw.Write([]byte(`"}}]}],"has_more":false}`))
	zw.Close()
	c, st, fs := newClient(t, nil, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(big.Bytes())
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := c.Sync(ctx)
	if app.ErrorCode(err) != syncproto.CodeTooLarge || app.ErrorMessage(err) != MsgTooLarge {
		t.Fatalf("sync: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the client retried until its time ran out")
	}
	var budgets []int
	for _, p := range fs.pulls {
		budgets = append(budgets, p.MaxBytes)
	}
	if len(budgets) != 8 || budgets[0] != DefaultPageBytes || budgets[7] != minPageBytes {
		t.Fatalf("page budgets asked: %v; want halved from %d to %d, then stop", budgets, DefaultPageBytes, minPageBytes)
	}
	if st.lastErr != MsgTooLarge || strings.Contains(st.lastErr, "kết nối") {
		t.Fatalf("recorded error %q", st.lastErr)
	}
}

// The server cannot write (a full disk): the push is answered 503
// server_storage. The client does not retry it, still pulls what the
// others sent, keeps its outbox, and says so in the officer's words.
func TestSync_ServerStorageFaultPullsAndKeepsTheOutbox(t *testing.T) {
	c, st, fs := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusServiceUnavailable, syncproto.ErrorResponse{Code: syncproto.CodeServerStorage,
			Message: "Máy chủ tỉnh đang lỗi lưu trữ: ổ đĩa của máy chủ đã đầy (disk full)."})
	}, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, syncproto.PullResponse{Scopes: []syncproto.ScopePage{{Scope: "28261", Epoch: "e", NextSeq: 2,
			Records: []syncproto.Record{
				{Entity: "case", ID: "a", Seq: 1, Fields: map[string]json.RawMessage{"summary": json.RawMessage(`"của máy khác"`)}},
				{Entity: "case", ID: "b", Seq: 2, Withheld: syncproto.WithheldTooLarge},
			}}}})
	})
	st.outbox = []app.Mutation{{ID: app.NewID(), Entity: app.EntityCase, RecordID: app.NewID(), UnitCode: "28261", Op: app.OpUpsert,
		Fields: map[string]json.RawMessage{"summary": json.RawMessage(`"chưa gửi"`)}}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.Sync(ctx)
	if app.ErrorCode(err) != app.ESERVERSTORAGE || app.ErrorMessage(err) != MsgServerStorage {
		t.Fatalf("sync: %v", err)
	}
	if MsgServerStorage != "Máy chủ tỉnh đang lỗi lưu trữ, dữ liệu của bạn vẫn an toàn trên máy." {
		t.Fatalf("message %q", MsgServerStorage)
	}
	if fs.calls[syncproto.PathPush] != 1 {
		t.Fatalf("%d pushes: a storage fault is not retried within a sync", fs.calls[syncproto.PathPush])
	}
	if len(st.outbox) != 1 || st.acked != 0 {
		t.Fatalf("outbox %d, acked %d: the change must wait", len(st.outbox), st.acked)
	}
	if len(st.pulled) != 2 || st.pulled[0].ID != "a" || st.pulled[1].Withheld != app.WithheldTooLarge || st.pulled[1].Fields != nil {
		t.Fatalf("pulled %+v", st.pulled)
	}
	if len(fs.pulls) == 0 || !fs.pulls[0].AcceptWithheld {
		t.Fatalf("pull requests %+v: the client keeps withheld records aside and must say so", fs.pulls)
	}
	if st.lastErr != MsgServerStorage {
		t.Fatalf("recorded error %q", st.lastErr)
	}
}

// The withheld reasons of the wire are those of app.
func TestWithheldReasonsMatchApp(t *testing.T) {
	if app.WithheldTooLarge != syncproto.WithheldTooLarge || app.WithheldMalformed != syncproto.WithheldMalformed ||
		app.ESERVERSTORAGE != syncproto.CodeServerStorage {
		t.Fatal("app and syncproto disagree")
	}
}

// A server older than the evidence files answers 404 on their paths: the
// sync of the records succeeds, the files wait on the device.
func TestSync_ServerWithoutFilesKeepsThem(t *testing.T) {
	c, st, fs := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, syncproto.PushResponse{})
	}, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, syncproto.PullResponse{})
	})
	_ = st
	files := &oneFile{h: strings.Repeat("ab", 32)}
	c.Files = files
	c.Attachments = func(context.Context) ([]app.Attachment, error) {
		return []app.Attachment{{SHA256: files.h, Size: 10}}, nil
	}
	res, err := c.Sync(context.Background())
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	if res.Files.Pending != 1 {
		t.Fatalf("files %+v, want one waiting", res.Files)
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.calls[syncproto.PathFileStatus] != 1 {
		t.Fatalf("calls %v", fs.calls)
	}
}

// oneFile is a FileStore holding one file it never opens.
type oneFile struct{ h string }

func (f *oneFile) Has(h string) bool             { return h == f.h }
func (f *oneFile) Open(string) (*os.File, error) { return nil, os.ErrNotExist }
func (f *oneFile) Partial(string) (int64, error) { return 0, nil }
func (f *oneFile) Receive(string, int64, int64, io.Reader, func(int64) (string, bool)) (int64, bool, error) {
	return 0, false, errors.New("not used")
}
