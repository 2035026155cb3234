package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// personFixture is a store of 28261 on 2026-11-22 with Nguyễn Thị Hồng Đào
// as the consumer of one case and the representative of another, as a
// participant at a session, and a namesake elsewhere.
type personFixture struct {
	db                      *DB
	own, represented, other *app.Case
	person, namesake        *app.Participant
	session                 *app.TrainingSession
}

func newPersonFixture(t *testing.T) *personFixture {
	t.Helper()
	ctx := context.Background()
	clock := at(2026, time.November, 22, 10, 0)
	db := openTestDB(t, Options{Now: clock.Now, DeviceTag: seededTag(t)})
	fx := &personFixture{db: db}
	fx.own = newCase(db, "Nguyễn Thị Hồng Đào")
	fx.own.ConsumerPhone, fx.own.ConsumerAddress = "0912 345 678", "Ấp Mỹ Phú, xã Mỹ Hiệp"
	fx.represented = newCase(db, "Trần Văn Út")
	fx.represented.RequesterRole, fx.represented.RepresentativeName = "dai_dien_hop_phap", "Nguyễn Thị Hồng Đào"
	fx.represented.RepresentativeRelation = "Con gái"
	fx.other = newCase(db, "Nguyễn Thị Hồng Đàn")
	fx.other.ConsumerPhone = "0987654321"
	for _, c := range []*app.Case{fx.own, fx.represented, fx.other} {
		if err := db.CreateCase(ctx, c); err != nil {
			t.Fatalf("case %s: %v", c.ConsumerName, err)
		}
	}
	fx.session = &app.TrainingSession{Title: "Tập huấn nhận biết hàng giả", StartDate: "2026-11-20", Format: "truc_tiep",
		Status: "da_to_chuc", PlanTasks: []string{"IV.1"}}
	fx.person = &app.Participant{FullName: "Nguyễn Thị Hồng Đào", Type: "hoi_vien_doan_the", Phone: "+84 912.345.678"}
	fx.namesake = &app.Participant{FullName: "Nguyễn Thị Hồng", Type: "hoi_vien_doan_the", Phone: "0900000001"}
	mustSave(t, db, fx.session, fx.person, fx.namesake)
	mustSave(t, db, &app.Attendance{SessionID: fx.session.ID, ParticipantID: fx.person.ID, Status: "co_mat"},
		&app.Attendance{SessionID: fx.session.ID, ParticipantID: fx.namesake.ID, Status: "co_mat"})
	return fx
}

func caseIDsOf(cs []app.Case) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestFindPerson_NameWithoutDiacriticsPhoneAnyFormAddress(t *testing.T) {
	ctx := context.Background()
	fx := newPersonFixture(t)
	for _, tc := range []struct {
		name  string
		q     app.PersonQuery
		cases []string
		att   int
	}{
		{"name folded", app.PersonQuery{Name: "nguyen thi hong dao"}, []string{fx.own.ID, fx.represented.ID}, 1},
		{"name part", app.PersonQuery{Name: "  HỒNG   đào "}, []string{fx.own.ID, fx.represented.ID}, 1},
		{"phone without spaces", app.PersonQuery{Phone: "0912345678"}, []string{fx.own.ID}, 1},
		{"phone +84 dots", app.PersonQuery{Phone: "+84.912.345.678"}, []string{fx.own.ID}, 1},
		{"name and phone narrow", app.PersonQuery{Name: "nguyen thi hong dao", Phone: "0912 345 678"}, []string{fx.own.ID}, 1},
		{"address", app.PersonQuery{Address: "ap my phu"}, []string{fx.own.ID}, 0},
		{"address and other name", app.PersonQuery{Address: "my phu", Name: "tran van ut"}, nil, 0},
	} {
		d, err := fx.db.FindPerson(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := caseIDsOf(d.Cases); !slices.Equal(got, tc.cases) {
			t.Errorf("%s: cases %v, want %v", tc.name, got, tc.cases)
		}
		if len(d.Attendance) != tc.att {
			t.Errorf("%s: %d attendance rows, want %d", tc.name, len(d.Attendance), tc.att)
		}
		if tc.att == 1 {
			a := d.Attendance[0]
			if a.ParticipantID != fx.person.ID || a.SessionTitle != fx.session.Title || a.SessionDate != "2026-11-20" {
				t.Errorf("%s: attendance %+v", tc.name, a)
			}
		}
	}
	if _, err := fx.db.FindPerson(ctx, app.PersonQuery{Name: "  "}); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("empty query: %v", err)
	}
}

