package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

// privacyDemo is a commune's demo store (cases, training sessions with
// their sign-in registers) and its folder.
func privacyDemo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--no-files", "--data", dir, "--commune", "28261", "--complaints", "30", "--trainings", "6", "--events", "0", "--seed", "11"); err != nil {
		t.Fatal(err)
	}
	return dir
}

// auditEntries returns the audit records of the store in dir.
func auditEntries(t *testing.T, dir string) []app.AuditEntry {
	t.Helper()
	db, _, err := OpenStore(context.Background(), dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	es, err := storage.ListRecords[app.AuditEntry](context.Background(), db, storage.RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// registerRows returns the case rows of a register file (STT, number,
// received, channel, kind, consumer, phone, address, …).
func registerRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsx.RegisterSheet)
	if err != nil {
		t.Fatal(err)
	}
	return rows[xlsx.RegisterHeaderRow : len(rows)-1] // without the totals
}

// `bvntd export` writes the register masked unless --unmask gives a
// reason; --unmask leaves one audit record that says which report, period
// and commune, how many people and rows, who and why — and no person's
// data; --unmask without a reason, or on a report of figures, is refused
// and leaves neither a file nor a record (issue 19 items 4 and 5).
func TestExport_MaskedByDefault_UnmaskLeavesAnAuditRecord(t *testing.T) {
	dir := privacyDemo(t)
	today := clockOf(t).Peek().In(app.ICT).Format("02/01/2006")
	period := []string{"--from", "01/01/2020", "--to", today}
	cases, _ := storeCases(t, dir, "28261", app.KPIPeriod{From: app.ReportYear(2020).From, To: app.ReportYear(2100).To})
	if len(cases) != 30 {
		t.Fatalf("%d demo cases", len(cases))
	}
	export := func(args ...string) ([]byte, error) {
		out := filepath.Join(t.TempDir(), "so.xlsx")
		_, _, err := run(t, append(append([]string{"export", "--data", dir, "--report", "register", "--out", out}, period...), args...)...)
		if err != nil {
			if _, serr := os.Stat(out); serr == nil {
				t.Fatalf("%v: refused (%v) yet a file was written", args, err)
			}
			return nil, err
		}
		b, rerr := os.ReadFile(out)
		if rerr != nil {
			t.Fatal(rerr)
		}
		return b, nil
	}

	// By default, and with --mask (old scripts): masked, no record.
	for _, args := range [][]string{nil, {"--mask"}} {
		b, err := export(args...)
		if err != nil {
			t.Fatal(err)
		}
		rows := registerRows(t, b)
		if len(rows) != 30 {
			t.Fatalf("%v: %d rows", args, len(rows))
		}
		for i, c := range cases {
			if rows[i][5] != xlsx.MaskName(c.ConsumerName) || rows[i][6] != xlsx.MaskPhone(c.ConsumerPhone) {
				t.Fatalf("%v: row %d not masked: %q", args, i+1, rows[i][5:7])
			}
		}
	}
	if es := auditEntries(t, dir); len(es) != 0 {
		t.Fatalf("a masked export left audit records: %+v", es)
	}

	// Refused: no reason, a blank one, with --mask too; and on the annual
	// report, which has nothing to unmask.
	for _, args := range [][]string{{"--unmask", ""}, {"--unmask", "   "}, {"--unmask", "Kiểm tra", "--mask"}} {
		if _, err := export(args...); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "--") {
			t.Fatalf("%q: %v, want refused with the flag named", args, err)
		}
	}
	out := filepath.Join(t.TempDir(), "nam.xlsx")
	if _, _, err := run(t, "export", "--data", dir, "--report", "annual", "--unmask", "Kiểm tra", "--out", out); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("annual --unmask: %v", err)
	}
	if es := auditEntries(t, dir); len(es) != 0 {
		t.Fatalf("refused exports left audit records: %+v", es)
	}

	// --unmask with a reason: the names in full, one record.
	reason := "Cung cấp cho Thanh tra tỉnh theo Quyết định thanh tra số 12/QĐ-TTr"
	b, err := export("--unmask", reason)
	if err != nil {
		t.Fatal(err)
	}
	rows := registerRows(t, b)
	people := map[string]bool{}
	for i, c := range cases {
		if rows[i][5] != c.ConsumerName || rows[i][6] != c.ConsumerPhone {
			t.Fatalf("row %d masked with --unmask: %q", i+1, rows[i][5:7])
		}
		people[personKey(c.ConsumerName, c.ConsumerPhone)] = true
	}
	es := auditEntries(t, dir)
	if len(es) != 1 {
		t.Fatalf("%d audit records, want 1", len(es))
	}
	e := es[0]
	if e.Action != app.AuditUnmaskedExport || e.Reason != reason || e.Records != 30 || e.People != len(people) ||
		e.Officer == "" || e.At.IsZero() || clockOf(t).Peek().Sub(e.At) > time.Minute {
		t.Fatalf("audit record %+v; want the unmasked export of 30 rows, %d people, with the reason", e, len(people))
	}
	for _, want := range []string{"Sổ theo dõi", "Từ ngày 01/01/2020 đến ngày " + today, "Phường Mỹ Tho (28261)"} {
		if !strings.Contains(e.What, want) {
			t.Errorf("the record says %q, without %q", e.What, want)
		}
	}
	for _, c := range cases {
		for _, personal := range []string{c.ConsumerName, c.ConsumerPhone, c.ConsumerAddress} {
			if personal != "" && (strings.Contains(e.What, personal) || strings.Contains(e.Reason, personal)) {
				t.Fatalf("the audit record names a person's data %q: %+v", personal, e)
			}
		}
	}
	// The record is a synced change like any other: in the outbox.
	db, _, err := OpenStore(context.Background(), dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	pending, _, err := db.OutboxCount(context.Background())
	db.Close()
	if err != nil || pending == 0 {
		t.Fatalf("outbox: %d pending, %v", pending, err)
	}

	// A sign-in sheet: masked by default; --unmask records the people on it.
	_, s, names := attendanceDemoIn(t, dir)
	sheet := filepath.Join(t.TempDir(), "diem-danh.xlsx")
	if _, _, err := run(t, "export", "--data", dir, "--report", "attendance", "--session", s.ID, "--out", sheet); err != nil {
		t.Fatal(err)
	}
	if len(auditEntries(t, dir)) != 1 {
		t.Fatal("a masked sign-in sheet left an audit record")
	}
	if _, _, err := run(t, "export", "--data", dir, "--report", "attendance", "--session", s.ID, "--unmask", "In danh sách để ký", "--out", sheet); err != nil {
		t.Fatal(err)
	}
	es = auditEntries(t, dir)
	if len(es) != 2 {
		t.Fatalf("%d audit records, want 2", len(es))
	}
	var att app.AuditEntry
	for _, x := range es {
		if x.Reason == "In danh sách để ký" {
			att = x
		}
	}
	if att.People != len(names) || att.Records != len(names) || !strings.Contains(att.What, s.Title) || !strings.Contains(att.What, s.ID) {
		t.Fatalf("sign-in sheet's record %+v; want %d people of session %s", att, len(names), s.ID)
	}
}

