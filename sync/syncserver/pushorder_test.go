package syncserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// A push that names After is applied only once that mutation is answered:
// sent first, it still lands after the batch it names, which the server
// shows by the order of the two batches in its audit table. The answers
// say Ordered.
func TestPush_AfterWaitsForTheBatchBefore(t *testing.T) {
	f := newFixture(t, syncserver.Options{})
	dev := f.enroll(t, "28261")
	first := f.caseMutation(app.NewID(), "28261", map[string]string{"summary": "Lô trước"})
	second := f.caseMutation(app.NewID(), "28261", map[string]string{"summary": "Lô sau"})

	behind := make(chan resp, 1)
	go func() {
		behind <- f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: mustJSON(t, syncproto.PushRequest{
			DeviceID: dev.DeviceID, Mutations: []syncproto.Mutation{second}, After: first.ID})})
	}()
	r := f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: mustJSON(t, syncproto.PushRequest{
		DeviceID: dev.DeviceID, Mutations: []syncproto.Mutation{first}})})
	if r.status != http.StatusOK || !decode[syncproto.PushResponse](t, r).Ordered {
		t.Fatalf("first push: %d %s", r.status, r.body)
	}
	r = <-behind
	if pr := decode[syncproto.PushResponse](t, r); r.status != http.StatusOK || !pr.Ordered || pr.Results[0].Status != syncproto.StatusApplied {
		t.Fatalf("push behind it: %d %s", r.status, r.body)
	}
	// Another laptop of the commune pulls the two cases in the order the
	// server applied them (their sequence numbers).
	other := f.enroll(t, "28261")
	r = f.do(t, req{path: syncproto.PathPull, token: other.Token, body: []byte(`{"cursors":[],"max_bytes":0}`)})
	pull := decode[syncproto.PullResponse](t, r)
	var order []string
	for _, sc := range pull.Scopes {
		for _, rec := range sc.Records {
			order = append(order, rec.ID)
		}
	}
	if len(order) != 2 || order[0] != first.RecordID || order[1] != second.RecordID {
		t.Fatalf("applied in the order %v, want %s then %s", order, first.RecordID, second.RecordID)
	}
}

// A push behind a batch that never comes waits until its device gives up
// (the client cancels it after the batch before failed), and nothing of
// it is applied.
func TestPush_AfterABatchThatNeverCameIsNotApplied(t *testing.T) {
	f := newFixture(t, syncserver.Options{})
	dev := f.enroll(t, "28261")
	m := f.caseMutation(app.NewID(), "28261", map[string]string{"summary": "Lô sau một lô bị mất"})
	body := mustJSON(t, syncproto.PushRequest{DeviceID: dev.DeviceID, Mutations: []syncproto.Mutation{m}, After: app.NewID()})
	ctx, cancel := context.WithCancel(context.Background())
	hr := pushRequest(t, ctx, f, dev.Token, body)
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(hr)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	// The server holds it: no answer until the device gives up.
	waitFor(t, func() bool { return syncserver.WaitingPushes() > 0 })
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the push behind a missing batch was answered")
	}
	waitFor(t, func() bool { return syncserver.WaitingPushes() == 0 })
	var dump strings.Builder
	if err := f.store.Dump(context.Background(), &dump); err != nil || strings.Contains(dump.String(), m.RecordID) {
		t.Fatalf("the push behind a missing batch was applied (%v)", err)
	}
}

// pushRequest is a push of body by the device with token, cancelled with
// ctx (the device giving up).
func pushRequest(t *testing.T, ctx context.Context, f *fixture, token string, body []byte) *http.Request {
	t.Helper()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, f.srv.URL+syncproto.PathPush, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set(syncproto.HeaderProtocol, strconv.Itoa(syncproto.ProtocolVersion))
	return hr
}

// waitFor waits until cond holds, polling every millisecond, giving up
// after 10,000 polls (a bound, not a measure).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 10_000 {
		if cond() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("gave up waiting")
}

// preparesCounted is the store with its PreparePush calls counted.
type preparesCounted struct {
	*serverstore.Store
	n atomic.Int64
}

