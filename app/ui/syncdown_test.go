package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/syncclient"
	"bvntd/sync/syncproto"
)

// schedulerOf is the window's SyncScheduler over syncclient.Scheduler, as
// the desktop wires it (desktopSync in the root package), except that what
// the scheduler reports is queued for the test's goroutine (settle), which
// stands for Fyne's: the test driver's fyne.Do runs at once on the
// caller's goroutine.
type schedulerOf struct {
	s     *syncclient.Scheduler
	queue chan func()
}

func newSchedulerOf(s *syncclient.Scheduler) schedulerOf {
	return schedulerOf{s: s, queue: make(chan func(), 64)}
}

func (a schedulerOf) Listen(l SyncListener) {
	a.s.Listen(syncclient.Listener{
		Started: func(manual bool) { a.queue <- func() { l.Started(manual) } },
		Progress: func(p syncclient.Progress) {
			a.queue <- func() { l.Progress(SyncProgress(p)) }
		},
		Finished: func(o syncclient.Outcome) {
			a.queue <- func() { l.Finished(SyncOutcome(o)) }
		},
	})
}

// settle lets the bubble's goroutines run until they block, then shows
// what the scheduler reported, until nothing is left.
func (a schedulerOf) settle() {
	for {
		synctest.Wait()
		select {
		case f := <-a.queue:
			f()
		default:
			return
		}
	}
}
func (a schedulerOf) Saved()                       { a.s.Saved() }
func (a schedulerOf) Manual(ctx context.Context)   { a.s.Manual(ctx) }
func (a schedulerOf) NoteStatus(st app.SyncStatus) { a.s.NoteStatus(st) }

// silentServer stands for a provincial server that does not answer at all
// (down behind a firewall that drops packets: the worst case, no
// "connection refused"), until up: then it answers pulls with nothing new.
// It lives in a synctest bubble.
type silentServer struct {
	mu sync.Mutex
	up bool
}

func (s *silentServer) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	up := s.up
	s.mu.Unlock()
	if !up {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	if tr := httptrace.ContextClientTrace(r.Context()); tr != nil && tr.GotConn != nil {
		tr.GotConn(httptrace.GotConnInfo{})
	}
	rec := httptest.NewRecorder()
	rec.Header().Set("Content-Type", "application/json")
	json.NewEncoder(rec).Encode(syncproto.PullResponse{})
	return rec.Result(), nil
}

// "Đồng bộ ngay" with the server down, through the window's real
// scheduler, client and store, on the synctest bubble's clock: the button
// is busy for at most syncclient.FirstContactTimeout (15 s of clock time),
// then says who failed and where, and is free again; the scheduler goes on
// retrying in the background, and when the server is back a background
// sync clears the failure: one story in the progress line, "Lỗi lần gần
// nhất" and the pending count (issue 17, item 3).
func TestSyncNow_ServerDownToldWithin15sOfTheClockThenABackgroundSuccessClearsIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fx := newSignInFixture(t, "28261")
		ctx := context.Background()
		const server = "https://bvntd.dongthap.example"
		if err := fx.db.SetEnrollment(ctx, app.Enrollment{ServerURL: server, Token: "tok", Scope: "28261", At: fx.clock.Now()}); err != nil {
			t.Fatal(err)
		}
		now := clocktest.Running(t) // the bubble's clock
		down := &silentServer{}
		client := &syncclient.Client{Store: fx.db, HTTP: &http.Client{Transport: down}, AppVersion: "1.0.0", Now: now}
		sched := syncclient.NewScheduler(ctx, client, fx.db.SyncStatus)
		defer sched.Stop()
		window := newSchedulerOf(sched)
		fx.ui = newUI(fx.win, Services{Cases: fx.db, Sync: storeSync{fx.db}, Scheduler: window, Refs: fx.refs,
			UnitCode: "28261", Officer: "Lê Văn Tâm", Now: fx.clock.Now}, inline, 0)
		fx.win.SetContent(fx.ui.Content())
		fx.ui.Refresh()
		defer fx.ui.Close()
		fx.ui.tabs.Select(fx.ui.syncTab)
		p := fx.ui.syncPanel
		window.settle()
		must(t, p.status.Enrolled && !p.button.Disabled(), "enrolled %v, button disabled %v", p.status.Enrolled, p.button.Disabled())

		start := now()
		tapButton(mustButton(t, fx.win.Content(), "Đồng bộ ngay"))
		time.Sleep(syncclient.FirstContactTimeout - time.Millisecond)
		window.settle()
		must(t, p.running && p.button.Disabled(), "the run ended before the server could have answered")
		time.Sleep(time.Millisecond)
		window.settle()
		took := now().Sub(start)
		want := "Đồng bộ chưa thành công: không kết nối được máy chủ tỉnh tại " + server + ": kiểm tra mạng hoặc địa chỉ."
		must(t, took <= syncclient.FirstContactTimeout && strings.HasPrefix(p.progress.Text, want) && p.progress.Importance == widget.DangerImportance,
			"after %s of clock time: %q", took, p.progress.Text)
		must(t, !p.running && !p.button.Disabled() && !p.stop.Visible() && !p.bar.Visible(), "the button is not free after the failure")
		must(t, strings.HasPrefix(p.lastError.Text, "Hết thời gian đồng bộ: không kết nối được máy chủ tỉnh") && p.lastError.Importance == widget.DangerImportance,
			"last error %q", p.lastError.Text)

		// The scheduler retries in the background (it was not started: the
		// window starts it once the UI listens); the server comes back.
		sched.Start()
		window.settle()
		down.mu.Lock()
		down.up = true
		down.mu.Unlock()
		for range 10 { // the retries, a minute at a time
			time.Sleep(time.Minute)
			window.settle()
		}
		must(t, strings.HasPrefix(p.progress.Text, "Đồng bộ xong lúc") && p.progress.Importance == widget.SuccessImportance,
			"after the server came back: %q", p.progress.Text)
		must(t, p.lastError.Text == "Không có" && p.pending.Text == "0" && !p.button.Disabled(),
			"after the server came back: last error %q, pending %q", p.lastError.Text, p.pending.Text)
	})
}
