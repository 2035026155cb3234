package app

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"
)

// computeComplaintsOracle is computeComplaints as it was before the
// indicators read each case's facts (CaseFacts) instead of its steps: the
// oracle the facts are checked against.
func computeComplaintsOracle(d *KPIData, p KPIPeriod) ComplaintKPIs {
	var out ComplaintKPIs
	timeline := map[string][]CaseEvent{}
	for _, e := range d.Events {
		timeline[e.CaseID] = append(timeline[e.CaseID], e)
	}
	for id, evs := range timeline {
		sort.SliceStable(evs, func(i, j int) bool {
			if !evs[i].At.Equal(evs[j].At) {
				return evs[i].At.Before(evs[j].At)
			}
			return evs[i].ID < evs[j].ID
		})
		timeline[id] = evs
	}
	timing := d.Calendar != nil && len(d.SlaRules) > 0
	out.TimingKnown = timing
	var kinds, channels, sectors, issues, transactions, units, groups, outcomes tallies
	end := p.end()
	for i := range d.Cases {
		c := &d.Cases[i]
		if c.Voided || ForwardedAway(c) {
			continue
		}
		evs := timeline[c.ID]
		if p.Contains(c.ReceivedAt) {
			out.Received.add(EntityCase, c.ID, 0)
			kinds.add(c.Kind, EntityCase, c.ID, 0)
			channels.add(c.Channel, EntityCase, c.ID, 0)
			sectors.add(c.Sector, EntityCase, c.ID, 0)
			transactions.add(c.TransactionType, EntityCase, c.ID, 0)
			units.add(c.UnitCode, EntityCase, c.ID, 0)
			for _, it := range c.IssueTypes {
				issues.add(it, EntityCase, c.ID, 0)
			}
			for _, g := range c.VulnerableGroups {
				groups.add(g, EntityCase, c.ID, 0)
			}
			if c.IsVulnerable() {
				out.Vulnerable.add(EntityCase, c.ID, 0)
			}
			if c.TransactionType == transactionTMDT {
				out.ECommerce.add(EntityCase, c.ID, 0)
			}
			if slices.Contains(OnlineChannels, c.Channel) {
				out.Online.add(EntityCase, c.ID, 0)
			}
			if c.Channel == ChannelOnlineIntake {
				out.OnlineForm.add(EntityCase, c.ID, 0)
			}
		}
		if c.ReceivedAt.Before(end) && !finishedStatuses[statusAt(c, evs, end)] {
			out.CarriedOver.add(EntityCase, c.ID, 0)
		}
		fate := fateOf(c, evs)
		if !fate.finished {
			out.OpenNow.add(EntityCase, c.ID, 0)
		}
		if timing && !d.Now.IsZero() {
			for _, dl := range Deadlines(c, evs, d.SlaRules, d.Calendar, d.Now) {
				if dl.Overdue && dl.Rule.Own() { // the commune's own clocks only (issue 18 item 3)
					out.OverdueNow.add(EntityCase, c.ID, 0)
					break
				}
			}
		}
		if !fate.finished || !p.Contains(fate.finishedAt) {
			continue
		}
		out.Finished.add(EntityCase, c.ID, 0)
		outcomes.add(fate.outcome, EntityCase, c.ID, 0)
		switch fate.outcome {
		case "":
			out.NoOutcome.add(EntityCase, c.ID, 0)
		case outcomeFull, outcomePartial:
			out.Successful.add(EntityCase, c.ID, 0)
		}
		if !outsideRate[fate.outcome] {
			out.RateBase.add(EntityCase, c.ID, 0)
		}
		if fate.amount > 0 {
			out.Recovered.add(EntityCase, c.ID, fate.amount)
		}
		if timing && fate.finish != nil {
			open := *c
			open.Status = fate.finish.FromStatus
			late := false
			for _, dl := range Deadlines(&open, fate.before, d.SlaRules, d.Calendar, fate.finish.At) {
				// A business or a consumer late on its own days does not
				// make the commune late.
				late = late || dl.Overdue && dl.Rule.Own()
			}
			if late {
				out.Late.add(EntityCase, c.ID, 0)
			} else {
				out.OnTime.add(EntityCase, c.ID, 0)
			}
		}
	}
	if out.RateBase.Count > 0 {
		out.SuccessRate = 100 * float64(out.Successful.Count) / float64(out.RateBase.Count)
	}
	out.ByKind = kinds.inOrder(CaseKinds)
	out.ByChannel = channels.inOrder(Channels)
	out.BySector = sectors.byCount()
	out.ByIssueType = issues.byCount()
	out.ByTransaction = transactions.inOrder(TransactionTypes)
	out.ByUnit = units.byCount()
	out.ByVulnerable = groups.inOrder(VulnerableGroups)
	out.ByOutcome = outcomes.inOrder(Outcomes)
	return out
}

