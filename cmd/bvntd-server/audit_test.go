package main

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/app/xlsx"
	"bvntd/cmd/cli"
	"bvntd/storage"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// auditRows reads the rows of an audit log written by `bvntd-server
// export --report audit`, below its header row.
func auditRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(xlsx.AuditSheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) == len(xlsx.AuditColumns) && strings.Join(r, "|") == strings.Join(xlsx.AuditColumns, "|") {
			var out [][]string
			for _, d := range rows[i+1:] {
				if len(d) == 0 || d[0] != strconv.Itoa(len(out)+1) {
					break
				}
				out = append(out, d)
			}
			return out
		}
	}
	t.Fatalf("no header row in the audit log: %q", rows)
	return nil
}

// An unmasked export on a commune's laptop (`bvntd export --unmask`)
// leaves an audit record that `bvntd sync` brings to the real provincial
// server, where `bvntd-server export --report audit` prints it for an
// inspection with the commune's name, sorted by time; --commune and
// --from/--to choose (issue 19 item 5: "every unmasked export leaves an
// audit record that reaches the province").
func TestAudit_UnmaskedExportReachesTheProvinceLog(t *testing.T) {
	srv := startServe(t)
	a, b := newDevice(t), newDevice(t)
	a.must("demo", "--commune", "28261", "--complaints", "12", "--trainings", "0", "--events", "0", "--seed", demoSeed(t, 0))
	b.must("demo", "--commune", "28249", "--complaints", "8", "--trainings", "0", "--events", "0", "--seed", demoSeed(t, 1))
	a.enroll(srv, "28261")
	b.enroll(srv, "28249")
	a.must("sync")
	b.must("sync")

	// A masked export (the default) records nothing; unmasked ones do.
	out := filepath.Join(t.TempDir(), "so.xlsx")
	from := []string{"--from", "01/01/2020"}
	a.must(append([]string{"export", "--report", "register", "--out", out}, from...)...)
	a.must(append([]string{"export", "--report", "register", "--unmask", "Cung cấp cho Thanh tra tỉnh theo Quyết định số 12/QĐ-TTr", "--out", out}, from...)...)
	b.must(append([]string{"export", "--report", "register", "--unmask", "Chuyển sổ sang máy mới", "--out", out}, from...)...)
	a.must("sync")
	b.must("sync")

	// A provincial laptop, which has no commune, records its own export
	// under the province's scope; it reaches the server too.
	prov := newDevice(t)
	prov.enroll(srv, "province")
	prov.must("sync")
	prov.must(append([]string{"export", "--report", "register", "--commune", "28261", "--unmask", "Tổng hợp vụ việc chuyển lên Sở", "--out", out}, from...)...)
	prov.must("sync")

	dump := srv.dump(t)
	if n := strings.Count(dump, `"type":"audit_entry"`); n != 3 {
		t.Fatalf("the server holds %d audit records, want 3", n)
	}
	provLog := filepath.Join(t.TempDir(), "nhat-ky-tinh.xlsx")
	serverCmd(t, "export", "--db", srv.DB, "--report", "audit", "--commune", syncproto.ScopeProvince, "--out", provLog)
	if rows := auditRows(t, provLog); len(rows) != 1 || rows[0][2] != "Sở Công Thương (máy cấp tỉnh)" || rows[0][8] != "Tổng hợp vụ việc chuyển lên Sở" {
		t.Fatalf("the province's own audit records: %q", rows)
	}
	log := filepath.Join(t.TempDir(), "nhat-ky.xlsx")
	serverCmd(t, "export", "--db", srv.DB, "--report", "audit", "--out", log)
	rows := auditRows(t, log)
	if len(rows) != 3 {
		t.Fatalf("%d rows in the log, want 2: %q", len(rows), rows)
	}
	byReason := map[string][]string{}
	for _, r := range rows {
		byReason[r[8]] = r
	}
	delete(byReason, "Tổng hợp vụ việc chuyển lên Sở")
	ra, rb := byReason["Cung cấp cho Thanh tra tỉnh theo Quyết định số 12/QĐ-TTr"], byReason["Chuyển sổ sang máy mới"]
	if ra == nil || rb == nil {
		t.Fatalf("the log lacks a reason: %q", rows)
	}
	for _, c := range []struct {
		row   []string
		unit  string
		cases string
	}{{ra, "Phường Mỹ Tho", "12"}, {rb, "Phường Đạo Thạnh", "8"}} {
		r := c.row
		if r[2] != c.unit || r[3] == "" || r[4] != "Xuất báo cáo không che thông tin cá nhân" || !strings.HasPrefix(r[5], "Sổ theo dõi") ||
			r[6] == "" || r[6] == "0" || r[7] != c.cases {
			t.Fatalf("row %q; want %s, the unmasked register of %s cases", r, c.unit, c.cases)
		}
	}
	// Sorted by time: the time column (a date cell) never goes back.
	f, err := excelize.OpenFile(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, _ := f.GetRows(xlsx.AuditSheet, excelize.Options{RawCellValue: true})
	var times []float64
	for _, r := range all {
		if len(r) > 1 && (r[0] == "1" || r[0] == "2") {
			v, err := strconv.ParseFloat(r[1], 64)
			if err != nil {
				t.Fatalf("time cell %q is not a date", r[1])
			}
			times = append(times, v)
		}
	}
	if len(times) != 2 || times[1] < times[0] {
		t.Fatalf("times %v not in order", times)
	}
	// No person's data in the log.
	db, _, err := cli.OpenStore(context.Background(), a.dir, a.now)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := db.ListCases(context.Background(), app.CaseQuery{})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(append(ra, rb...), "|")
	for _, c := range cases {
		if strings.Contains(text, c.ConsumerName) || c.ConsumerPhone != "" && strings.Contains(text, c.ConsumerPhone) {
			t.Fatalf("the log names a consumer of case %s", c.Number)
		}
	}

	// One commune; and days: none from tomorrow.
	serverCmd(t, "export", "--db", srv.DB, "--report", "audit", "--commune", "28249", "--out", log)
	if rows := auditRows(t, log); len(rows) != 1 || rows[0][8] != "Chuyển sổ sang máy mới" {
		t.Fatalf("commune 28249: %q", rows)
	}
	tomorrow := a.now().In(app.ICT).AddDate(0, 0, 1).Format("02/01/2006")
	serverCmd(t, "export", "--db", srv.DB, "--report", "audit", "--from", tomorrow, "--out", log)
	if rows := auditRows(t, log); len(rows) != 0 {
		t.Fatalf("from tomorrow: %q", rows)
	}
	today := a.now().In(app.ICT).Format("02/01/2006")
	serverCmd(t, "export", "--db", srv.DB, "--report", "audit", "--from", "01/01/2020", "--to", today, "--out", log)
	if rows := auditRows(t, log); len(rows) != 3 {
		t.Fatalf("up to today: %d rows", len(rows))
	}
	// Flags that do not apply.
	for _, args := range [][]string{{"--year", "2026"}, {"--from", "31/02/2026"}, {"--from", "02/01/2026", "--to", "01/01/2026"}} {
		if _, _, err := run(t, append([]string{"export", "--db", srv.DB, "--report", "audit", "--out", log}, args...)...); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%q: %v", args, err)
		}
	}
	if _, _, err := run(t, "export", "--db", srv.DB, "--report", "register", "--from", "01/01/2026", "--out", log); app.ErrorCode(err) != app.EINVALID {
		t.Errorf("register --from: %v", err)
	}
}

