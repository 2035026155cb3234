package app

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// kpiAt is a moment in Vietnam time, "2006-01-02 15:04".
func kpiAt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ICT)
	if err != nil {
		panic(err)
	}
	return t
}

func TestReportYear_Boundaries(t *testing.T) {
	p := ReportYear(2026)
	if !p.From.Equal(kpiAt("2025-12-15 00:00")) || !p.To.Equal(kpiAt("2026-12-14 00:00")) {
		t.Fatalf("report year 2026 = %v – %v, want 15/12/2025 – 14/12/2026", p.From, p.To)
	}
	if want := "Năm báo cáo 2026 (15/12/2025 – 14/12/2026)"; p.Label != want {
		t.Errorf("label %q, want %q", p.Label, want)
	}
	for _, tc := range []struct {
		at   string
		in26 bool
	}{
		{"2025-12-14 23:59", false}, // still report year 2025
		{"2025-12-15 00:00", true},  // first instant
		{"2026-12-14 23:59", true},  // the last day is included
		{"2026-12-15 00:00", false}, // report year 2027
	} {
		if got := p.Contains(kpiAt(tc.at)); got != tc.in26 {
			t.Errorf("Contains(%s) = %v, want %v", tc.at, got, tc.in26)
		}
	}
	// A moment given in UTC counts by its day in Vietnam: 14/12/2026
	// 18:00 UTC is 15/12 01:00 ICT.
	if p.Contains(time.Date(2026, 12, 14, 18, 0, 0, 0, time.UTC)) {
		t.Error("15/12 01:00 ICT counted in report year 2026")
	}
	if !p.ContainsDay("2026-12-14") || p.ContainsDay("2026-12-15") || p.ContainsDay("") || p.ContainsDay("14/12/2026") {
		t.Error("ContainsDay: 14/12 in, 15/12 out, empty and bad dates out")
	}
	if !ReportYear(2027).Contains(kpiAt("2026-12-15 00:00")) {
		t.Error("15/12/2026 not in report year 2027")
	}
	for at, want := range map[string]int{"2026-12-14 23:59": 2026, "2026-12-15 00:00": 2027, "2026-01-01 00:00": 2026, "2025-12-31 12:00": 2026} {
		if got := ReportYearOf(kpiAt(at)); got != want {
			t.Errorf("ReportYearOf(%s) = %d, want %d", at, got, want)
		}
	}
	c := CalendarYear(2026)
	if !c.From.Equal(kpiAt("2026-01-01 00:00")) || !c.To.Equal(kpiAt("2026-12-31 00:00")) {
		t.Errorf("calendar year = %v – %v", c.From, c.To)
	}
	// A cut-off of 1/1 is the calendar year.
	if j := ReportYearFrom(2026, time.January, 1); !j.From.Equal(c.From) || !j.To.Equal(c.To) {
		t.Errorf("report year from 1/1 = %v – %v, want the calendar year", j.From, j.To)
	}
	if o := ReportYearFrom(2026, time.October, 1); !o.From.Equal(kpiAt("2025-10-01 00:00")) || !o.To.Equal(kpiAt("2026-09-30 00:00")) {
		t.Errorf("report year from 1/10 = %v – %v", o.From, o.To)
	}
}

