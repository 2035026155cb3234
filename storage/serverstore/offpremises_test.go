package serverstore_test

import (
	"strings"
	"testing"

	"bvntd/app"
)

// An off-premises sales notice (NĐ 55/2024/NĐ-CP Điều 26) is checked by
// the server with the laptop's validator: one without the day the commune
// received it (Điều 26 khoản 3) or received in a way Điều 26 khoản 1 does
// not list is refused, its message naming the field; a good one is kept.
func TestPush_OffPremisesNoticeValidated(t *testing.T) {
	s, _ := MustOpen(t, newTestClock()) // 2026-03-15
	d := MustEnroll(t, s, "28261")
	base := map[string]any{"unit_code": "28261", "business_name": "Công ty TNHH Sức Khỏe Vàng",
		"title": "Hội thảo giới thiệu sản phẩm", "place": "Nhà văn hóa ấp 3",
		"start_date": "2026-03-20", "received_date": "2026-03-14", "received_via": "truc_tiep"}
	with := func(k string, v any) map[string]any {
		f := map[string]any{}
		for a, b := range base {
			f[a] = b
		}
		f[k] = v
		return f
	}
	good := mut(app.NewID(), "28261", hlc(1), base)
	noDay := mut(app.NewID(), "28261", hlc(2), with("received_date", "")) // written empty
	fax := mut(app.NewID(), "28261", hlc(3), with("received_via", "fax"))
	good.Entity, noDay.Entity, fax.Entity = app.EntityOffPremisesNotice, app.EntityOffPremisesNotice, app.EntityOffPremisesNotice
	res := mustPush(t, s, d, good, noDay, fax)
	if got, want := statuses(res), []string{"applied", "rejected:invalid_value", "rejected:invalid_value"}; !equal(got, want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
	for i, label := range map[int]string{1: "Ngày UBND nhận thông báo", 2: "Cách nhận thông báo"} {
		if !strings.Contains(res[i].Message, label) {
			t.Errorf("refusal %d: %q does not name %q", i, res[i].Message, label)
		}
	}
	if _, ok := recordOf(t, s, d, "28261", good.RecordID); !ok {
		t.Error("the good notice is not stored")
	}
	if _, ok := recordOf(t, s, d, "28261", fax.RecordID); ok {
		t.Error("the refused notice is stored")
	}
}