// auditFields is a valid new audit record's fields as raw JSON.
func auditFields(now time.Time, reason string) string {
	return `{"at":"` + now.UTC().Truncate(time.Second).Format(time.RFC3339) + `","officer":"Cán bộ thử","action":"xuat_khong_che",` +
		`"what":"Sổ theo dõi tiếp nhận, giải quyết phản ánh, khiếu nại; Năm báo cáo 2026","people":3,"records":4,"reason":"` + reason + `"}`
}

// The server refuses a change to an audit record that exists (it is
// append-only: app.Kind.AppendOnly, checked by app.ValidateWrite) through
// the real push path, with a rejection for that mutation alone: the rest
// of the same push is applied, the record stays as written, and the
// commune's laptops keep syncing.
func TestAudit_ChangeOfAnAuditRecordRefusedOnPush_RestApplied(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	h := enrolHostile(t, srv, "28261", srv.newTag())
	lap := newLaptop(t, srv, "28261", 0)

	hlc := func() string {
		clock.Advance(time.Second)
		return app.HLC{Wall: clock.Peek().UnixMilli()}.String()
	}
	entry := rawMutation{ID: app.NewID(), Entity: app.EntityAuditEntry, RecordID: app.NewID(), Scope: "28261", HLC: hlc(),
		Officer: "Cán bộ thử", Fields: auditFields(clock.Peek(), "Thanh tra tỉnh")}
	if got := h.push(entry); got != syncproto.StatusApplied {
		t.Fatalf("a new audit record: %s", got)
	}

	// The same record changed, and a new case, in one push.
	change := entry
	change.ID, change.HLC, change.Fields = app.NewID(), hlc(), `{"reason":"Lý do khác","people":0}`
	kase := h.newMutation(caseFields(clock.Peek()))
	kase.HLC = hlc()
	got := strings.Fields(h.push(change, kase))
	if len(got) != 2 || !strings.HasPrefix(got[0], syncproto.StatusRejected+":") || got[1] != syncproto.StatusApplied {
		t.Fatalf("push of a change to the audit record and a new case: %q; want the change rejected, the case applied", got)
	}
	// A voiding is a change too.
	void := entry
	void.ID, void.HLC, void.Fields = app.NewID(), hlc(), `{"voided":true}`
	if got := h.push(void); !strings.HasPrefix(got, syncproto.StatusRejected+":") {
		t.Fatalf("voiding the audit record: %s", got)
	}

	lap.mustSync()
	var e app.AuditEntry
	if err := lap.db.GetRecord(ctx, entry.RecordID, &e); err != nil {
		t.Fatal(err)
	}
	if e.Reason != "Thanh tra tỉnh" || e.People != 3 || e.Voided {
		t.Fatalf("the audit record became %+v", e)
	}
	if _, err := lap.db.GetCase(ctx, kase.RecordID); err != nil {
		t.Fatalf("the case pushed with the refused change: %v", err)
	}
	// The laptop's own records are append-only too, and it converges.
	if err := lap.db.Audit(ctx, &app.AuditEntry{Action: app.AuditUnmaskedExport, What: "Sổ theo dõi", People: 1, Records: 1, Reason: "Kiểm tra"}); err != nil {
		t.Fatal(err)
	}
	lap.mustSync()
	es, err := storage.ListRecords[app.AuditEntry](ctx, lap.db, storage.RecordQuery{})
	if err != nil || len(es) != 2 {
		t.Fatalf("%d audit records on the laptop, %v", len(es), err)
	}
	assertConverged(t, srv, lap)
}