// kpiFixture is a commune's year written out by hand. The expected figures
// in TestComputeKPIs are counted by hand from these comments, for report
// year 2026 (15/12/2025 – 14/12/2026) with "now" 20/12/2026 12:00, one
// time limit (15 working days from acceptance to resolution) and a
// calendar of weekends only.
func kpiFixture() *KPIData {
	ev := func(id, caseID, kind, at, from, to string) CaseEvent {
		return CaseEvent{ID: id, CaseID: caseID, Kind: kind, At: kpiAt(at), FromStatus: from, ToStatus: to}
	}
	closing := func(e CaseEvent, outcome string, amount int64) CaseEvent {
		e.Outcome, e.AmountRecovered = outcome, amount
		return e
	}
	cs := func(id, unit, received, kind, channel, sector, tx, status string, groups ...string) Case {
		return Case{RecordHead: RecordHead{ID: id, UnitCode: unit}, Number: unit + "-" + id, ReceivedAt: kpiAt(received), Kind: kind,
			Channel: channel, Sector: sector, TransactionType: tx, Status: status, VulnerableGroups: groups}
	}
	d := &KPIData{Units: []string{"28261", "28273", "28282"}}
	d.Cases = []Case{
		// C1: on the last day; accepted and resolved that day (full, 2 tr),
		// closed on 16/12 repeating the outcome: finished in the period,
		// 2.000.000 once, on time.
		cs("C1", "28261", "2026-12-14 10:00", "khieu_nai", "truc_tiep", "thuc_pham_do_uong", "truc_tiep", StatusClosed, "nguoi_cao_tuoi"),
		// C2: the day after the period: not received in it; open now,
		// never accepted so no limit running.
		cs("C2", "28261", "2026-12-15 08:00", "tu_van", "dien_thoai", "khac", "", StatusReceived),
		// C3: the first day; resolved partly (500.000) on 20/01, then
		// closed as failed: the last outcome (khong_thanh, 0 ₫) counts.
		// Accepted Tue 16/12/2025: 15 working days end Tue 06/01/2026, so
		// resolved late.
		cs("C3", "28261", "2025-12-15 07:30", "yeu_cau_ho_tro_thuong_luong", "tong_dai_1800_6838", "thuong_mai_dien_tu", "tmdt", StatusClosed),
		// C4: received the day before the period, closed 10/02/2026 as
		// advice only: finished in the period, out of the rate's base, late
		// (due 06/01/2026).
		cs("C4", "28261", "2025-12-14 20:00", "khieu_nai", "truc_tiep", "khac", "", StatusClosed),
		// C5: referred and closed as handled elsewhere: out of the base.
		// Accepted Mon 02/03, due Mon 23/03, closed 20/03: on time.
		cs("C5", "28261", "2026-03-01 09:00", "phan_anh", "dien_thoai", "thuc_pham_do_uong", "", StatusClosed, "nguoi_cao_tuoi", "ho_ngheo"),
		// C6: rejected (Điều 58) with no outcome recorded: counts as
		// inadmissible, out of the base; no limit had started: on time.
		cs("C6", "28261", "2026-04-10 09:00", "khieu_nai", "mang_xa_hoi", "thuong_mai_dien_tu", "tmdt", StatusRejected),
		// C7 (commune 28273): withdrawn: finished, outside the rate.
		// Accepted Wed 06/05, due Wed 27/05, withdrawn 20/05: on time.
		cs("C7", "28273", "2026-05-05 09:00", "khieu_nai", "truc_tiep", "khac", "", StatusWithdrawn),
		// C8: resolved fully (1 tr) and closed in June, reopened on Sat
		// 20/06, resolved again partly (300.000) on 30/06: finished
		// 30/06, partial, 300.000 (not 1.300.000 nor 2.300.000); the
		// clock restarted on reopening (due mid-July): on time.
		cs("C8", "28261", "2026-06-01 09:00", "khieu_nai", "truc_tiep", "thuong_mai_dien_tu", "tmdt", StatusResolved),
		// C9: accepted Mon 02/11, still open: carried over, open now, and
		// overdue now (15 working days ended 23/11).
		cs("C9", "28261", "2026-11-01 09:00", "khieu_nai", "dien_thoai", "thuc_pham_do_uong", "", StatusAccepted),
		// C10: voided: nowhere, although received and closed fully.
		cs("C10", "28261", "2026-07-01 09:00", "khieu_nai", "truc_tiep", "thuc_pham_do_uong", "", StatusClosed),
		// C12: closed, but pulled without its timeline: finished at its
		// last update (12/12/2026), no outcome (in the base, not a
		// success), timing unknown.
		cs("C12", "28261", "2026-12-10 09:00", "tu_van", "truc_tiep", "khac", "", StatusClosed),
	}
	d.Cases[9].Voided = true
	d.Cases[10].UpdatedAt = kpiAt("2026-12-12 16:00")
	d.Events = []CaseEvent{
		ev("e1a", "C1", EventAccepted, "2026-12-14 11:00", StatusReceived, StatusAccepted),
		closing(ev("e1b", "C1", EventResolved, "2026-12-14 15:00", StatusAccepted, StatusResolved), "thanh_cong_toan_bo", 2_000_000),
		closing(ev("e1c", "C1", EventClosed, "2026-12-16 09:00", StatusResolved, StatusClosed), "thanh_cong_toan_bo", 2_000_000),

		ev("e3a", "C3", EventAccepted, "2025-12-16 09:00", StatusReceived, StatusAccepted),
		ev("e3b", "C3", EventNegotiationStart, "2025-12-20 09:00", StatusAccepted, StatusNegotiating),
		closing(ev("e3c", "C3", EventResolved, "2026-01-20 09:00", StatusNegotiating, StatusResolved), "thanh_cong_mot_phan", 500_000),
		closing(ev("e3d", "C3", EventClosed, "2026-01-25 09:00", StatusResolved, StatusClosed), "khong_thanh", 0),

		ev("e4a", "C4", EventAccepted, "2025-12-16 10:00", StatusReceived, StatusAccepted),
		ev("e4b", "C4", EventProcessingStarted, "2025-12-17 10:00", StatusAccepted, StatusInProgress),
		closing(ev("e4c", "C4", EventClosed, "2026-02-10 10:00", StatusInProgress, StatusClosed), "tu_van_xong", 0),

		ev("e5a", "C5", EventAccepted, "2026-03-02 09:00", StatusReceived, StatusAccepted),
		ev("e5b", "C5", EventReferred, "2026-03-03 09:00", StatusAccepted, StatusReferred),
		closing(ev("e5c", "C5", EventClosed, "2026-03-20 09:00", StatusReferred, StatusClosed), "chuyen_co_quan_khac_xu_ly", 0),

		ev("e6a", "C6", EventRejected, "2026-04-11 09:00", StatusReceived, StatusRejected),

		ev("e7a", "C7", EventAccepted, "2026-05-06 09:00", StatusReceived, StatusAccepted),
		ev("e7b", "C7", EventWithdrawn, "2026-05-20 09:00", StatusAccepted, StatusWithdrawn),

		// Listed out of order on purpose: the timeline is sorted by time.
		closing(ev("e8e", "C8", EventResolved, "2026-06-30 09:00", StatusInProgress, StatusResolved), "thanh_cong_mot_phan", 300_000),
		ev("e8a", "C8", EventAccepted, "2026-06-02 09:00", StatusReceived, StatusAccepted),
		closing(ev("e8b", "C8", EventResolved, "2026-06-10 09:00", StatusAccepted, StatusResolved), "thanh_cong_toan_bo", 1_000_000),
		closing(ev("e8c", "C8", EventClosed, "2026-06-12 09:00", StatusResolved, StatusClosed), "thanh_cong_toan_bo", 1_000_000),
		ev("e8d", "C8", EventReopened, "2026-06-20 09:00", StatusClosed, StatusInProgress),

		ev("e9a", "C9", EventAccepted, "2026-11-02 09:00", StatusReceived, StatusAccepted),

		ev("e10a", "C10", EventAccepted, "2026-07-01 10:00", StatusReceived, StatusAccepted),
		closing(ev("e10b", "C10", EventClosed, "2026-07-02 10:00", StatusAccepted, StatusClosed), "thanh_cong_toan_bo", 9_000_000),
	}
	// T1: 28261 synced on 10/12, 28273 on the last evening, 28282 only
	// after the cut-off: 2 of 3.
	d.SyncedUnits = map[string]time.Time{
		"28261": kpiAt("2026-12-10 08:00"),
		"28273": kpiAt("2026-12-14 23:00"),
		"28282": kpiAt("2026-12-15 00:30"),
	}
	d.SlaRules = []SlaRule{{Code: "resolve_overall", WorkingDays: 15, Start: EventAccepted,
		Stop: []string{EventResolved, EventWithdrawn, EventClosed, EventRejected}}}
	cal, err := NewCalendar(nil)
	if err != nil {
		panic(err)
	}
	d.Calendar, d.Now = cal, kpiAt("2026-12-20 12:00")

	org := func(id, kind string, relevant bool) Organisation {
		return Organisation{RecordHead: RecordHead{ID: id, UnitCode: "28261"}, Name: "Tổ chức " + id, Kind: kind, Relevant: relevant}
	}
	// T4: O1, O2 and O4 are relevant (O5 is voided, O3 is a business):
	// O1 has P3 present at S1, O2 has P7 present at event E3; O4 nobody.
	// 2 of 3.
	d.Organisations = []Organisation{
		org("O1", "to_chuc_ct_xh", true), org("O2", "to_chuc_ct_xh", true), org("O3", "doanh_nghiep", false),
		org("O4", "to_chuc_ct_xh", true), org("O5", "to_chuc_ct_xh", true),
	}
	d.Organisations[4].Voided = true

	person := func(id, name, typ, orgID string) Participant {
		return Participant{RecordHead: RecordHead{ID: id, UnitCode: "28261"}, FullName: name, Type: typ, OrganisationID: orgID}
	}
	d.Participants = []Participant{
		person("P1", "Trần Thị Lan", "can_bo_cong_chuc_xa", ""),
		person("P2", "Nguyễn Văn Hùng", "can_bo_cong_chuc_xa", ""),
		person("P3", "Lê Thị Mai", "hoi_vien_doan_the", "O1"),
		person("P4", "Phạm Văn Tài", "ho_kinh_doanh_tieu_thuong", "O3"),
		person("P5", "Võ Thị Hạnh", "nguoi_dan", ""),
		person("P6", "Trùng Lặp", "nguoi_dan", "O4"), // voided: O4 does not count through P6
		person("P7", "Đặng Văn Phúc", "hoi_vien_doan_the", "O2"),
	}
	d.Participants[5].Voided = true

	officer := func(id, participant string, counts, active bool) Officer {
		return Officer{RecordHead: RecordHead{ID: id, UnitCode: "28261"}, FullName: "Cán bộ " + id,
			CountsForT5: counts, Active: active, ParticipantID: participant}
	}
	// T5: F1, F2 and F5 are active and count (F3 left, F4 does not
	// count). F1 (P1) was present twice, F2 (P2) absent or only
	// registered, F5 is not in the participant register: 1 of 3.
	d.Officers = []Officer{
		officer("F1", "P1", true, true), officer("F2", "P2", true, true), officer("F3", "P5", true, false),
		officer("F4", "P3", false, true), officer("F5", "", true, true),
	}

	session := func(id, start, status, format string) TrainingSession {
		return TrainingSession{RecordHead: RecordHead{ID: id, UnitCode: "28261"}, Title: "Lớp " + id,
			StartDate: start, Status: status, Format: format}
	}
	// Held in the period: S1 (the last day) and S2. S3 is still planned,
	// S4 is the day after the period, S5 is voided.
	d.Sessions = []TrainingSession{
		session("S1", "2026-12-14", "da_to_chuc", "truc_tiep"),
		session("S2", "2026-03-20", "da_bao_cao", "truc_tuyen"),
		session("S3", "2026-12-10", "ke_hoach", "truc_tiep"),
		session("S4", "2026-12-15", "da_to_chuc", "truc_tiep"),
		session("S5", "2026-05-01", "da_to_chuc", "truc_tiep"),
	}
	d.Sessions[4].Voided = true

	att := func(id, sessionID, participant, status string) Attendance {
		return Attendance{RecordHead: RecordHead{ID: id, UnitCode: "28261"}, SessionID: sessionID, ParticipantID: participant, Status: status}
	}
	// Present and counted: A1 (P1), A3 (P3), A4 (P4), A6 (P1 again), A8
	// (P5), A14 (a person missing from the register): 6 person-times, 5
	// persons. By group: cán bộ A1, A6; người dân A3 (đoàn thể), A8;
	// doanh nghiệp A4; unknown A14.
	d.Attendance = []Attendance{
		att("A1", "S1", "P1", "co_mat"),
		att("A2", "S1", "P2", "vang"),
		att("A3", "S1", "P3", "co_mat"),
		att("A4", "S1", "P4", "co_mat"),
		att("A5", "S1", "P6", "co_mat"), // voided participant
		att("A6", "S2", "P1", "co_mat"),
		att("A7", "S2", "P2", "dang_ky"),
		att("A8", "S2", "P5", "co_mat"),
		att("A9", "S3", "P7", "co_mat"),  // planned session
		att("A10", "S4", "P5", "co_mat"), // next report year
		att("A11", "S5", "P5", "co_mat"), // voided session
		att("A12", "E3", "P7", "co_mat"), // at an event: T4 only
		att("A13", "S2", "P4", "co_mat"), // voided row
		att("A14", "S2", "P-missing", "co_mat"),
	}
	d.Attendance[12].Voided = true

	event := func(id, typ, topic, start, status string, linked bool, reach, businesses, leaflets int) OutreachEvent {
		return OutreachEvent{RecordHead: RecordHead{ID: id, UnitCode: "28261"}, Type: typ, Title: "Sự kiện " + id,
			Topic: topic, StartDate: start, Status: status, Linked153: linked, Attendance: reach, Businesses: businesses, Leaflets: leaflets}
	}
	// Held in the period: E1, E2, E3, E7 (reach 300+60+80+150 = 590).
	// T2: E1 (a 15/3 rally, flag not set) and E7 = 2. T6: E2 only (E3's
	// topic differs, E4 is after the cut-off, E6 voided) = 1.
	d.Outreach = []OutreachEvent{
		event("E1", "mit_tinh_15_3", "quyen_nghia_vu_ntd", "2026-03-15", "da_to_chuc", false, 300, 12, 500),
		event("E2", "hoi_thao", "tuan_thu_phap_luat", "2026-06-20", "da_bao_cao", false, 60, 25, 0),
		event("E3", "hoi_nghi", "tieu_dung_an_toan", "2026-09-05", "da_to_chuc", false, 80, 0, 0),
		event("E4", "toa_dam", "tuan_thu_phap_luat", "2026-12-16", "da_to_chuc", false, 40, 0, 0),
		event("E5", "su_kien_chuong_trinh", "khac", "2026-03-10", "ke_hoach", true, 500, 0, 0),
		event("E6", "hoi_nghi", "tuan_thu_phap_luat", "2026-08-01", "da_to_chuc", false, 70, 0, 0),
		event("E7", "ngay_hoi_tu_van", "quyen_nghia_vu_ntd", "2025-12-15", "da_to_chuc", true, 150, 0, 0),
	}
	d.Outreach[5].Voided = true

	pub := func(id, typ, origin, format, date, channel string, qty int) Publication {
		return Publication{RecordHead: RecordHead{ID: id, UnitCode: "28261"}, Type: typ, Origin: origin, Format: format,
			Title: "Tài liệu " + id, Date: date, Channel: channel, Quantity: qty}
	}
	// Dated in the period: B1, B2, B3, B6, B8 (T3 = 5; copies 1.200).
	// T7: B3 only (B4 after the cut-off, B5 the year before, B6 and B8 on
	// other channels, B7 voided) = 1; cumulative B3 + B5 = 2.
	d.Publications = []Publication{
		pub("B1", "to_roi", "tu_phat_hanh", "giay", "2026-01-10", "phat_truc_tiep", 1000),
		pub("B2", "so_tay", "tiep_nhan_trung_uong", "giay", "2026-04-01", "phat_truc_tiep", 200),
		pub("B3", "tin_bai", "tu_phat_hanh", "dien_tu", "2026-12-14", "chuyen_muc_website", 0),
		pub("B4", "tin_bai", "tu_phat_hanh", "dien_tu", "2026-12-15", "chuyen_muc_website", 0),
		pub("B5", "phong_su", "tu_phat_hanh", "dien_tu", "2025-05-20", "chuyen_muc_website", 0),
		pub("B6", "bai_mxh", "tu_phat_hanh", "dien_tu", "2026-05-05", "facebook", 0),
		pub("B7", "tin_bai", "tu_phat_hanh", "dien_tu", "2026-06-01", "chuyen_muc_website", 0),
		pub("B8", "tin_bai", "tu_phat_hanh", "dien_tu", "2026-07-01", "zalo", 0),
	}
	d.Publications[6].Voided = true
	return d
}

