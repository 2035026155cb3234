package syncserver_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"bvntd/app"
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
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, f.srv.URL+syncproto.PathPush, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set("Authorization", "Bearer "+dev.Token)
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set(syncproto.HeaderProtocol, strconv.Itoa(syncproto.ProtocolVersion))
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