// randomComplaints makes n cases of three communes with random timelines
// (seeded): received over three report years, some voided, forwarded
// away, reopened, finished with or without an outcome, some still open
// and overdue, some received near 15/12 and 1/1.
func randomComplaints(seed uint64, n int) *KPIData {
	r := rand.New(rand.NewPCG(seed, 7))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	d := &KPIData{Units: []string{"28261", "28249", "29905"}}
	start := kpiAt("2024-11-01 08:00")
	statuses := []string{StatusAccepted, StatusInProgress, StatusAwaitBusiness, StatusNegotiating, StatusMediating}
	for i := range n {
		recv := start.Add(time.Duration(r.IntN(3*365*24)) * time.Hour)
		if i%10 == 0 { // near a year's boundary
			y := 2025 + r.IntN(2)
			recv = time.Date(y, pick2(r, time.December, time.January), 13+r.IntN(4), r.IntN(24), 0, 0, 0, ICT)
			if recv.Month() == time.January {
				recv = recv.AddDate(0, 0, -13)
			}
		}
		c := Case{RecordHead: RecordHead{ID: fmt.Sprintf("c%05d", i), UnitCode: d.Units[r.IntN(3)], Voided: r.IntN(15) == 0},
			Number: fmt.Sprintf("N-%05d", i), ReceivedAt: recv, Kind: pick(CaseKinds[r.IntN(len(CaseKinds))].Code, ""),
			Channel: pick("truc_tiep", ChannelOnlineIntake, "dien_thoai", ""), Sector: pick("thuc_pham", "dien_tu", ""),
			TransactionType: pick(transactionTMDT, "truc_tiep", ""), Status: StatusReceived, ConsumerName: "Người " + fmt.Sprint(i)}
		if r.IntN(4) == 0 {
			c.VulnerableGroups = []string{pick("tre_em", "nguoi_cao_tuoi"), pick("khuyet_tat", "tre_em")}
		}
		if r.IntN(3) == 0 {
			c.IssueTypes = []string{pick("chat_luong", "gia", "bao_hanh")}
		}
		at := recv
		step := func(kind, to string, outcome string, amount int64) {
			at = at.Add(time.Duration(1+r.IntN(20*24)) * time.Hour)
			e := CaseEvent{ID: fmt.Sprintf("%s-e%02d", c.ID, len(d.Events)%100), CaseID: c.ID, Kind: kind, At: at,
				FromStatus: c.Status, ToStatus: to, Outcome: outcome, AmountRecovered: amount}
			if r.IntN(8) == 0 && len(d.Events) > 0 && d.Events[len(d.Events)-1].CaseID == c.ID {
				e.At = d.Events[len(d.Events)-1].At // a tie, broken by id
				at = e.At
			}
			if to != "" {
				c.Status = to
			}
			d.Events = append(d.Events, e)
		}
		if r.IntN(12) != 0 { // a few cases have no steps at all
			step(EventReceived, StatusReceived, "", 0)
			for range r.IntN(3) {
				step(EventNote, "", "", 0)
			}
			if r.IntN(5) != 0 {
				step(EventAccepted, StatusAccepted, "", 0)
				for range r.IntN(3) {
					step(EventBusinessContacted, statuses[r.IntN(len(statuses))], "", 0)
				}
			}
			switch r.IntN(6) {
			case 0: // still open
			case 1:
				step(EventRejected, StatusRejected, "", 0)
			case 2:
				step(EventWithdrawn, StatusWithdrawn, "", 0)
			default:
				step(EventResolved, StatusResolved, pick(outcomeFull, outcomePartial, outcomeAdvice, ""), int64(r.IntN(3))*500_000)
				if r.IntN(4) == 0 {
					step(EventReopened, StatusInProgress, "", 0)
					if r.IntN(2) == 0 {
						step(EventClosed, StatusClosed, pick(outcomeFull, ""), int64(r.IntN(2))*200_000)
					}
				} else if r.IntN(2) == 0 {
					step(EventClosed, StatusClosed, "", 0)
				}
			}
		} else if r.IntN(2) == 0 {
			c.Status = pick(StatusResolved, StatusClosed, StatusAccepted)
		}
		c.UpdatedAt = at.Add(time.Hour)
		if r.IntN(20) == 0 {
			c.Status, c.ForwardedTo = StatusReferred, "28249"
		}
		d.Cases = append(d.Cases, c)
	}
	// The steps arrive shuffled, as a store may give them.
	r.Shuffle(len(d.Events), func(i, j int) { d.Events[i], d.Events[j] = d.Events[j], d.Events[i] })
	d.SlaRules = []SlaRule{
		{Code: "resolve_overall", WorkingDays: 15, PriorityDays: 7, Start: EventAccepted,
			Stop: []string{EventResolved, EventWithdrawn, EventClosed, EventRejected}},
		{Code: "ack", WorkingDays: 3, Start: EventReceived, Stop: []string{EventAccepted, EventRejected, EventWithdrawn}},
		{Code: "business", WorkingDays: 5, Start: EventBusinessContacted, Stop: []string{EventResolved, EventClosed}, Binds: BindsParties},
	}
	cal, err := NewCalendar([]Holiday{{Date: "2026-01-01", Kind: DayHoliday}, {Date: "2026-02-17", Kind: DayHoliday}})
	if err != nil {
		panic(err)
	}
	d.Calendar = cal
	return d
}