// ids returns the ids of refs, sorted, joined by spaces.
func ids(refs []KPIRef) string {
	var s []string
	for _, r := range refs {
		s = append(s, r.ID)
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

// tallyString shows a breakdown as "code=count" in its order.
func tallyString(ts []Tally) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Code+"="+strconv.Itoa(t.Count))
	}
	return strings.Join(s, " ")
}

func TestComputeKPIs_Targets(t *testing.T) {
	r := ComputeKPIs(kpiFixture(), ReportYear(2026), DefaultTargets)
	if len(r.Targets) != 7 {
		t.Fatalf("%d targets, want 7", len(r.Targets))
	}
	for _, tc := range []struct {
		id        string
		num, den  int
		met       bool
		refs, pop string
	}{
		{"T1", 2, 3, false, "28261 28273", "28261 28273 28282"}, // a proxy: never met
		{"T2", 2, 0, true, "E1 E7", ""},
		{"T3", 2, 0, false, "B1 B2", ""}, // documents only: B3, B6, B8 are news items and posts (T7)
		{"T4", 2, 3, false, "O1 O2", "O1 O2 O4"},
		{"T5", 1, 3, false, "F1", "F1 F2 F5"},
		{"T6", 1, 0, true, "E2", ""},
		{"T7", 3, 0, false, "B3 B6 B8", ""}, // cumulative from 15/12/2025: B5 (2025-05-20) is before the plan
	} {
		got, ok := r.Target(tc.id)
		if !ok {
			t.Fatalf("%s missing", tc.id)
		}
		if got.Num != tc.num || got.Den != tc.den || got.Met != tc.met || !got.Known {
			t.Errorf("%s = %d/%d met %v known %v, want %d/%d met %v", tc.id, got.Num, got.Den, got.Met, got.Known, tc.num, tc.den, tc.met)
		}
		if ids(got.Refs) != tc.refs || ids(got.DenRefs) != tc.pop {
			t.Errorf("%s records %q of %q, want %q of %q", tc.id, ids(got.Refs), ids(got.DenRefs), tc.refs, tc.pop)
		}
	}
	t4, _ := r.Target("T4")
	if !t4.Share || t4.Value < 66.66 || t4.Value > 66.67 || t4.Threshold != 100 {
		t.Errorf("T4 value %.2f%% of %.0f%%, want 66.67%% of 100%%", t4.Value, t4.Threshold)
	}
	if t1, _ := r.Target("T1"); t1.Refs[0].Entity != EntityAdminUnit {
		t.Errorf("T1 records are %q, want communes", t1.Refs[0].Entity)
	}
	t3, _ := r.Target("T3")
	if t3.Share || t3.Value != 2 || t3.Threshold != 3 || t3.Upper != 5 {
		t.Errorf("T3 = %.0f (target %.0f–%.0f), want 2 (3–5)", t3.Value, t3.Threshold, t3.Upper)
	}
	t7, _ := r.Target("T7")
	if ids(t7.Period.Refs) != "B3 B6 B8" {
		t.Errorf("T7 in the period %q, want B3 B6 B8", ids(t7.Period.Refs))
	}
}