// TestSetRestricted_HidesFromListsAndAudits: restricting writes synced
// edits and one audit record; lists that hide restricted records leave
// them out, the others (counts, reports) keep them; lifting brings them
// back.
func TestSetRestricted_HidesFromListsAndAudits(t *testing.T) {
	ctx := context.Background()
	fx := newPersonFixture(t)
	d, err := fx.db.FindPerson(ctx, app.PersonQuery{Phone: "0912345678"})
	if err != nil {
		t.Fatal(err)
	}
	cases, people := d.Changing(false)
	if len(cases) != 0 || len(people) != 0 {
		t.Fatalf("nothing is restricted yet: %v %v", cases, people)
	}
	cases, people = d.Changing(true)
	if err := fx.db.SetRestricted(ctx, app.Restriction{CaseIDs: cases, ParticipantIDs: people, Restrict: true}); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("no reason: %v", err)
	}
	before, _, _ := fx.db.OutboxCount(ctx)
	if err := fx.db.SetRestricted(ctx, app.Restriction{CaseIDs: cases, ParticipantIDs: people, Restrict: true,
		Reason: "Người tiêu dùng yêu cầu ngày 22/11/2026"}); err != nil {
		t.Fatal(err)
	}
	after, _, _ := fx.db.OutboxCount(ctx)
	if after != before+3 { // the case, the participant, the audit record
		t.Fatalf("outbox %d → %d, want 3 more", before, after)
	}
	muts, err := fx.db.PendingBatch(ctx, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var restrictedCase bool
	for _, m := range muts {
		if m.Entity == app.EntityCase && m.RecordID == fx.own.ID && string(m.Fields["restricted"]) == "true" {
			restrictedCase = true
		}
	}
	if !restrictedCase {
		t.Fatal("the restriction of the case is not in the outbox")
	}

	listed := func(q app.CaseQuery) []string {
		rows, err := fx.db.CaseRows(ctx, q, fx.db.Now())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.ID)
		}
		return out
	}
	if ids := listed(app.CaseQuery{HideRestricted: true}); slices.Contains(ids, fx.own.ID) || len(ids) != 2 {
		t.Fatalf("hidden list: %v", ids)
	}
	if ids := listed(app.CaseQuery{}); !slices.Contains(ids, fx.own.ID) {
		t.Fatalf("the full list lost the case: %v", ids)
	}
	people2, err := ListRecords[app.Participant](ctx, fx.db, RecordQuery{HideRestricted: true})
	if err != nil || len(people2) != 1 || people2[0].ID != fx.namesake.ID {
		t.Fatalf("participants hidden: %+v %v", people2, err)
	}
	att, err := ListRecords[app.Attendance](ctx, fx.db, RecordQuery{SessionID: fx.session.ID, HideRestricted: true})
	if err != nil || len(att) != 1 || att[0].ParticipantID != fx.namesake.ID {
		t.Fatalf("attendance hidden: %+v %v", att, err)
	}
	if att, _ := ListRecords[app.Attendance](ctx, fx.db, RecordQuery{SessionID: fx.session.ID}); len(att) != 2 {
		t.Fatalf("attendance for counts: %d rows", len(att))
	}

	audits, err := ListRecords[app.AuditEntry](ctx, fx.db, RecordQuery{})
	if err != nil || len(audits) != 1 {
		t.Fatalf("audit: %+v %v", audits, err)
	}
	a := audits[0]
	if a.Action != app.AuditRestrict || a.People != 1 || a.Records != 2 || a.Reason == "" {
		t.Fatalf("audit entry %+v", a)
	}
	if strings.Contains(app.Fold(a.What), "dao") || !strings.Contains(a.What, fx.own.Number) {
		t.Fatalf("audit what %q: numbers, never the name", a.What)
	}

	// Found again, marked; lifted by the leader's screen.
	d, _ = fx.db.FindPerson(ctx, app.PersonQuery{Name: "nguyen thi hong dao"})
	if !d.Cases[0].Restricted || d.Cases[1].Restricted || !d.Participants[0].Restricted {
		t.Fatalf("marks: %v %v %v", d.Cases[0].Restricted, d.Cases[1].Restricted, d.Participants[0].Restricted)
	}
	cases, people = d.Changing(false)
	if err := fx.db.SetRestricted(ctx, app.Restriction{CaseIDs: cases, ParticipantIDs: people, Reason: "Hết căn cứ hạn chế"}); err != nil {
		t.Fatal(err)
	}
	if ids := listed(app.CaseQuery{HideRestricted: true}); !slices.Contains(ids, fx.own.ID) {
		t.Fatalf("lifted, still hidden: %v", ids)
	}
	audits, _ = ListRecords[app.AuditEntry](ctx, fx.db, RecordQuery{})
	if len(audits) != 2 || audits[1].Action != app.AuditUnrestrict {
		t.Fatalf("audits %+v", audits)
	}
}

