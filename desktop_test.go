package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/app/ui"
	"bvntd/cmd/cli"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncclient"
	"bvntd/sync/syncserver"
)

// quietLogs keeps the sync's log lines out of the test output.
func quietLogs(t *testing.T) {
	if testing.Verbose() {
		return
	}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
}

// listen makes the window's sync report its runs' outcomes on a channel.
func listen(s *desktopSync) <-chan ui.SyncOutcome {
	ch := make(chan ui.SyncOutcome, 16)
	s.Listen(ui.SyncListener{Finished: func(o ui.SyncOutcome) { ch <- o }})
	return ch
}

func next[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("no %s", what)
		panic("unreachable")
	}
}

// The window's first run enrols through the window's sync (not the enroll
// command), its scheduler syncs, and what the signed-in officer records
// reaches the province with the officer's name.
func TestWindowEnrol_SignedInOfficerReachesTheServer(t *testing.T) {
	quietLogs(t)
	ctx := context.Background()
	now := clocktest.Running(t)
	st, err := serverstore.Open(ctx, filepath.Join(t.TempDir(), "server.sqlite"), serverstore.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(syncserver.New(st, syncserver.Options{Now: now}))
	defer srv.Close()
	code, _, err := st.CreateEnrolCode(ctx, "28261", time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	db, _, err := cli.OpenStore(ctx, t.TempDir(), now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := &app.Profile{FullName: "Huỳnh Văn Nghệ", Role: "tiep_nhan", UnitCode: "28261"}
	if err := db.CreateProfile(ctx, p, "482915", "482915"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SignIn(ctx, p.ID, "482915"); err != nil {
		t.Fatal(err)
	}
	syncs, err := newDesktopSync(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer syncs.sched.Stop()
	done := listen(syncs)
	e, err := syncs.Enroll(ctx, srv.URL, code)
	if err != nil || e.Scope != "28261" {
		t.Fatalf("Enroll: %+v, %v", e, err)
	}
	c := &app.Case{ReceivedAt: db.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Võ Thị Sáu", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	syncs.Manual(ctx)
	if o := next(t, done, "sync"); o.Err != nil || !o.Manual || o.StatusErr != nil || o.Status.Pending != 0 || !o.Status.Enrolled {
		t.Fatalf("the sync after enrolling: %+v", o)
	}
	var dump bytes.Buffer
	if err := st.Dump(ctx, &dump); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dump.String(), `"created_by":"Huỳnh Văn Nghệ"`) {
		t.Fatalf("the server's dump lacks the officer:\n%s", dump.String())
	}
	if strings.Contains(dump.String(), "argon2id") || strings.Contains(dump.String(), p.ID) {
		t.Fatal("the device-local profile reached the server")
	}
}

// The window's enrolment (the first run's step and the sync tab's form)
// with the server down is told within syncclient.EnrollTimeout, naming the
// address, and records nothing; with the server up it enrols, and a
// re-enrolment with a new code keeps the device's id (issue 17, items 1-2).
func TestWindowEnrol_DownServerToldWithItsAddressThenEnrolsAndEnrolsAgain(t *testing.T) {
	quietLogs(t)
	ctx := context.Background()
	now := clocktest.Running(t)
	st, err := serverstore.Open(ctx, filepath.Join(t.TempDir(), "server.sqlite"), serverstore.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(syncserver.New(st, syncserver.Options{Now: now}))
	defer srv.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + l.Addr().String()
	l.Close()

	db, _, err := cli.OpenStore(ctx, t.TempDir(), now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	syncs, err := newDesktopSync(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer syncs.sched.Stop()

	start := now()
	_, err = syncs.Enroll(ctx, down, "K7Q2-9XWD-AB")
	want := "Không kết nối được máy chủ tỉnh tại " + down + ": kiểm tra mạng hoặc địa chỉ."
	if took := now().Sub(start); app.ErrorCode(err) != app.EOFFLINE || app.ErrorMessage(err) != want || took > syncclient.EnrollTimeout {
		t.Fatalf("enrol with the server down: %v after %s; want %q within %s", err, took, want, syncclient.EnrollTimeout)
	}
	if e, _ := db.Enrollment(ctx); e.Token != "" || e.ServerURL != "" {
		t.Fatalf("a failed enrolment recorded %+v", e)
	}

	for i := range 2 {
		code, _, err := st.CreateEnrolCode(ctx, "28261", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		before := db.DeviceID()
		if e, err := syncs.Enroll(ctx, srv.URL, code); err != nil || e.Scope != "28261" {
			t.Fatalf("enrolment %d: %+v, %v", i+1, e, err)
		}
		if i == 1 && db.DeviceID() != before {
			t.Fatalf("re-enrolling with the same server changed the device id %s → %s", before, db.DeviceID())
		}
	}
	if st, err := syncs.Status(ctx); err != nil || !st.Enrolled || st.ServerURL != srv.URL {
		t.Fatalf("status %+v, %v", st, err)
	}
}

// "Đăng ký lại" from the window with the server the device is enrolled
// with keeps the authority given at enrolment (`bvntd enroll --ca`): the
// window would otherwise check the province's own certificate against the
// system's roots and fail.
func TestWindowEnrol_AgainKeepsTheProvincesAuthority(t *testing.T) {
	quietLogs(t)
	ctx := context.Background()
	now := clocktest.Running(t)
	st, err := serverstore.Open(ctx, filepath.Join(t.TempDir(), "server.sqlite"), serverstore.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewTLSServer(syncserver.New(st, syncserver.Options{Now: now}))
	defer srv.Close()
	ca := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	db, _, err := cli.OpenStore(ctx, t.TempDir(), now)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	code := func() string {
		c, _, err := st.CreateEnrolCode(ctx, "28261", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if _, err := cli.EnrollDevice(ctx, db, nil, srv.URL, code(), "máy", ca); err != nil {
		t.Fatal(err)
	}
	syncs, err := newDesktopSync(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer syncs.sched.Stop()
	if _, err := syncs.Enroll(ctx, srv.URL, code()); err != nil {
		t.Fatalf("enrolling again with the same server: %v", err)
	}
	if got, _ := db.ServerCA(ctx); got != ca {
		t.Fatal("the province's authority was dropped")
	}
}
