// Package kpitest holds a data set counted by hand for the definitions of
// the targets of Kế hoạch 395 (app.TargetDefinitions; issue 18 item 5),
// shared by the indicator test (package app) and the annual workbook's test
// (package xlsx), so that both check the same figures.
package kpitest

import (
	"time"

	"bvntd/app"
)

// The two communes of the data set: A holds almost everything, B adds to
// the province's figures.
const (
	UnitA = "28261"
	UnitB = "28273"
)

// Now is the moment the figures are computed at (report year 2027).
var Now = time.Date(2027, 12, 20, 9, 0, 0, 0, app.ICT)

// PlanData is the data set of commune A alone (province false: a commune's
// device, Units [A]) or of the province (A and B). The figures, counted by
// hand, are given in the comments, for report year 2027 (15/12/2026 –
// 14/12/2027) unless said otherwise.
func PlanData(province bool) *app.KPIData {
	d := &app.KPIData{Units: []string{UnitA}, Now: Now}
	if province {
		d.Units = []string{UnitA, UnitB}
	}
	// T1 (proxy): A synced on 01/06/2027, B never: A alone 1/1 (100%),
	// the province 1/2 (50%); never "Đạt".
	d.SyncedUnits = map[string]time.Time{UnitA: time.Date(2027, 6, 1, 10, 0, 0, 0, app.ICT)}

	ev := func(id, unit, typ, topic, day string, linked bool) app.OutreachEvent {
		return app.OutreachEvent{RecordHead: app.RecordHead{ID: id, UnitCode: unit}, Type: typ, Title: "Sự kiện " + id,
			Topic: topic, StartDate: day, Status: "da_to_chuc", Linked153: linked}
	}
	// T2: E1 (A's 15/3 rally) and E4 (B's programme linked to 15/3): A
	// contributes 1, the province has 2 (met). T6: E2 (A's conference on
	// compliance): A contributes 1, the province has 1 (met). E3 (B's
	// seminar on safe consumption) is neither.
	d.Outreach = []app.OutreachEvent{
		ev("E1", UnitA, "mit_tinh_15_3", "quyen_nghia_vu_ntd", "2027-03-15", false),
		ev("E2", UnitA, "hoi_nghi", "tuan_thu_phap_luat", "2027-06-10", false),
		ev("E3", UnitB, "hoi_thao", "tieu_dung_an_toan", "2027-08-01", false),
		ev("E4", UnitB, "su_kien_chuong_trinh", "khac", "2027-03-10", true),
	}
	pub := func(id, unit, typ, origin, format, day, channel string) app.Publication {
		return app.Publication{RecordHead: app.RecordHead{ID: id, UnitCode: unit}, Type: typ, Origin: origin,
			Format: format, Title: "Tài liệu " + id, Date: day, Channel: channel}
	}
	// T3 (documents and publications only): A's D1 leaflet and D2
	// handbook: A contributes 2; with B's D7 poster the province has 3
	// (met). T7 (news items and posts online, cumulative from 15/12/2025):
	// D3 and D4 in 2027, D5 and D6 in 2026: 2 in the period, 4 cumulative
	// (40% of 10: progress); report year 2026 alone has D5, D6: 2 (20%).
	// D8, a news item read on the loudspeakers, counts for neither.
	d.Publications = []app.Publication{
		pub("D1", UnitA, "to_roi", "tu_phat_hanh", "giay", "2027-03-01", "phat_truc_tiep"),
		pub("D2", UnitA, "so_tay", "tiep_nhan_trung_uong", "giay", "2027-04-01", "phat_truc_tiep"),
		pub("D3", UnitA, "tin_bai", "tu_phat_hanh", "dien_tu", "2027-05-01", "chuyen_muc_website"),
		pub("D4", UnitA, "bai_mxh", "tu_phat_hanh", "dien_tu", "2027-06-01", "facebook"),
		pub("D5", UnitA, "tin_bai", "tu_phat_hanh", "dien_tu", "2026-05-01", "chuyen_muc_website"),
		pub("D6", UnitA, "phong_su", "tu_phat_hanh", "dien_tu", "2026-09-01", "zalo"),
		pub("D7", UnitB, "poster", "tu_phat_hanh", "giay", "2027-07-01", "phat_truc_tiep"),
		pub("D8", UnitA, "tin_bai", "tu_phat_hanh", "dien_tu", "2027-02-01", "loa_truyen_thanh"),
	}
	// T4: A's relevant organisations O1 (socio-political) and O2
	// (association); P2 of O1 was at the conference E2: 1/2 (50%,
	// progress).
	d.Organisations = []app.Organisation{
		{RecordHead: app.RecordHead{ID: "O1", UnitCode: UnitA}, Name: "Hội Liên hiệp Phụ nữ", Kind: "to_chuc_ct_xh", Relevant: true},
		{RecordHead: app.RecordHead{ID: "O2", UnitCode: UnitA}, Name: "Hiệp hội Doanh nghiệp", Kind: "hiep_hoi", Relevant: true},
	}
	d.Participants = []app.Participant{
		{RecordHead: app.RecordHead{ID: "P1", UnitCode: UnitA}, FullName: "Trần Thị Lan", Type: "can_bo_cong_chuc_xa"},
		{RecordHead: app.RecordHead{ID: "P2", UnitCode: UnitA}, FullName: "Lê Thị Mai", Type: "hoi_vien_doan_the", OrganisationID: "O1"},
		{RecordHead: app.RecordHead{ID: "P3", UnitCode: UnitA}, FullName: "Nguyễn Văn Hùng", Type: "can_bo_cong_chuc_xa"},
	}
	// T5: F1 (trade officer, P1) at the training S1; F2 (an officer of
	// the Women's Union, role doan_the, "Tính cho T5" not ticked: in the
	// population by the plan's wording) at the conference E2; F3 (trade
	// officer, P3) only at the 15/3 rally E1, which is no conference; F4
	// (role khac, not ticked) is outside. 2/3 (66,7%, progress).
	d.Officers = []app.Officer{
		{RecordHead: app.RecordHead{ID: "F1", UnitCode: UnitA}, FullName: "Trần Thị Lan", Role: "can_bo_cong_thuong_xa", CountsForT5: true, Active: true, ParticipantID: "P1"},
		{RecordHead: app.RecordHead{ID: "F2", UnitCode: UnitA}, FullName: "Lê Thị Mai", Role: "doan_the", Active: true, ParticipantID: "P2"},
		{RecordHead: app.RecordHead{ID: "F3", UnitCode: UnitA}, FullName: "Nguyễn Văn Hùng", Role: "can_bo_cong_thuong_xa", CountsForT5: true, Active: true, ParticipantID: "P3"},
		{RecordHead: app.RecordHead{ID: "F4", UnitCode: UnitA}, FullName: "Phạm Văn Tài", Role: "khac", Active: true},
	}
	d.Sessions = []app.TrainingSession{
		{RecordHead: app.RecordHead{ID: "S1", UnitCode: UnitA}, Title: "Tập huấn pháp luật bảo vệ người tiêu dùng", StartDate: "2027-04-20", Status: "da_to_chuc", Format: "truc_tiep"},
	}
	at := func(id, session, person string) app.Attendance {
		return app.Attendance{RecordHead: app.RecordHead{ID: id, UnitCode: UnitA}, SessionID: session, ParticipantID: person, Status: "co_mat"}
	}
	d.Attendance = []app.Attendance{at("A1", "S1", "P1"), at("A2", "E2", "P2"), at("A3", "E1", "P3")}

	if !province {
		keep := func(unit string) bool { return unit == UnitA }
		d.Outreach = filter(d.Outreach, func(e app.OutreachEvent) bool { return keep(e.UnitCode) })
		d.Publications = filter(d.Publications, func(p app.Publication) bool { return keep(p.UnitCode) })
	}
	return d
}

func filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}
