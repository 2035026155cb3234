package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// onlineCase is a case the provincial server made from a submission on the
// public form, as a pull brings it: channel cong_tiep_nhan_truc_tuyen, a
// tracking code, not yet opened.
func onlineCase(db *DB, name string) *app.Case {
	now := db.Now().UTC().Truncate(time.Second)
	c := &app.Case{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: "28261", CreatedAt: now, UpdatedAt: now},
		Number: "28261-2026-WEB1-0001", ReceivedAt: now.Add(-time.Hour), Channel: app.ChannelOnlineIntake, Kind: "khieu_nai",
		ConsumerName: name, Sector: "thuc_pham_do_uong", Summary: "Mua bánh hết hạn.", Status: app.StatusReceived,
		IntakeID: app.NewID(), TrackingCode: "K7Q2M9XDAB", PrivacyNotice: app.NoticeAcknowledgedOnline}
	return c
}

// TestCaseRows_OnlineIntakeNewUntilOpened: a case pulled from the public
// form is listed as new from the online form (with the count of the
// filter) until an officer's edit stamps IntakeOpenedAt; the stamp goes
// to the outbox like any edit, and a case of another channel is never
// new.
func TestCaseRows_OnlineIntakeNewUntilOpened(t *testing.T) {
	ctx := context.Background()
	clock := at(2026, 11, 20, 9, 0)
	db := openTestDB(t, Options{Now: clock.Now})
	if err := db.SetUnitCode(ctx, "28261"); err != nil {
		t.Fatal(err)
	}
	walkIn := newCase(db, "Trần Văn Đến")
	if err := db.CreateCase(ctx, walkIn); err != nil {
		t.Fatal(err)
	}
	on := onlineCase(db, "Nguyễn Thị Mạng")
	if _, err := db.ApplyPull(ctx, []app.PulledPage{{Scope: "28261", Epoch: "e1", NextSeq: 1,
		Records: []app.PulledRecord{{Entity: app.EntityCase, ID: on.ID, Fields: on.Fields(), Version: 1}}}}); err != nil {
		t.Fatal(err)
	}
	rows, err := db.CaseRows(ctx, app.CaseQuery{}, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	news := map[string]bool{}
	for i := range rows {
		news[rows[i].ID] = app.NewFromOnlineIntake(&rows[i].Case)
	}
	if len(rows) != 2 || !news[on.ID] || news[walkIn.ID] {
		t.Fatalf("new from the online form: %v (%d rows)", news, len(rows))
	}
	got, fc := app.FilterRows(rows, app.CaseFilter{OnlineNew: true}, nil, clock.Now())
	if len(got) != 1 || got[0].ID != on.ID || fc.OnlineNew != 1 || fc.All != 1 {
		t.Fatalf("filter: %d rows, counts %+v", len(got), fc)
	}

	before := len(mustBatch(t, db))
	clock.Advance(10 * time.Minute)
	opened := clock.Now().UTC().Truncate(time.Second)
	stamp, _ := json.Marshal(opened)
	if err := db.Edit(ctx, app.EntityCase, on.ID, 1, map[string]json.RawMessage{"intake_opened_at": stamp}); err != nil {
		t.Fatal(err)
	}
	rows, err = db.CaseRows(ctx, app.CaseQuery{}, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for i := range rows {
		if app.NewFromOnlineIntake(&rows[i].Case) {
			t.Fatalf("still new after it was opened: %s", rows[i].Number)
		}
		if rows[i].ID == on.ID && !rows[i].IntakeOpenedAt.Equal(opened) {
			t.Fatalf("opened at %v, want %v", rows[i].IntakeOpenedAt, opened)
		}
	}
	batch := mustBatch(t, db)
	if len(batch) != before+1 {
		t.Fatalf("outbox: %d mutations, want %d", len(batch), before+1)
	}
	last := batch[len(batch)-1]
	if last.RecordID != on.ID || string(last.Fields["intake_opened_at"]) != string(stamp) {
		t.Fatalf("the stamp is not queued to sync: %+v", last.Fields)
	}
}

// TestMigration20_FillsIntakeOpened: a store at schema 19 holding an online
// case already opened (its document has the stamp) and one not opened
// opens with case_list's new column filled from the documents: only the
// second is new from the online form.
func TestMigration20_FillsIntakeOpened(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v19.sqlite")
	registerOnce.Do(registerFunctions)
	w, err := sql.Open("sqlite", fileURI(path)+"?"+dsnCommon+"&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	if err := migrateTo(ctx, w, 19); err != nil {
		t.Fatal(err)
	}
	const (
		openedID = "01a21b28-61bc-7d2c-9b97-4c6b1bc1747e"
		newID    = "01a21b28-61bd-7d2c-9b97-4c6b1bc1747e"
	)
	doc := func(id, number, opened string) string {
		return `{"id":"` + id + `","unit_code":"28261","number":"` + number + `","received_at":"2026-11-20T02:00:00Z",` +
			`"channel":"cong_tiep_nhan_truc_tuyen","consumer_name":"Võ Thị Lan","status":"moi_tiep_nhan","intake_opened_at":"` + opened + `"}`
	}
	list := func(id, number string) string {
		return `INSERT INTO case_list (id, unit_code, number, received_at, channel, kind, consumer_name, consumer_phone,
			consumer_address, business_name, sector, status, voided, vulnerable_groups, updated_at, search_folded)
		 VALUES ('` + id + `', '28261', '` + number + `', '2026-11-20T02:00:00Z', 'cong_tiep_nhan_truc_tuyen', '', 'Võ Thị Lan', '',
			'', '', '', 'moi_tiep_nhan', 0, '[]', '', 'vo thi lan')`
	}
	for _, q := range []string{
		`INSERT INTO meta (key, value) VALUES ('device_id', '01a21b28-0000-7000-8000-000000000001'), ('device_tag', 'A7K3'), ('unit_code', '28261')`,
		`INSERT INTO cases (id, server_version, fields) VALUES ('` + openedID + `', 3, '` + doc(openedID, "28261-2026-WEB1-0001", "2026-11-20T03:00:00Z") + `')`,
		`INSERT INTO cases (id, server_version, fields) VALUES ('` + newID + `', 2, '` + doc(newID, "28261-2026-WEB1-0002", "0001-01-01T00:00:00Z") + `')`,
		list(openedID, "28261-2026-WEB1-0001"),
		list(newID, "28261-2026-WEB1-0002"),
	} {
		if _, err := w.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	w.Close()

	db, err := Open(ctx, path, Options{Now: clocktest.AtToday(t).Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cs, err := db.listCases(ctx, app.CaseQuery{})
	if err != nil || len(cs) != 2 {
		t.Fatalf("list: %d, %v", len(cs), err)
	}
	for i := range cs {
		want := cs[i].ID == newID
		if got := app.NewFromOnlineIntake(&cs[i]); got != want {
			t.Fatalf("%s: new from the online form %v, want %v (opened %v)", cs[i].Number, got, want, cs[i].IntakeOpenedAt)
		}
	}
}
