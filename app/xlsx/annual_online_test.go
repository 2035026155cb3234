package xlsx

import (
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/seeds"
)

// The annual report counts the online intake channel (issue 21; Kế hoạch
// 395 Mục III.2.a, the output of task II.1 that T1 cites): a line under
// the cases received, the provincial form on its own beneath it, and the
// figures of task II.3 (T1's line: II.1, the channel's task, has no
// commune part); a case forwarded to another commune and moved there by
// the server counts once, as the moved case, in the channel table too.
func TestWriteAnnual_CountsTheOnlineChannel(t *testing.T) {
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	d := annualData()
	at := time.Date(2026, 2, 2, 9, 0, 0, 0, app.ICT)
	online := func(id, channel string) app.Case {
		return app.Case{RecordHead: app.RecordHead{ID: id, UnitCode: "28261"}, Number: "28261-2026-" + id, ReceivedAt: at,
			Kind: "khieu_nai", Channel: channel, Sector: "khac", Status: app.StatusReceived}
	}
	moved := online("o3", app.ChannelOnlineIntake)
	moved.Status, moved.ForwardedTo = app.StatusReferred, "28249"
	d.Cases = append(d.Cases, online("o1", app.ChannelOnlineIntake), online("o2", "cong_dvc"), moved)
	d.Units = nil
	for _, u := range refs.Units {
		d.Units = append(d.Units, u.Code)
	}
	period := app.ReportYear(2026)
	rep := app.ComputeKPIs(d, period, refs.Targets)
	per := CommuneReports(d, period, refs.Targets, refs)
	f, _ := writeAnnual(t, &rep, d, refs, AnnualOptions{UnitName: "Tỉnh Đồng Tháp", Province: true, PerCommune: per})

	rows := rowsOf(t, f, AnnualSheetComplaints, true)
	// 4 cases of the year before these, so 6 received.
	if r := lineOf(t, rows, "Số vụ việc tiếp nhận trong kỳ"); r[2] != "6" {
		t.Errorf("received %q, want 6", r[2])
	}
	if r := lineOf(t, rows, "Trong đó: tiếp nhận qua kênh tiếp nhận phản ánh, khiếu nại trực tuyến (cổng tiếp nhận trực tuyến, trang web, ứng dụng của tỉnh, Cổng Dịch vụ công; Mục III.2.a Kế hoạch 395)"); r[2] != "2" {
		t.Errorf("online %q, want 2", r[2])
	}
	if r := lineOf(t, rows, "Riêng cổng tiếp nhận trực tuyến của tỉnh"); r[2] != "1" {
		t.Errorf("online form %q, want 1", r[2])
	}
	channels := tableAfter(t, rows, "4. Vụ việc tiếp nhận theo kênh tiếp nhận")
	if r := lineOf(t, channels, "Trực tuyến (cổng tiếp nhận)"); r[2] != "1" {
		t.Errorf("channel table: online form %q, want 1 (the moved case counts in its new commune)", r[2])
	}

	found := false
	for _, r := range rowsOf(t, f, AnnualSheetTasks, false) {
		if r[0] == "II.3" {
			found = true
			if got := strings.Join(r, " | "); !strings.Contains(got, "2 vụ việc tiếp nhận qua kênh tiếp nhận phản ánh, khiếu nại trực tuyến (Mục III.2.a), trong đó 1 qua cổng tiếp nhận trực tuyến của tỉnh.") {
				t.Errorf("task II.3: %s", got)
			}
		}
	}
	if !found {
		t.Error("no task II.3 in the province's report")
	}
}