// TestMigration16_FillsPersonColumns: a store at schema 15 with a
// restricted case whose representative is the person opens with
// case_list's new columns filled from the document: the case is hidden
// from a restricted list and found by the representative's name.
func TestMigration16_FillsPersonColumns(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v15.sqlite")
	registerOnce.Do(registerFunctions)
	w, err := sql.Open("sqlite", fileURI(path)+"?"+dsnCommon+"&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	if err := migrateTo(ctx, w, 15); err != nil {
		t.Fatal(err)
	}
	const caseID = "01a21b28-61bc-7d2c-9b97-4c6b1bc1747e"
	fields := `{"id":"` + caseID + `","unit_code":"28261","number":"28261-2026-A7K3-0001","received_at":"2026-11-20T02:00:00Z",` +
		`"consumer_name":"Huỳnh Văn Tám","representative_name":"Lê Thị Mỹ Duyên","consumer_address":"Ấp Tân Phong",` +
		`"consumer_old_address":"Xã Phong Hòa cũ","restricted":true,"status":"moi_tiep_nhan"}`
	for _, q := range []string{
		`INSERT INTO meta (key, value) VALUES ('device_id', '01a21b28-0000-7000-8000-000000000001'), ('device_tag', 'A7K3'), ('unit_code', '28261')`,
		`INSERT INTO cases (id, server_version, fields) VALUES ('` + caseID + `', 3, '` + fields + `')`,
		`INSERT INTO case_list (id, unit_code, number, received_at, channel, kind, consumer_name, consumer_phone,
			consumer_address, business_name, sector, status, voided, vulnerable_groups, updated_at, search_folded)
		 VALUES ('` + caseID + `', '28261', '28261-2026-A7K3-0001', '2026-11-20T02:00:00Z', '', '', 'Huỳnh Văn Tám', '',
			'Ấp Tân Phong', '', '', 'moi_tiep_nhan', 0, '[]', '', 'huynh van tam ap tan phong')`,
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
	d, err := db.FindPerson(ctx, app.PersonQuery{Name: "le thi my duyen", Address: "phong hoa"})
	if err != nil || len(d.Cases) != 1 || !d.Cases[0].Restricted {
		t.Fatalf("found %+v, %v", d.Cases, err)
	}
	if cs, err := db.listCases(ctx, app.CaseQuery{HideRestricted: true}); err != nil || len(cs) != 0 {
		t.Fatalf("restricted list: %d, %v", len(cs), err)
	}
	if cs, err := db.listCases(ctx, app.CaseQuery{}); err != nil || len(cs) != 1 {
		t.Fatalf("full list: %d, %v", len(cs), err)
	}
}
