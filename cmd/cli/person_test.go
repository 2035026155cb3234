package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/app/xlsx"
	"bvntd/seeds"
	"bvntd/storage"
)

// TestExportPerson_ReadableFileAndAudit: the export of a person's data has
// the cover and a sheet per kind, with the Vietnamese labels and values of
// their case and attendance (read back by excelize and by the independent
// reader, .ci/xlsxcheck.py), and leaves one audit record naming the
// records by number, never the person.
func TestExportPerson_ReadableFileAndAudit(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(time.Date(2026, time.November, 22, 10, 0, 0, 0, app.ICT))
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "bvntd.sqlite"), storage.Options{Now: clock.Now, DeviceTag: "A7K3"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplySeeds(ctx, seeds.Version, refs); err != nil {
		t.Fatal(err)
	}
	db.SetRefs(refs)
	if err := db.SetUnitCode(ctx, "28261"); err != nil {
		t.Fatal(err)
	}
	db.SetOfficer("Lê Văn Tâm")
	c := &app.Case{ReceivedAt: clock.Now().Add(-48 * time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Nguyễn Thị Hồng Đào", ConsumerPhone: "0912 345 678", Sector: "thuc_pham_do_uong",
		Summary: "Mua sữa hết hạn sử dụng."}
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := db.AddCaseEvent(ctx, c.ID, &app.CaseEvent{Kind: app.EventNote, Note: "Bà Đào gọi điện bổ sung hóa đơn."}); err != nil {
		t.Fatal(err)
	}
	s := &app.TrainingSession{Title: "Tập huấn nhận biết hàng giả", StartDate: "2026-11-20", Format: "truc_tiep",
		Status: "da_to_chuc", PlanTasks: []string{"IV.1"}}
	p := &app.Participant{FullName: "Nguyễn Thị Hồng Đào", Type: "hoi_vien_doan_the", Phone: "0912345678"}
	for _, r := range []app.Record{s, p} {
		if err := db.SaveRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveRecord(ctx, &app.Attendance{SessionID: s.ID, ParticipantID: p.ID, Status: "co_mat"}); err != nil {
		t.Fatal(err)
	}
	svc := PersonService{DB: db, Refs: refs}
	d, err := svc.FindPerson(ctx, app.PersonQuery{Phone: "+84912.345.678"})
	if err != nil || len(d.Cases) != 1 || len(d.Attendance) != 1 {
		t.Fatalf("found %+v, %v", d, err)
	}
	path := filepath.Join(t.TempDir(), "du-lieu.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	e := app.PersonExport{Query: app.PersonQuery{Phone: "0912345678"}, Requester: "Nguyễn Thị Hồng Đào",
		Reason: "Yêu cầu xem, cung cấp dữ liệu ngày 22/11/2026", UnitName: "Phường Mỹ Tho", Officer: "Lê Văn Tâm"}
	if err := svc.ExportPerson(ctx, &d, e, f); err != nil {
		t.Fatal(err)
	}
	f.Close()

	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheets := []string{xlsx.PersonCoverSheet, xlsx.PersonCasesSheet, xlsx.PersonTrainingSheet, xlsx.PersonRequestsSheet}
	if got := x.GetSheetList(); strings.Join(got, "|") != strings.Join(sheets, "|") {
		t.Fatalf("sheets %v", got)
	}
	// find returns the cell B of the row whose A is label in sheet.
	find := func(sheet, label string) (string, string) {
		rows, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range rows {
			if len(r) >= 2 && r[0] == label {
				return fmt.Sprintf("B%d", i+1), r[1]
			}
		}
		t.Fatalf("%s: no row %q", sheet, label)
		return "", ""
	}
	var checks []map[string]any
	for _, w := range []struct{ sheet, label, value string }{
		{xlsx.PersonCoverSheet, "Người yêu cầu", "Nguyễn Thị Hồng Đào"},
		{xlsx.PersonCoverSheet, "Ngày, giờ xuất dữ liệu", "10:00 ngày 22/11/2026"},
		{xlsx.PersonCoverSheet, "Đơn vị cung cấp", "Phường Mỹ Tho"},
		{xlsx.PersonCoverSheet, "Số vụ việc", "1"},
		{xlsx.PersonCasesSheet, "Họ và tên người tiêu dùng", "Nguyễn Thị Hồng Đào"},
		{xlsx.PersonCasesSheet, "Số điện thoại người tiêu dùng", "0912345678"},
		{xlsx.PersonCasesSheet, "Nội dung vụ việc", "Mua sữa hết hạn sử dụng."},
		{xlsx.PersonCasesSheet, "Bước xử lý 1 (22/11/2026)", "Bước xử lý: Ghi chú\nCán bộ thực hiện: Lê Văn Tâm\nGhi chú: Bà Đào gọi điện bổ sung hóa đơn."},
		{xlsx.PersonTrainingSheet, "Lớp tập huấn, hội nghị", "Tập huấn nhận biết hàng giả"},
		{xlsx.PersonTrainingSheet, "Ngày tổ chức", "20/11/2026"},
	} {
		ref, got := find(w.sheet, w.label)
		if got != w.value {
			t.Errorf("%s %s = %q, want %q", w.sheet, w.label, got, w.value)
		}
		checks = append(checks, map[string]any{"sheet": w.sheet, "cell": ref, "equals": w.value})
	}
	if _, got := find(xlsx.PersonCasesSheet, "Trạng thái"); got == "" || got == app.StatusReceived {
		t.Errorf("status shown as %q, want its label", got)
	}
	checks = append(checks, map[string]any{"sheet": xlsx.PersonCoverSheet, "cell": "A2", "equals": xlsx.PersonTitle})
	annualOpenpyxl(t, []map[string]any{{"file": path, "sheets": sheets, "checks": checks}}, len(checks) >= 10)

	audits, err := storage.ListRecords[app.AuditEntry](ctx, db, storage.RecordQuery{})
	if err != nil || len(audits) != 1 {
		t.Fatalf("audit: %+v, %v", audits, err)
	}
	a := audits[0]
	if a.Action != app.AuditPersonExport || a.People != 1 || a.Records != 3 || !strings.Contains(a.What, c.Number) ||
		strings.Contains(app.Fold(a.What), "dao") || strings.Contains(a.What, "0912") {
		t.Fatalf("audit entry %+v", a)
	}
}
