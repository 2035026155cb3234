package syncclient

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/syncproto"
)

// downLink is an http.RoundTripper standing for a server that cannot be
// reached, on the synctest bubble's fake clock: refused (a closed port:
// the attempt fails at once) or silent (a dropped packet: the connection
// times out after dial, cli.DialTimeout in the programs, unless the
// request's context ends first). up, once set, connects and answers with
// the handler.
type downLink struct {
	mu       sync.Mutex
	dial     time.Duration // 0: refused at once
	attempts int
	up       http.HandlerFunc
}

func (l *downLink) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.attempts++
	dial, up := l.dial, l.up
	l.mu.Unlock()
	if up != nil {
		if tr := httptrace.ContextClientTrace(r.Context()); tr != nil && tr.GotConn != nil {
			tr.GotConn(httptrace.GotConnInfo{})
		}
		rec := httptest.NewRecorder()
		up(rec, r)
		return rec.Result(), nil
	}
	if dial == 0 {
		return nil, errors.New("dial tcp 127.0.0.1:8443: connect: connection refused")
	}
	select {
	case <-time.After(dial):
		return nil, errors.New("dial tcp 10.0.0.9:443: i/o timeout")
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
}

func (l *downLink) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.attempts
}

// An enrolment with the server down ends within EnrollTimeout of clock
// time, after at most EnrollAttempts attempts, with a message that names
// the address; the caller's cancel ends it at once (issue 17, item 2).
func TestEnroll_DownServerToldWithin15sWithTheAddress(t *testing.T) {
	for _, tc := range []struct {
		name string
		dial time.Duration
	}{{"Refused", 0}, {"Silent", 10 * time.Second}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				now := clocktest.Running(t)
				link := &downLink{dial: tc.dial}
				st := &enrolStore{memStore: memStore{}}
				c := &Client{Store: st, AppVersion: "1.0.0", Now: now, HTTP: &http.Client{Transport: link}}
				start := now()
				_, err := c.Enroll(context.Background(), "http://127.0.0.1:8443", "ABCD-EFGH-JK", "máy")
				took := now().Sub(start)
				want := "Không kết nối được máy chủ tỉnh tại http://127.0.0.1:8443: kiểm tra mạng hoặc địa chỉ."
				if app.ErrorCode(err) != app.EOFFLINE || app.ErrorMessage(err) != want {
					t.Fatalf("Enroll: %v (%s), want %q", err, app.ErrorCode(err), want)
				}
				if took > EnrollTimeout || link.count() > EnrollAttempts || link.count() < 2 {
					t.Fatalf("told after %s and %d attempts; want within %s and %d attempts", took, link.count(), EnrollTimeout, EnrollAttempts)
				}
				if st.set.Token != "" {
					t.Fatalf("a failed enrolment stored %+v", st.set)
				}
			})
		})
	}
	t.Run("Cancelled", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			now := clocktest.Running(t)
			link := &downLink{dial: 10 * time.Second}
			c := &Client{Store: &enrolStore{}, AppVersion: "1.0.0", Now: now, HTTP: &http.Client{Transport: link}}
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(2*time.Second, cancel)
			start := now()
			_, err := c.Enroll(ctx, "http://127.0.0.1:8443", "ABCD-EFGH-JK", "máy")
			if took := now().Sub(start); err == nil || took != 2*time.Second {
				t.Fatalf("cancelled after 2 s: %v after %s", err, took)
			}
		})
	})
}

// "Đồng bộ ngay" with the server down: the run ends at its first failed
// attempt (a refused connection) or FirstContactTimeout (a silent one),
// with the reason, and the retries go on in the background; once the
// server is back a background sync goes through (issue 17, item 3).
func TestScheduler_ManualSyncWithTheServerDownEndsWithin15sAndRetriesInTheBackground(t *testing.T) {
	for _, tc := range []struct {
		name   string
		dial   time.Duration
		within time.Duration
	}{{"Refused", 0, 0}, {"Silent", time.Minute, FirstContactTimeout}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				now := clocktest.Running(t)
				link := &downLink{dial: tc.dial}
				store := &memStore{url: "http://127.0.0.1:8443", cursors: map[string]app.Cursor{}}
				c := &Client{Store: store, AppVersion: "1.0.0", Now: now, HTTP: &http.Client{Transport: link}}
				status := func(context.Context) (app.SyncStatus, error) {
					return app.SyncStatus{Enrolled: true, ServerURL: store.url}, nil
				}
				s := NewScheduler(context.Background(), c, status)
				defer s.Stop()
				var o outcomes
				s.Listen(o.listener())
				start := now()
				s.Manual(context.Background())
				time.Sleep(tc.within)
				synctest.Wait()
				events, list := o.get()
				if len(list) != 1 {
					t.Fatalf("after %s: %v; want the manual run told", now().Sub(start), events)
				}
				out := list[0]
				if !out.Manual || out.Stopped || app.ErrorCode(out.Err) != app.EOFFLINE ||
					!strings.Contains(strings.ToLower(app.ErrorMessage(out.Err)), "không kết nối được máy chủ tỉnh") {
					t.Fatalf("manual run: %+v", out)
				}
				if tc.dial == 0 && link.count() != 1 {
					t.Fatalf("%d attempts before telling; want the first failed one", link.count())
				}
				// The retries go on in the background once started; the
				// server comes back.
				s.Start()
				synctest.Wait()
				link.mu.Lock()
				link.up = okServer
				link.mu.Unlock()
				time.Sleep(5 * time.Minute)
				synctest.Wait()
				events, list = o.get()
				if last := list[len(list)-1]; last.Manual || last.Err != nil || len(list) < 3 {
					t.Fatalf("after the server came back: %v, last %+v", events, last)
				}
			})
		})
	}
}

// okServer answers a pull with nothing more to send.
func okServer(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(syncproto.PullResponse{})
}

// An enrolment does not wait for the running sync: ExclusiveNow ends it
// (its outcome says Stopped, not a failure to retry at once) and runs its
// work before any other sync.
func TestScheduler_ExclusiveNowEndsTheRunningSync(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		svc := newCountingSync(t, app.SyncStatus{Enrolled: true})
		svc.took = time.Minute
		s := newSched(t, svc)
		var o outcomes
		s.Listen(o.listener())
		s.Start() // runs 0–60 s
		advance(time.Second)
		clock := clocktest.Running(t)
		t0 := clock()
		var began time.Duration
		err := s.ExclusiveNow(func() error {
			began = clock().Sub(t0)
			if svc.active != 0 {
				t.Error("the enrolment runs during a sync")
			}
			return nil
		})
		if err != nil || began != 0 {
			t.Fatalf("ExclusiveNow: %v, began %s after asking; want at once", err, began)
		}
		synctest.Wait()
		events, list := o.get()
		if len(list) != 1 || !list[0].Stopped || list[0].Manual {
			t.Fatalf("the interrupted sync: %v %+v", events, list)
		}
		if got := svc.times(); len(got) != 1 {
			t.Fatalf("syncs at %v: one started before the enrolment's work ran", got)
		}
	})
}
