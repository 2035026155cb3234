package syncserver_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// fullDiskStore is the real store whose disk fills up when full is set:
// pushes fail as SQLite or PostgreSQL fail on a full disk (ENOSPC under
// the driver's error), and its writability check says so.
type fullDiskStore struct {
	*serverstore.Store
	full atomic.Bool
}

func (s *fullDiskStore) ApplyPush(ctx context.Context, device string, req syncproto.PushRequest) ([]syncproto.PushResult, error) {
	if s.full.Load() {
		return nil, fmt.Errorf("commit push: %w", syscall.ENOSPC)
	}
	return s.Store.ApplyPush(ctx, device, req)
}

func (s *fullDiskStore) CheckStorage(ctx context.Context) (int64, error) {
	if s.full.Load() {
		return 0, app.WrapError(syncproto.CodeServerStorage,
			"Máy chủ tỉnh đang lỗi lưu trữ: ổ đĩa của máy chủ đã đầy (disk full).", syscall.ENOSPC)
	}
	return s.Store.CheckStorage(ctx)
}

// On a full disk /v1/health answers 503 with the reason, the machine code
// and the free space; a push is answered 503 with
// syncproto.CodeServerStorage (not a generic 500); pulls answer. When a
// push commits again, health is 200.
func TestHealth_StoreCannotWrite(t *testing.T) {
	clock := clocktest.AtToday(t)
	st, err := serverstore.Open(context.Background(), pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite")),
		serverstore.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	store := &fullDiskStore{Store: st}
	logs := &logBuffer{}
	srv := httptest.NewServer(syncserver.New(store, syncserver.Options{Now: clock.Now, Logger: slog.New(slog.NewJSONHandler(logs, nil))}))
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	f := &fixture{srv: srv, store: st, logs: logs, clock: clock}
	dev := f.enroll(t, "28261")

	health := func() (resp, syncproto.HealthResponse) {
		r := f.do(t, req{method: http.MethodGet, path: syncproto.PathHealth})
		return r, decode[syncproto.HealthResponse](t, r)
	}
	r, h := health()
	if r.status != http.StatusOK || !h.Writable || h.Code != "" {
		t.Fatalf("healthy: %d %s", r.status, r.body)
	}
	if !pgtest.Postgres() && (h.FreeBytes == nil || *h.FreeBytes <= 0) {
		t.Fatalf("SQLite's health lacks the disk's free space: %s", r.body)
	}

	store.full.Store(true)
	r, h = health()
	if r.status != http.StatusServiceUnavailable || h.Writable || h.Code != syncproto.CodeServerStorage ||
		!strings.Contains(h.Store, "ổ đĩa của máy chủ đã đầy") || h.FreeBytes == nil || *h.FreeBytes != 0 {
		t.Fatalf("full disk: %d %s", r.status, r.body)
	}
	body := fmt.Sprintf(`{"mutations":[{"id":%q,"entity":"case","record_id":%q,"scope":"28261","op":"upsert","fields":{"summary":"Nguyễn Văn Bí Mật"},"hlc":%q}]}`,
		app.NewID(), app.NewID(), app.HLC{Wall: clock.Now().UnixMilli()}.String())
	e := errorOf(t, f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: []byte(body)}), http.StatusServiceUnavailable, syncproto.CodeServerStorage)
	if !strings.Contains(e.Message, "dữ liệu của bạn vẫn an toàn trên máy") {
		t.Fatalf("push on a full disk: %+v", e)
	}
	if r := f.do(t, req{path: syncproto.PathPull, token: dev.Token, body: []byte(`{}`)}); r.status != http.StatusOK {
		t.Fatalf("pull on a full disk: %d %s", r.status, r.body)
	}
	if strings.Contains(logs.String(), "Bí Mật") {
		t.Fatalf("log holds content:\n%s", logs)
	}

	// Space is freed. The fault the push met stands until a write commits.
	store.full.Store(false)
	if r, _ := health(); r.status != http.StatusServiceUnavailable {
		t.Fatalf("health right after the fault: %d %s", r.status, r.body)
	}
	if r := f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: []byte(body)}); r.status != http.StatusOK {
		t.Fatalf("push after space is back: %d %s", r.status, r.body)
	}
	if r, h := health(); r.status != http.StatusOK || !h.Writable {
		t.Fatalf("health after a push committed: %d %s", r.status, r.body)
	}
	if got := syncserver.StatusCode(syncproto.CodeServerStorage); got != http.StatusServiceUnavailable {
		t.Fatalf("StatusCode(server_storage) = %d", got)
	}
}
