package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/cmd/cli"
)

// The window's first run enrols through the sync service (not the enroll
// command), and what the signed-in officer records reaches the province
// with the officer's name.
func TestWindowEnrol_SignedInOfficerReachesTheServer(t *testing.T) {
	srv := startServe(t)
	d := newDevice(t)
	ctx := context.Background()
	db, _, err := cli.OpenStore(ctx, d.dir, d.now)
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
	svc := cli.NewSyncService(db, nil)
	e, err := svc.Enroll(ctx, srv.URL, srv.code(t, "28261"))
	if err != nil || e.Scope != "28261" {
		t.Fatalf("Enroll: %+v, %v", e, err)
	}
	c := &app.Case{ReceivedAt: db.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Võ Thị Sáu", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn sử dụng."}
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := svc.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	dump := srv.dump(t)
	if !strings.Contains(dump, `"created_by":"Huỳnh Văn Nghệ"`) {
		t.Fatalf("the server's dump lacks the officer:\n%s", dump)
	}
	if strings.Contains(dump, "argon2id") || strings.Contains(dump, p.ID) {
		t.Fatal("the device-local profile reached the server")
	}
}