func (s *preparesCounted) PreparePush(deviceID string, req syncproto.PushRequest) (func(context.Context) ([]syncproto.PushResult, error), error) {
	s.n.Add(1)
	return s.Store.PreparePush(deviceID, req)
}

// A pipelined push is prepared (its new records validated on every core)
// before it waits for the batch before it, so that the two overlap; what
// it writes still waits.
func TestPush_AfterIsPreparedWhileItWaits(t *testing.T) {
	var st *preparesCounted
	f := newWrappedFixture(t, syncserver.Options{}, func(s *serverstore.Store) syncserver.Store {
		st = &preparesCounted{Store: s}
		return st
	})
	dev := f.enroll(t, "28261")
	m := f.caseMutation(app.NewID(), "28261", map[string]string{"summary": "Lô sau một lô chưa đến"})
	body := mustJSON(t, syncproto.PushRequest{DeviceID: dev.DeviceID, Mutations: []syncproto.Mutation{m}, After: app.NewID()})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hr := pushRequest(t, ctx, f, dev.Token, body)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := http.DefaultClient.Do(hr); err == nil {
			resp.Body.Close()
		}
	}()
	waitFor(t, func() bool { return syncserver.WaitingPushes() > 0 })
	if n := st.n.Load(); n != 1 {
		t.Fatalf("the waiting push was prepared %d times, want once before its wait", n)
	}
	cancel()
	<-done
	var dump strings.Builder
	if err := f.store.Dump(context.Background(), &dump); err != nil || strings.Contains(dump.String(), m.RecordID) {
		t.Fatalf("the prepared push behind a missing batch was applied (%v)", err)
	}
}

// Two pipelined batches of the same records, each big enough to be
// prepared on every core: the second, prepared while the first is still
// unwritten (its records new to the store then), edits what the first
// created, as if sent one after the other.
func TestPush_PreparedBehindEditsWhatTheBatchBeforeCreated(t *testing.T) {
	f := newFixture(t, syncserver.Options{})
	dev := f.enroll(t, "28261")
	const n = 40 // above serverstore's minPrepared
	var first, second []syncproto.Mutation
	for i := range n {
		id := app.NewID()
		first = append(first, f.caseMutation(id, "28261", map[string]string{"summary": "Tạo " + strconv.Itoa(i)}))
		m := f.caseMutation(id, "28261", map[string]string{"summary": "Sửa " + strconv.Itoa(i)})
		h, _ := app.ParseHLC(m.HLC)
		h.Wall += 1000
		m.HLC, m.BaseVersion = h.String(), 1
		second = append(second, m)
	}
	behind := make(chan resp, 1)
	go func() {
		behind <- f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: mustJSON(t, syncproto.PushRequest{
			DeviceID: dev.DeviceID, Mutations: second, After: first[n-1].ID})})
	}()
	waitFor(t, func() bool { return syncserver.WaitingPushes() > 0 })
	r := f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: mustJSON(t, syncproto.PushRequest{
		DeviceID: dev.DeviceID, Mutations: first})})
	if r.status != http.StatusOK {
		t.Fatalf("first push: %d %s", r.status, r.body)
	}
	r = <-behind
	pr := decode[syncproto.PushResponse](t, r)
	if r.status != http.StatusOK || len(pr.Results) != n {
		t.Fatalf("push behind it: %d %s", r.status, r.body)
	}
	for i, res := range pr.Results {
		if res.Status != syncproto.StatusApplied {
			t.Fatalf("edit %d: %+v", i, res)
		}
	}
	other := f.enroll(t, "28261")
	r = f.do(t, req{path: syncproto.PathPull, token: other.Token, body: []byte(`{"cursors":[],"max_bytes":0}`)})
	pull := decode[syncproto.PullResponse](t, r)
	got := 0
	for _, sc := range pull.Scopes {
		for _, rec := range sc.Records {
			var summary string
			if err := json.Unmarshal(rec.Fields["summary"], &summary); err != nil || !strings.HasPrefix(summary, "Sửa ") || rec.Version != 2 {
				t.Fatalf("record %s: summary %q (%v), version %d; want the edit, version 2", rec.ID, summary, err, rec.Version)
			}
			got++
		}
	}
	if got != n {
		t.Fatalf("pulled %d records, want %d", got, n)
	}
}
