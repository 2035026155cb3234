package app_test

import (
	"sort"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/app/kpitest"
)

func refIDs(refs []app.KPIRef) string {
	var s []string
	for _, r := range refs {
		s = append(s, r.ID)
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

// TestComputeKPIs_PlanDefinitions: each definition of issue 18 item 5 on the
// data set counted by hand in kpitest.PlanData (Kế hoạch 395, Mục II.2;
// app.TargetDefinitions cites the lines): T2, T3, T6 are the commune's
// contribution in a commune's report and judged only for the province; T1
// is a proxy, never "Đạt"; T3 counts documents and publications, T7 the
// news items and posts; T5 counts a conference and an officer of a
// socio-political organisation; T7 is cumulative over 2026 and 2027; T1,
// T4, T5, T7 show progress toward 2030 before 2030 and are judged in 2030.
func TestComputeKPIs_PlanDefinitions(t *testing.T) {
	type want struct {
		num, den int
		refs     string
		status   string
		verdict  string
	}
	for _, tc := range []struct {
		name     string
		province bool
		year     int
		want     map[string]want
	}{
		{"commune 2027", false, 2027, map[string]want{
			"T1": {1, 1, "28261", app.TargetProxy, "Chỉ số thay thế, không đánh giá"},
			"T2": {1, 0, "E1", app.TargetContribution, "Đóng góp vào chỉ tiêu toàn tỉnh"},
			"T3": {2, 0, "D1 D2", app.TargetContribution, "Đóng góp vào chỉ tiêu toàn tỉnh"},
			"T4": {1, 2, "O1", app.TargetProgress, "Đang tiến tới mục tiêu 2030: 50%"},
			"T5": {2, 3, "F1 F2", app.TargetProgress, "Đang tiến tới mục tiêu 2030: 66,7%"},
			"T6": {1, 0, "E2", app.TargetContribution, "Đóng góp vào chỉ tiêu toàn tỉnh"},
			"T7": {4, 0, "D3 D4 D5 D6", app.TargetProgress, "Đang tiến tới mục tiêu 2030: 40%"},
		}},
		{"province 2027", true, 2027, map[string]want{
			"T1": {1, 2, "28261", app.TargetProxy, "Chỉ số thay thế, không đánh giá"},
			"T2": {2, 0, "E1 E4", app.TargetMet, "Đạt"},
			"T3": {3, 0, "D1 D2 D7", app.TargetMet, "Đạt"},
			"T4": {1, 2, "O1", app.TargetProgress, "Đang tiến tới mục tiêu 2030: 50%"},
			"T5": {2, 3, "F1 F2", app.TargetProgress, "Đang tiến tới mục tiêu 2030: 66,7%"},
			"T6": {1, 0, "E2", app.TargetMet, "Đạt"},
			"T7": {4, 0, "D3 D4 D5 D6", app.TargetProgress, "Đang tiến tới mục tiêu 2030: 40%"},
		}},
		// The first year: T7 has only 2026's items.
		{"commune 2026", false, 2026, map[string]want{
			"T7": {2, 0, "D5 D6", app.TargetProgress, "Đang tiến tới mục tiêu 2030: 20%"},
		}},
		// 2030: the by-2030 targets are judged; T1 is still not.
		{"province 2030", true, 2030, map[string]want{
			"T1": {0, 2, "", app.TargetProxy, "Chỉ số thay thế, không đánh giá"},
			"T2": {0, 0, "", app.TargetNotMet, "Chưa đạt"},
			"T4": {0, 2, "", app.TargetNotMet, "Chưa đạt"},
			"T5": {0, 3, "", app.TargetNotMet, "Chưa đạt"},
			"T7": {4, 0, "D3 D4 D5 D6", app.TargetNotMet, "Chưa đạt"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := app.ComputeKPIs(kpitest.PlanData(tc.province), app.ReportYear(tc.year), app.DefaultTargets)
			for id, w := range tc.want {
				got, ok := r.Target(id)
				if !ok {
					t.Fatalf("%s missing", id)
				}
				if got.Num != w.num || got.Den != w.den || refIDs(got.Refs) != w.refs || got.Status != w.status || got.VerdictVI() != w.verdict {
					t.Errorf("%s = %d/%d %q %s %q, want %d/%d %q %s %q", id, got.Num, got.Den, refIDs(got.Refs), got.Status, got.VerdictVI(),
						w.num, w.den, w.refs, w.status, w.verdict)
				}
				if got.Met != (w.status == app.TargetMet) {
					t.Errorf("%s: Met %v with status %s", id, got.Met, got.Status)
				}
				if got.Def.ID != id || got.Def.Source == "" || !strings.Contains(got.Def.Source, "Kế hoạch 395/KH-UBND, Mục II.2") {
					t.Errorf("%s: definition %+v without its source in the plan", id, got.Def)
				}
			}
		})
	}

	// T1 reaches its stand-in level (the commune synced: 100%) and is still
	// not "Đạt": the plan's national database and 1800.6838 are not measured.
	r := app.ComputeKPIs(kpitest.PlanData(false), app.ReportYear(2027), app.DefaultTargets)
	t1, _ := r.Target("T1")
	if !t1.Reached || t1.Met || strings.Contains(t1.VerdictVI(), "Đạt") || !strings.Contains(t1.Def.Counts, "Chỉ số thay thế") ||
		!strings.Contains(t1.Def.Source, "1800.6838") {
		t.Errorf("T1 %+v: a proxy reaching 100%% must not be met", t1)
	}
	// T7: the period's own items beside the cumulative ones.
	if t7, _ := r.Target("T7"); refIDs(t7.Period.Refs) != "D3 D4" {
		t.Errorf("T7 in 2027 %q, want D3 D4", refIDs(t7.Period.Refs))
	}
	// D8 (a news item on the loudspeakers) is in the publications but in
	// neither T3 nor T7.
	if !strings.Contains(refIDs(r.Publications.All.Refs), "D8") {
		t.Error("D8 not among the publications")
	}
	// A by-2030 target reached early is met.
	d := kpitest.PlanData(false)
	d.Attendance = append(d.Attendance, app.Attendance{RecordHead: app.RecordHead{ID: "A4", UnitCode: kpitest.UnitA},
		SessionID: "S1", ParticipantID: "P3", Status: "co_mat"})
	r = app.ComputeKPIs(d, app.ReportYear(2027), app.DefaultTargets)
	if t5, _ := r.Target("T5"); t5.Status != app.TargetMet || t5.VerdictVI() != "Đạt" {
		t.Errorf("T5 at 3/3 in 2027: %s %q, want met", t5.Status, t5.VerdictVI())
	}
}

// TestTargetDefinitions_Complete: every target of the plan has one
// definition, with what is counted, how it is judged and the plan's lines.
func TestTargetDefinitions_Complete(t *testing.T) {
	if len(app.TargetDefinitions) != len(app.DefaultTargets) {
		t.Fatalf("%d definitions for %d targets", len(app.TargetDefinitions), len(app.DefaultTargets))
	}
	for i, d := range app.TargetDefinitions {
		if d.ID != app.DefaultTargets[i].ID || d.Counts == "" || d.Judged == "" || !strings.HasPrefix(d.Source, "Kế hoạch 395/KH-UBND, Mục II.2") {
			t.Errorf("definition %d: %+v", i, d)
		}
	}
	for _, id := range []string{"T2", "T3", "T6"} {
		if app.TargetDefinitionOf(id).Scope != app.ScopeProvince {
			t.Errorf("%s is not province-wide", id)
		}
	}
	for _, id := range []string{"T1", "T4", "T5", "T7"} {
		if app.TargetDefinitionOf(id).Horizon != app.HorizonBy2030 {
			t.Errorf("%s is not a by-2030 target", id)
		}
	}
}