// attendanceDemoIn finds, in the demo store of dir, a held session with a
// register, and the names on it.
func attendanceDemoIn(t *testing.T, dir string) (string, app.TrainingSession, []string) {
	t.Helper()
	ctx := context.Background()
	db, _, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, ps := heldSession(t, db)
	var names []string
	for _, p := range ps {
		names = append(names, p.FullName)
	}
	return dir, s, names
}

// heldSession returns a session of the store that was held, with the
// participants on its register.
func heldSession(t *testing.T, db *storage.DB) (app.TrainingSession, []app.Participant) {
	t.Helper()
	ctx := context.Background()
	sessions, err := storage.ListRecords[app.TrainingSession](ctx, db, storage.RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	people, err := storage.ListRecords[app.Participant](ctx, db, storage.RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]app.Participant{}
	for _, p := range people {
		byID[p.ID] = p
	}
	for _, s := range sessions {
		rows, err := storage.ListRecords[app.Attendance](ctx, db, storage.RecordQuery{SessionID: s.ID})
		if err != nil {
			t.Fatal(err)
		}
		var ps []app.Participant
		for _, a := range rows {
			if p, ok := byID[a.ParticipantID]; ok {
				ps = append(ps, p)
			}
		}
		if s.Status != "ke_hoach" && len(ps) >= 2 {
			return s, ps
		}
	}
	t.Fatal("the demo held no session with two people on its register")
	return app.TrainingSession{}, nil
}

// WriteReport (the window's Báo cáo screen and the command line) refuses
// an unmasked report without a reason before writing anything.
func TestWriteReport_UnmaskedWithoutReasonRefused(t *testing.T) {
	ctx := context.Background()
	dir := privacyDemo(t)
	db, refs, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []app.ReportRequest{
		{Report: app.ReportRegister, Unmask: true},
		{Report: app.ReportRegister, Unmask: true, Reason: " \n "},
		{Report: app.ReportRegister, Unmask: true, Reason: strings.Repeat("lý do ", 200)},
		{Report: app.ReportAttendance, Unmask: true, Session: "x"},
		{Report: app.ReportAnnual, Unmask: true, Reason: "Kiểm tra"},
		{Report: app.ReportAttendance, Unmask: true, Reason: "Kiểm tra"}, // the training summary: figures
	} {
		var b bytes.Buffer
		_, err := WriteReport(ctx, db, refs, &b, q)
		if app.ErrorCode(err) != app.EINVALID || b.Len() != 0 {
			t.Fatalf("%+v: %v, %d bytes written", q, err, b.Len())
		}
		if msg := app.ErrorMessage(err); !strings.Contains(msg, "lý do") && !strings.Contains(msg, "Lý do") && !strings.Contains(msg, "thông tin cá nhân") {
			t.Fatalf("%+v: %q does not say why", q, msg)
		}
	}
	es, err := storage.ListRecords[app.AuditEntry](ctx, db, storage.RecordQuery{})
	if err != nil || len(es) != 0 {
		t.Fatalf("audit records %+v, %v", es, err)
	}
}

// The people whose data is restricted are left out of the register and of
// a sign-in sheet, masked or not, unless the one who asks may see them
// (the leader: ReportRequest.SeesRestricted, which only the window sets).
func TestWriteReport_RestrictedPeopleLeftOutButForTheLeader(t *testing.T) {
	ctx := context.Background()
	dir := privacyDemo(t)
	db, refs, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases, err := db.ListCases(ctx, app.CaseQuery{})
	if err != nil {
		t.Fatal(err)
	}
	hidden, err := db.GetCase(ctx, cases[len(cases)/2].ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Edit(ctx, app.EntityCase, hidden.ID, hidden.Version, map[string]json.RawMessage{"restricted": json.RawMessage("true")}); err != nil {
		t.Fatal(err)
	}
	s, ps := heldSession(t, db)
	p := ps[0]
	if err := db.Edit(ctx, app.EntityParticipant, p.ID, p.Version, map[string]json.RawMessage{"restricted": json.RawMessage("true")}); err != nil {
		t.Fatal(err)
	}

	all := app.ReportRequest{Report: app.ReportRegister, From: app.ReportYear(2020).From, To: db.Now()}
	for _, tc := range []struct {
		name    string
		unmask  bool
		leader  bool
		present bool
	}{
		{"masked, an officer", false, false, false},
		{"unmasked, an officer", true, false, false},
		{"masked, the leader", false, true, true},
		{"unmasked, the leader", true, true, true},
	} {
		q := all
		q.Unmask, q.SeesRestricted = tc.unmask, tc.leader
		if tc.unmask {
			q.Reason = "Kiểm tra"
		}
		var b bytes.Buffer
		n, err := WriteReport(ctx, db, refs, &b, q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		found := false
		for _, r := range registerRows(t, b.Bytes()) {
			found = found || r[1] == hidden.Number
		}
		if want := len(cases) - 1; tc.present {
			want = len(cases)
			if n != want {
				t.Fatalf("register, %s: %d rows, want %d", tc.name, n, want)
			}
		} else if n != want {
			t.Fatalf("register, %s: %d rows, want %d", tc.name, n, want)
		}
		if found != tc.present {
			t.Fatalf("register, %s: the restricted case listed: %v, want %v", tc.name, found, tc.present)
		}

		q = app.ReportRequest{Report: app.ReportAttendance, Session: s.ID, Unmask: tc.unmask, Reason: q.Reason, SeesRestricted: tc.leader}
		b.Reset()
		if n, err = WriteReport(ctx, db, refs, &b, q); err != nil {
			t.Fatalf("sign-in sheet, %s: %v", tc.name, err)
		}
		path := filepath.Join(t.TempDir(), "diem-danh.xlsx")
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		_, rows := readAttendance(t, path)
		found = false
		for _, r := range rows {
			found = found || r[1] == p.FullName
		}
		want := len(ps) - 1
		if tc.present {
			want = len(ps)
		}
		if found != tc.present || n != want || len(rows) != want {
			t.Fatalf("sign-in sheet, %s: the restricted participant listed: %v (%d rows of %d, wrote %d)", tc.name, found, len(rows), len(ps), n)
		}
	}
	// The unmasked exports recorded how many people they named.
	es, err := storage.ListRecords[app.AuditEntry](ctx, db, storage.RecordQuery{})
	if err != nil || len(es) != 4 {
		t.Fatalf("%d audit records, %v; want 4", len(es), err)
	}
}

// The annual workbook counts figures: it names no consumer (by name or
// phone) and no participant who is not an officer, so it needs no mask
// and no audit record.
func TestExportAnnual_NamesNobody(t *testing.T) {
	dir := privacyDemo(t)
	out := filepath.Join(t.TempDir(), "bao-cao-nam.xlsx")
	for _, args := range [][]string{nil, {"--from", "01/01/2020", "--to", clockOf(t).Peek().In(app.ICT).Format("02/01/2006")}} {
		if _, _, err := run(t, append([]string{"export", "--data", dir, "--report", "annual", "--out", out}, args...)...); err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		for _, rows := range sheetRows(t, openXlsx(t, out)) {
			for _, r := range rows {
				text.WriteString(strings.Join(r, "|") + "\n")
			}
		}
		cases, _ := storeCases(t, dir, "28261", app.KPIPeriod{From: app.ReportYear(2020).From, To: app.ReportYear(2100).To})
		for _, c := range cases {
			for _, v := range []string{c.ConsumerName, c.ConsumerPhone, c.ConsumerAddress} {
				if v != "" && strings.Contains(text.String(), v) {
					t.Fatalf("%v: the annual workbook prints %q of case %s", args, v, c.Number)
				}
			}
		}
		db, _, err := OpenStore(context.Background(), dir, testNow(t))
		if err != nil {
			t.Fatal(err)
		}
		people, err := storage.ListRecords[app.Participant](context.Background(), db, storage.RecordQuery{})
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range people {
			if p.Type != "can_bo_cong_chuc_xa" && strings.Contains(text.String(), p.FullName) {
				t.Fatalf("%v: the annual workbook prints participant %q (%s)", args, p.FullName, p.Type)
			}
			if p.Phone != "" && strings.Contains(text.String(), p.Phone) {
				t.Fatalf("%v: the annual workbook prints a participant's phone", args)
			}
		}
	}
}
