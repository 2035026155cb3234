// Command mkfixture writes a store of this (old) version with pending
// changes and an open conflict: a fixture of the upgrade test. It is run in
// a worktree of the old commit (README, "Migrations and seeds"); this copy
// is written for the API of commit 8789315 (schema 13: the clock required,
// edits through Edit), on a fixed day so that the fixture is the same every
// time it is made.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	_ "modernc.org/sqlite"

	"bvntd/app"
	"bvntd/seeds"
	"bvntd/storage"
)

func main() {
	ctx := context.Background()
	out := os.Args[1]
	os.Remove(out)
	day := time.Date(2026, 12, 1, 9, 0, 0, 0, app.ICT)
	now := func() time.Time { return day }
	db, err := storage.Open(ctx, out, storage.Options{Now: now, DeviceTag: "FX13"})
	must(err)
	refs, err := seeds.Load()
	must(err)
	_, err = db.ApplySeeds(ctx, seeds.Version, refs)
	must(err)
	db.SetRefs(refs)
	must(db.SetUnitCode(ctx, "28261"))
	must(db.SaveOfficer(ctx, "Cán bộ Phiên Bản Cũ"))
	var cs []*app.Case
	for i, n := range []string{"Võ Thị Nâng Cấp", "Đặng Văn Chờ Gửi", "Huỳnh Thị Xung Đột"} {
		c := &app.Case{ReceivedAt: day.Add(-time.Duration(48-i) * time.Hour), Channel: "truc_tiep",
			Kind: "khieu_nai", ConsumerName: n, ConsumerPhone: fmt.Sprintf("090812345%d", i), Sector: "thuc_pham_do_uong",
			BusinessName: "Cửa hàng tạp hóa Cao Lãnh", Summary: "Mua sữa hộp hết hạn sử dụng, yêu cầu đổi hàng."}
		must(db.CreateCase(ctx, c))
		cs = append(cs, c)
	}
	must(db.AddCaseEvent(ctx, cs[0].ID, &app.CaseEvent{Kind: app.EventAccepted, Note: "Thụ lý trong ngày."}))
	must(db.Edit(ctx, app.EntityCase, cs[1].ID, 0, map[string]json.RawMessage{
		"consumer_address": json.RawMessage(`"Phường Mỹ Tho, Đồng Tháp"`)}))
	// A conflict pulled from the server, still open.
	conflict := app.Conflict{ID: app.NewID(), UnitCode: "28261", Kind: app.ConflictField, Entity: "case", RecordID: cs[2].ID,
		Field: "consumer_phone", KeptValue: json.RawMessage(`"0908123452"`), OtherValue: json.RawMessage(`"0908999888"`),
		KeptDevice: db.DeviceID(), OtherDevice: "01900000-0000-7000-8000-00000000000b", KeptOfficer: "Cán bộ Phiên Bản Cũ",
		OtherOfficer: "Cán bộ Máy B", KeptAt: day.Add(-time.Hour).UTC(), OtherAt: day.Add(-2 * time.Hour).UTC(), DetectedAt: day.UTC(),
		Status: app.ConflictOpen}
	_, err = db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "old-server-epoch", NextSeq: 1,
		Records: []app.PulledRecord{{Entity: app.EntityConflict, ID: conflict.ID, Fields: conflict.Fields(), Version: 1}}}})
	must(err)
	p, parked, err := db.OutboxCount(ctx)
	must(err)
	n, err := db.CountOpenConflicts(ctx)
	must(err)
	must(db.Close())
	// Small: no free pages.
	c, err := sql.Open("sqlite", out)
	must(err)
	_, err = c.Exec("VACUUM")
	must(err)
	var v int
	must(c.QueryRow("PRAGMA user_version").Scan(&v))
	must(c.Close())
	fmt.Fprintf(os.Stderr, "schema %d: %d pending, %d parked, %d open conflicts, cases %s %s %s, conflict %s\n",
		v, p, parked, n, cs[0].ID, cs[1].ID, cs[2].ID, conflict.ID)
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
