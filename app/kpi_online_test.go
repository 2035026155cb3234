package app

import "testing"

// The online intake channel (issue 21; Kế hoạch 395 Mục III.2.a): cases
// received through the provincial server's public form, the province's
// website or app, or the public service portal count as received online,
// those of the public form also on their own; a case forwarded to another
// commune and moved there by the server counts once, as the moved case.
func TestComputeKPIs_OnlineChannel(t *testing.T) {
	cs := func(id, unit, channel, status string) Case {
		return Case{RecordHead: RecordHead{ID: id, UnitCode: unit}, Number: unit + "-" + id, ReceivedAt: kpiAt("2026-03-02 09:00"),
			Kind: "khieu_nai", Channel: channel, Sector: "khac", Status: status}
	}
	d := &KPIData{Units: []string{"28249", "28261"}}
	d.Cases = []Case{
		cs("A", "28261", ChannelOnlineIntake, StatusReceived),
		cs("B", "28261", "website_ung_dung", StatusAccepted),
		cs("C", "28261", "cong_dvc", StatusAccepted),
		cs("D", "28261", "truc_tiep", StatusReceived),
		cs("E", "28261", ChannelOnlineIntake, StatusReferred), // forwarded to 28249 and moved
		cs("F", "28249", ChannelOnlineIntake, StatusReceived), // the moved case
		cs("G", "28261", "chuyen_tu_co_quan_khac", StatusReferred),
		cs("H", "28261", ChannelOnlineIntake, StatusReceived), // forwarded, not yet moved
		cs("V", "28261", ChannelOnlineIntake, StatusReceived), // voided
	}
	d.Cases[4].ForwardedTo = "28249"
	d.Cases[5].ForwardedFrom = "E"
	d.Cases[7].ForwardedTo = "28249"
	d.Cases[8].Voided = true
	c := ComputeKPIs(d, ReportYear(2026), DefaultTargets).Complaints
	for _, tc := range []struct {
		name string
		f    Figure
		want string
	}{
		{"received", c.Received, "A B C D F G H"},
		{"online", c.Online, "A B C F H"},
		{"online form", c.OnlineForm, "A F H"},
		{"open now", c.OpenNow, "A B C D F G H"},
	} {
		if got := ids(tc.f.Refs); got != tc.want || tc.f.Count != len(tc.f.Refs) {
			t.Errorf("%s: %d %q, want %q", tc.name, tc.f.Count, got, tc.want)
		}
	}
	for _, x := range c.ByChannel {
		if x.Code == ChannelOnlineIntake && x.Count != 3 {
			t.Errorf("by channel: %d online-form cases, want 3", x.Count)
		}
	}
	if !ForwardedAway(&d.Cases[4]) || ForwardedAway(&d.Cases[7]) || ForwardedAway(&d.Cases[6]) {
		t.Error("ForwardedAway: only a forwarded case the server moved (status đã chuyển) is away")
	}
}