func TestComputeKPIs_TargetsFromSeedsWithFallback(t *testing.T) {
	// The seeds ask for 2 compliance conferences; T2 is missing from them
	// and falls back to the plan's 1.
	r := ComputeKPIs(kpiFixture(), ReportYear(2026), []Target{{ID: "T6", Kind: "annual_min_count", Value: 2, TextVI: "Hội nghị"}})
	t6, _ := r.Target("T6")
	if t6.Threshold != 2 || t6.Met || t6.Target.TextVI != "Hội nghị" {
		t.Errorf("T6 against 2: threshold %.0f met %v", t6.Threshold, t6.Met)
	}
	if t2, _ := r.Target("T2"); t2.Threshold != 1 || !t2.Met {
		t.Errorf("T2 fallback threshold %.0f met %v, want 1, met", t2.Threshold, t2.Met)
	}
}

func TestComputeKPIs_ShareOfNobodyIsUnknown(t *testing.T) {
	r := ComputeKPIs(&KPIData{}, ReportYear(2026), DefaultTargets)
	for _, id := range []string{"T1", "T4", "T5"} {
		if got, _ := r.Target(id); got.Known || got.Met || got.Den != 0 {
			t.Errorf("%s with no population: known %v met %v", id, got.Known, got.Met)
		}
	}
	if got, _ := r.Target("T2"); !got.Known || got.Met || got.Value != 0 {
		t.Errorf("T2 with no event: %+v", got)
	}
}

