package storage

import (
	"context"
	"reflect"
	"testing"

	"bvntd/app"
	"bvntd/seeds"
)

// TestCaseRecord_FullRecordRoundTrips saves a case with every field of the
// full record, reads it back equal, and edits one list: the outbox carries
// that list alone (with the author fields).
func TestCaseRecord_FullRecordRoundTrips(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	c := newCase(db, "Võ Thị Sáu")
	c.RequesterRole, c.RepresentativeName, c.RepresentativeRelation = app.RoleRepresentative, "Lê Văn Tám", "Con trai"
	c.ConsumerGender, c.ConsumerBirthDate, c.ConsumerUnitCode = "nu", "1948-05-01", "28261"
	c.ConsumerOldAddress = "Phường 1, thành phố Mỹ Tho"
	c.VulnerableGroups, c.VulnerableEvidence = []string{"nguoi_cao_tuoi"}, "Căn cước công dân"
	c.BusinessName, c.BusinessKind, c.BusinessTaxCode = "Công ty TNHH Sức Khỏe Vàng", "doanh_nghiep", "1201234567"
	c.BusinessOnlineChannel = "Hội thảo tại nhà văn hóa ấp"
	c.TransactionType, c.ProductOrService = "ban_hang_khong_tai_dia_diem_thuong_xuyen", "Máy lọc nước"
	c.TransactionDate, c.TransactionValue, c.DamageClaimed = "2026-01-20", 12_500_000, 12_500_000
	c.SpecificRequest, c.PriorContact, c.PriorContactDate = "Trả lại máy, hoàn tiền", true, "2026-01-22"
	c.Evidence, c.AssignedTo, c.ResolutionMethod = []string{"Hợp đồng mua bán", "Phiếu thu"}, "Trần Văn Bình", "ho_tro_thuong_luong"
	c.IssueTypes = []string{firstIssueType(t, db)}
	if err := db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, *c) {
		t.Fatalf("read back\n%+v\nwant\n%+v", got, *c)
	}
	if err := db.ApplyResults(ctx, []app.MutationResult{{MutationID: mustBatch(t, db)[0].ID, Status: app.ResultApplied}}); err != nil {
		t.Fatal(err)
	}
	orig := got
	got.Evidence = append(got.Evidence, "Ảnh chụp máy")
	if err := db.Edit(ctx, app.EntityCase, got.ID, orig.Version, got.ChangedFields(&orig)); err != nil {
		t.Fatal(err)
	}
	batch := mustBatch(t, db)
	for i, k := range keys(batch[0].Fields) {
		if i == 0 && k != "evidence" || i > 0 && k != "updated_at" && k != "updated_by" {
			t.Fatalf("changed fields %v", keys(batch[0].Fields))
		}
	}
	// Found by the product and the tax code.
	for _, q := range []string{"may loc nuoc", "1201234567"} {
		l, err := db.ListCases(ctx, app.CaseQuery{Text: q})
		if err != nil || len(l) != 1 {
			t.Fatalf("search %q: %d cases, %v", q, len(l), err)
		}
	}
}

func firstIssueType(t *testing.T, _ *DB) string {
	refs, err := seeds.Load()
	if err != nil || len(refs.IssueTypes) == 0 {
		t.Fatal("no issue types seeded")
	}
	return refs.IssueTypes[0].Code
}