func pick2(r *rand.Rand, a, b time.Month) time.Month {
	if r.IntN(2) == 0 {
		return a
	}
	return b
}

// The complaint figures computed from each case's facts are those the
// old computation gave from the cases and their steps: over report years
// and calendar years, at several "now"s (one on 15/12, one on 1/1), with
// and without the time limits.
func TestComputeComplaints_FactsMatchOracle(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if raceDetector {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		d := randomComplaints(seed, 1500)
		periods := []KPIPeriod{ReportYear(2025), ReportYear(2026), ReportYear(2027), CalendarYear(2026),
			{From: kpiAt("2026-12-01 00:00"), To: kpiAt("2026-12-31 00:00")}}
		for _, now := range []string{"2026-12-15 00:30", "2027-01-01 09:00", "2026-06-30 17:00"} {
			for _, timed := range []bool{true, false} {
				x := *d
				x.Now = kpiAt(now)
				if !timed {
					x.Calendar = nil
				}
				for _, p := range periods {
					want := computeComplaintsOracle(&x, p)
					got := computeComplaints(&x, p)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("seed %d now %s timed %v %s: facts differ from the oracle:\n got %+v\nwant %+v", seed, now, timed, p.Label, got, want)
					}
					if want.Received.Count == 0 || timed && want.OverdueNow.Count == 0 && now != "2026-06-30 17:00" || want.Late.Count == 0 && timed {
						t.Fatalf("seed %d %s: a thin data set (received %d, overdue %d, late %d)", seed, p.Label, want.Received.Count, want.OverdueNow.Count, want.Late.Count)
					}
				}
			}
		}
	}
}

// DropRefs forgets every record behind the figures and keeps the counts.
func TestKPIReport_DropRefs(t *testing.T) {
	d := randomComplaints(5, 400)
	d.Now = kpiAt("2026-12-15 00:30")
	r := ComputeKPIs(d, ReportYear(2026), nil)
	refs := func(r *KPIReport) (n int) {
		var walk func(v reflect.Value)
		walk = func(v reflect.Value) {
			switch {
			case v.Type() == refsType:
				n += v.Len()
			case v.Kind() == reflect.Struct:
				for i := range v.NumField() {
					walk(v.Field(i))
				}
			case v.Kind() == reflect.Slice:
				for i := range v.Len() {
					walk(v.Index(i))
				}
			}
		}
		walk(reflect.ValueOf(r).Elem())
		return n
	}
	if refs(&r) < 1000 {
		t.Fatalf("only %d refs before", refs(&r))
	}
	before := r.Complaints
	r.DropRefs()
	if n := refs(&r); n != 0 {
		t.Fatalf("%d refs left", n)
	}
	if r.Complaints.Received.Count != before.Received.Count || r.Complaints.Recovered.Sum != before.Recovered.Sum ||
		len(r.Complaints.ByKind) != len(before.ByKind) || r.Complaints.ByKind[0].Count != before.ByKind[0].Count {
		t.Fatal("the counts changed")
	}
}