func TestComputeKPIs_Complaints(t *testing.T) {
	c := ComputeKPIs(kpiFixture(), ReportYear(2026), DefaultTargets).Complaints
	for _, tc := range []struct {
		name string
		f    Figure
		want string
	}{
		// Received in the period: C1 (last day), C3 (first day), C5–C9,
		// C12. Not C2 (the day after), C4 (the day before), C10 (voided).
		{"received", c.Received, "C1 C12 C3 C5 C6 C7 C8 C9"},
		{"vulnerable", c.Vulnerable, "C1 C5"},
		{"e-commerce", c.ECommerce, "C3 C6 C8"},
		// Finished in the period, whenever received.
		{"finished", c.Finished, "C1 C12 C3 C4 C5 C6 C7 C8"},
		{"successful", c.Successful, "C1 C8"},
		// Leaving out C4 (advice), C5 (referred), C6 (rejected), C7
		// (withdrawn) and C12 (no outcome recorded): issue 18 item 5.
		{"rate base", c.RateBase, "C1 C3 C8"},
		{"no outcome", c.NoOutcome, "C12"},
		{"recovered", c.Recovered, "C1 C8"},
		{"carried over", c.CarriedOver, "C9"},
		{"open now", c.OpenNow, "C2 C9"},
		{"overdue now", c.OverdueNow, "C9"},
		{"on time", c.OnTime, "C1 C5 C6 C7 C8"},
		{"late", c.Late, "C3 C4"},
	} {
		if got := ids(tc.f.Refs); got != tc.want || tc.f.Count != len(tc.f.Refs) {
			t.Errorf("%s: %d %q, want %q", tc.name, tc.f.Count, got, tc.want)
		}
	}
	// 2 successes (C1, C8) of 3 (C1, C3, C8): 66,7%.
	if math.Abs(c.SuccessRate-200.0/3) > 1e-9 {
		t.Errorf("success rate %.2f%%, want 66,67%%", c.SuccessRate)
	}
	// 2.000.000 (C1, once) + 300.000 (C8, after reopening) = 2.300.000.
	if c.Recovered.Sum != 2_300_000 {
		t.Errorf("recovered %d ₫, want 2.300.000", c.Recovered.Sum)
	}
	if !c.TimingKnown {
		t.Error("timing unknown despite rules and calendar")
	}
	for _, tc := range []struct {
		name string
		got  []Tally
		want string
	}{
		{"kind", c.ByKind, "tu_van=1 phan_anh=1 yeu_cau_ho_tro_thuong_luong=1 khieu_nai=5"},
		{"channel", c.ByChannel, "truc_tiep=4 dien_thoai=2 tong_dai_1800_6838=1 mang_xa_hoi=1"},
		{"sector", c.BySector, "thuc_pham_do_uong=3 thuong_mai_dien_tu=3 khac=2"},
		{"transaction", c.ByTransaction, "truc_tiep=1 tmdt=3 =4"},
		{"vulnerable", c.ByVulnerable, "nguoi_cao_tuoi=2 ho_ngheo=1"},
		{"unit", c.ByUnit, "28261=7 28273=1"},
		// C3 failed at the last, C6 inadmissible, C7 withdrawn, C12 none.
		{"outcome", c.ByOutcome, "thanh_cong_toan_bo=1 thanh_cong_mot_phan=1 khong_thanh=1 chuyen_co_quan_khac_xu_ly=1 tu_van_xong=1 nguoi_tieu_dung_rut=1 khong_du_dieu_kien=1 =1"},
	} {
		if s := tallyString(tc.got); s != tc.want {
			t.Errorf("by %s: %s, want %s", tc.name, s, tc.want)
		}
	}
}

