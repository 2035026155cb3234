package app

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// syncEntities are the entities the sync carries: cases, their steps,
// conflicts and every declared kind.
func syncEntities() []string {
	return append([]string{EntityCase, EntityCaseEvent, EntityConflict}, RecordEntities...)
}

// Every field of every record has a Vietnamese label, and every label is
// of a field that exists: a field added without one fails here.
func TestFieldLabels_EveryFieldOfEveryRecord(t *testing.T) {
	for _, e := range syncEntities() {
		d := newSyncDoc(e)
		if d == nil {
			t.Fatalf("%s: no record type", e)
		}
		names := RecordFieldNames(d)
		for _, name := range names {
			if _, ok := infoOf(e, name); !ok {
				t.Errorf("%s.%s has no label (app/fieldinfo.go)", e, name)
			}
		}
		for name := range fieldInfos[e] {
			if !slices.Contains(names, name) {
				t.Errorf("%s: label of %q, a field the record does not have", e, name)
			}
		}
		if EntityLabels.Label(e) == e {
			t.Errorf("entity %s has no label", e)
		}
	}
	for e := range fieldInfos {
		if !slices.Contains(syncEntities(), e) {
			t.Errorf("labels of %q, an entity the sync does not carry", e)
		}
	}
}

func TestDisplayValue(t *testing.T) {
	refs := &RefData{
		Units:    []AdminUnit{{Code: "28261", Name: "Phường Mỹ Tho"}},
		Sectors:  []Sector{{Code: "thuc_pham_do_uong", VI: "Thực phẩm, đồ uống"}},
		Agencies: []Agency{{ID: "sct", NameVI: "Sở Công Thương"}},
	}
	at := time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC)
	atJSON, _ := json.Marshal(at)
	for _, c := range []struct {
		entity, field, raw, want string
	}{
		{EntityCase, "consumer_gender", `"khac"`, Genders.Label("khac")},
		{EntityCase, "status", `"da_thu_ly"`, CaseStatuses.Label("da_thu_ly")},
		{EntityCase, "transaction_value", `1500000`, "1.500.000 đồng"},
		{EntityCase, "transaction_value", `1e999`, "(giá trị không đọc được)"},
		{EntityCase, "transaction_value", `0`, ""},
		{EntityCase, "prior_contact", `true`, "Có"},
		{EntityCase, "prior_contact_date", `"2026-11-30"`, "30/11/2026"},
		{EntityCase, "received_at", string(atJSON), "01/12/2026"},
		{EntityCase, "updated_at", string(atJSON), "09:30 01/12/2026"},
		{EntityCase, "sector", `"thuc_pham_do_uong"`, "Thực phẩm, đồ uống"},
		{EntityCase, "consumer_unit_code", `"28261"`, "Phường Mỹ Tho"},
		{EntityCase, "consumer_unit_code", `"99999"`, "99999"},
		{EntityCase, "vulnerable_groups", `["nguoi_cao_tuoi","tre_em"]`, VulnerableGroups.Label("nguoi_cao_tuoi") + ", " + VulnerableGroups.Label("tre_em")},
		{EntityCase, "evidence", `["Hóa đơn","Ảnh chụp"]`, "Hóa đơn; Ảnh chụp"},
		{EntityCase, "summary", `""`, ""},
		{EntityCaseEvent, "amount_recovered", `250000`, "250.000 đồng"},
		{EntityCaseEvent, "agency", `"sct"`, "Sở Công Thương"},
		{EntityOutreach, "estimated_attendance", `1200`, "1.200"},
		{EntityOutreach, "partners", `["sct"]`, "Sở Công Thương"},
		{EntityConflict, "status", `"open"`, "Chưa xem xét"},
		{"a_newer_kind", "its_field", `12000`, "12.000"},
		{"a_newer_kind", "its_field", `"chữ"`, "chữ"},
	} {
		if got := DisplayValue(c.entity, c.field, json.RawMessage(c.raw), refs); got != c.want {
			t.Errorf("DisplayValue(%s, %s, %s) = %q, want %q", c.entity, c.field, c.raw, got, c.want)
		}
	}
	if got := FieldLabel(EntityCase, "transaction_value"); got != "Giá trị giao dịch" {
		t.Errorf("label %q", got)
	}
	if got := FieldLabel(EntityCase, "summ\xffry"); got != "(tên trường không hợp lệ)" {
		t.Errorf("label of a bad name %q", got)
	}
}