func TestComputeKPIs_ComplaintsWithoutCalendar(t *testing.T) {
	d := kpiFixture()
	d.Calendar = nil
	c := ComputeKPIs(d, ReportYear(2026), nil).Complaints
	if c.TimingKnown || c.OnTime.Count != 0 || c.Late.Count != 0 || c.OverdueNow.Count != 0 {
		t.Errorf("timing without a calendar: known %v, %d on time, %d late, %d overdue", c.TimingKnown, c.OnTime.Count, c.Late.Count, c.OverdueNow.Count)
	}
	if c.Finished.Count != 8 {
		t.Errorf("finished %d, want 8", c.Finished.Count)
	}
}

func TestComputeKPIs_Training(t *testing.T) {
	tr := ComputeKPIs(kpiFixture(), ReportYear(2026), DefaultTargets).Training
	if got := ids(tr.Sessions.Refs); got != "S1 S2" {
		t.Errorf("sessions held %q, want S1 S2", got)
	}
	if got := ids(tr.Planned.Refs); got != "S3" {
		t.Errorf("planned %q, want S3", got)
	}
	// P1 was trained twice: two person-times, one person.
	if tr.PersonTimes.Count != 6 || ids(tr.PersonTimes.Refs) != "A1 A14 A3 A4 A6 A8" {
		t.Errorf("person-times %d %q, want 6", tr.PersonTimes.Count, ids(tr.PersonTimes.Refs))
	}
	if tr.DistinctPersons.Count != 5 || ids(tr.DistinctPersons.Refs) != "P-missing P1 P3 P4 P5" {
		t.Errorf("persons %d %q, want 5", tr.DistinctPersons.Count, ids(tr.DistinctPersons.Refs))
	}
	if tr.DistinctPersons.Refs[0].Entity != EntityParticipant || tr.PersonTimes.Refs[0].Entity != EntityAttendance {
		t.Error("person-times are attendance rows, persons are participants")
	}
	if s := tallyString(tr.ByGroup); s != "can_bo=2 nguoi_dan=2 doanh_nghiep=1 =1" {
		t.Errorf("by group %s", s)
	}
	if s := tallyString(tr.ByType); s != "can_bo_cong_chuc_xa=2 hoi_vien_doan_the=1 ho_kinh_doanh_tieu_thuong=1 nguoi_dan=1 =1" {
		t.Errorf("by type %s", s)
	}
	if s := tallyString(tr.ByFormat); s != "truc_tiep=1 truc_tuyen=1" {
		t.Errorf("by format %s", s)
	}
}

func TestComputeKPIs_OutreachAndPublications(t *testing.T) {
	r := ComputeKPIs(kpiFixture(), ReportYear(2026), DefaultTargets)
	o := r.Outreach
	if ids(o.Events.Refs) != "E1 E2 E3 E7" || o.Events.Sum != 590 {
		t.Errorf("events %q reach %d, want E1 E2 E3 E7, 590", ids(o.Events.Refs), o.Events.Sum)
	}
	if ids(o.Planned.Refs) != "E5" || ids(o.Linked153.Refs) != "E1 E7" {
		t.Errorf("planned %q, 15/3 %q", ids(o.Planned.Refs), ids(o.Linked153.Refs))
	}
	if o.Businesses.Sum != 37 || o.Leaflets.Sum != 500 {
		t.Errorf("businesses %d leaflets %d, want 37 and 500", o.Businesses.Sum, o.Leaflets.Sum)
	}
	if s := tallyString(o.ByType); s != "mit_tinh_15_3=1 hoi_nghi=1 hoi_thao=1 ngay_hoi_tu_van=1" {
		t.Errorf("events by type %s", s)
	}
	if o.ByType[0].Sum != 300 {
		t.Errorf("15/3 rally reach %d, want 300", o.ByType[0].Sum)
	}
	p := r.Publications
	if ids(p.All.Refs) != "B1 B2 B3 B6 B8" || p.All.Sum != 1200 {
		t.Errorf("publications %q copies %d", ids(p.All.Refs), p.All.Sum)
	}
	for _, tc := range []struct {
		name string
		got  []Tally
		want string
	}{
		{"type", p.ByType, "to_roi=1 so_tay=1 tin_bai=2 bai_mxh=1"},
		{"origin", p.ByOrigin, "tu_phat_hanh=4 tiep_nhan_trung_uong=1"},
		{"format", p.ByFormat, "giay=2 dien_tu=3"},
		{"channel", p.ByChannel, "chuyen_muc_website=1 zalo=1 facebook=1 phat_truc_tiep=2"},
	} {
		if s := tallyString(tc.got); s != tc.want {
			t.Errorf("by %s: %s, want %s", tc.name, s, tc.want)
		}
	}
}

func TestComputeKPIs_CalendarYearMovesTheBoundaryItems(t *testing.T) {
	r := ComputeKPIs(kpiFixture(), CalendarYear(2026), DefaultTargets)
	// 15/12/2025 items leave, 15/12/2026 items join.
	got := ids(r.Complaints.Received.Refs)
	if !strings.Contains(got, "C2") || strings.Contains(got, "C3") {
		t.Errorf("received in 2026 %q: want C2, not C3", got)
	}
	if t2, _ := r.Target("T2"); ids(t2.Refs) != "E1" {
		t.Errorf("T2 in 2026 %q, want E1 (E7 was 15/12/2025)", ids(t2.Refs))
	}
	if s := ids(r.Training.Sessions.Refs); s != "S1 S2 S4" {
		t.Errorf("sessions in 2026 %q, want S1 S2 S4", s)
	}
	// The person-times of S4 (P5) join: 7; P5 is already counted.
	if r.Training.PersonTimes.Count != 7 || r.Training.DistinctPersons.Count != 5 {
		t.Errorf("2026: %d person-times, %d persons, want 7 and 5", r.Training.PersonTimes.Count, r.Training.DistinctPersons.Count)
	}
	// The next report year starts with the items of 15/12/2026.
	n := ComputeKPIs(kpiFixture(), ReportYear(2027), DefaultTargets)
	if t7, _ := n.Target("T7"); ids(t7.Period.Refs) != "B4" || ids(t7.Refs) != "B3 B4 B6 B8" {
		t.Errorf("T7 in 2027 %q cumulative %q, want B4 and B3 B4 B6 B8", ids(t7.Period.Refs), ids(t7.Refs))
	}
	if !slices.Contains(strings.Fields(ids(n.Complaints.Received.Refs)), "C2") {
		t.Error("C2 (15/12/2026) not received in report year 2027")
	}
}

// "On time / late" and "overdue now" count the commune's own clocks only:
// a business late on its 7 days (Luật 19/2023 Điều 57 khoản 2) does not
// make the commune late (issue 18 item 3).
func TestComputeKPIs_OnlyTheCommunesClocksMakeItLate(t *testing.T) {
	ev := func(id, caseID, kind, at, from, to string) CaseEvent {
		return CaseEvent{ID: id, CaseID: caseID, Kind: kind, At: kpiAt(at), FromStatus: from, ToStatus: to}
	}
	cs := func(id, status string) Case {
		return Case{RecordHead: RecordHead{ID: id, UnitCode: "28261"}, Number: "28261-" + id, ReceivedAt: kpiAt("2026-03-02 08:00"),
			Kind: "khieu_nai", Channel: "truc_tiep", Sector: "khac", Status: status}
	}
	d := &KPIData{Units: []string{"28261"}}
	d.Cases = []Case{cs("B1", StatusResolved), cs("B2", StatusAwaitBusiness)}
	d.Events = []CaseEvent{
		// B1: the business never answered within its 7 working days (due
		// 12/03); the commune resolved it on 18/03, within its own 15.
		ev("b1a", "B1", EventAccepted, "2026-03-02 09:00", StatusReceived, StatusAccepted),
		ev("b1b", "B1", EventBusinessContacted, "2026-03-03 09:00", StatusAccepted, StatusAwaitBusiness),
		ev("b1d", "B1", EventResolved, "2026-03-18 09:00", StatusAwaitBusiness, StatusResolved),
		// B2: accepted on 15/12/2026, the business silent past its 7 days
		// on 28/12; the commune's 15 days run to 05/01/2027.
		ev("b2a", "B2", EventAccepted, "2026-12-15 09:00", StatusReceived, StatusAccepted),
		ev("b2b", "B2", EventBusinessContacted, "2026-12-15 10:00", StatusAccepted, StatusAwaitBusiness),
	}
	d.Cases[1].ReceivedAt = kpiAt("2026-12-15 08:00")
	d.SlaRules = []SlaRule{
		{Code: "resolve_overall", WorkingDays: 15, Start: EventAccepted, Binds: BindsCommune,
			Stop: []string{EventResolved, EventWithdrawn, EventClosed, EventRejected}},
		{Code: "business_negotiation", WorkingDays: 7, Start: EventBusinessContacted, Binds: BindsBusiness,
			Stop: []string{EventBusinessResponded, EventBusinessRefused, EventNegotiationStart, EventResolved, EventWithdrawn, EventClosed}},
	}
	cal, err := NewCalendar(nil)
	if err != nil {
		t.Fatal(err)
	}
	d.Calendar, d.Now = cal, kpiAt("2026-12-28 12:00")
	c := ComputeKPIs(d, ReportYear(2026), DefaultTargets).Complaints
	if got := ids(c.OnTime.Refs); got != "B1" || c.Late.Count != 0 {
		t.Errorf("on time %q, late %d: the business's delay made the commune late", got, c.Late.Count)
	}
	if c.OverdueNow.Count != 0 {
		t.Errorf("overdue now %q: the business's silence counted as the commune's", ids(c.OverdueNow.Refs))
	}
}
