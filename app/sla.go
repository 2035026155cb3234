package app

import (
	"sort"
	"time"
)

// SlaRule is a time limit of case handling (seed data): from a start event
// to the first of its stop events, a number of working days.
type SlaRule struct {
	Code        string
	VI, EN      string
	Basis       string // the legal basis or practice it follows
	WorkingDays int
	Start       string   // a CaseEvents code; EventReceived is the case's ReceivedAt
	Stop        []string // CaseEvents codes
	Kinds       []string // the case kinds it applies to; empty: all
	// Binds is who must act by the deadline (SlaBinds): the commune's own
	// clocks ("" or BindsCommune) are the only ones that count for "on
	// time / late" in the dashboard and Biểu 2, and the only ones the
	// vulnerable-consumer shortening touches; the others are shown to
	// the commune as what it follows up, not as its duty.
	Binds string
	// PriorityDays is the shorter limit for a vulnerable consumer, whose
	// request is handled first (Luật 19/2023 Điều 8 khoản 2 điểm đ asks
	// agencies to prioritise them; the shortening itself is a local
	// policy, not law); 0 means WorkingDays. It applies to the commune's
	// own clocks only: never to the consumer's time to supply documents
	// (Đ.8 k.2 asks agencies to help these consumers, not to hurry them)
	// nor to a business's statutory days (Đ.57).
	PriorityDays int
}

// Who a clock binds (SlaRule.Binds).
const (
	BindsCommune  = "xa"              // the commune (UBND cấp xã) itself
	BindsConsumer = "nguoi_tieu_dung" // the consumer
	BindsBusiness = "doanh_nghiep"    // the business
	// BindsSupportBody is the state body that receives a request for
	// negotiation support (Luật 19/2023 Điều 57 khoản 4): since 01/7/2025
	// UBND cấp tỉnh, i.e. Sở Công Thương (NĐ 146/2025/NĐ-CP).
	BindsSupportBody = "co_quan_ho_tro_thuong_luong"
	BindsParties     = "cac_ben" // the parties of a mediation agreement
)

// SlaBinds labels who a clock binds.
var SlaBinds = CodeList{
	{BindsCommune, "UBND xã, phường", "The commune"},
	{BindsConsumer, "Người tiêu dùng", "The consumer"},
	{BindsBusiness, "Doanh nghiệp", "The business"},
	{BindsSupportBody, "Sở Công Thương (cơ quan hỗ trợ thương lượng)", "Department of Industry and Trade (negotiation support)"},
	{BindsParties, "Các bên hòa giải", "The parties to the mediation"},
}

// Own reports whether the clock is the commune's own duty.
func (r SlaRule) Own() bool { return r.Binds == "" || r.Binds == BindsCommune }

// RulePerformance is the clock of a successful mediation's agreement: the
// performance deadline the parties wrote in it (Luật 19/2023 Điều 65
// khoản 2 điểm g), from its mediation_result step until the case is
// resolved, closed or withdrawn. It binds the parties, not the commune.
var RulePerformance = SlaRule{Code: "mediation_performance",
	VI: "Thực hiện thỏa thuận hòa giải thành", EN: "Performance of the mediation agreement",
	Basis: "Luật 19/2023/QH15 Điều 65 khoản 2 điểm g: thời hạn thực hiện do các bên thỏa thuận trong văn bản hòa giải thành",
	Start: EventMediationResult, Stop: []string{EventResolved, EventClosed, EventWithdrawn, EventReopened},
	Binds: BindsParties}

// Deadline is a running time limit of a case.
type Deadline struct {
	Rule    SlaRule
	Due     time.Time // the last day (ICT midnight); due by its end
	Overdue bool
	// Priority is set when the shorter limit of a vulnerable consumer
	// applies.
	Priority bool
	// Uncovered lists the years of the counted period (from its start to
	// Due) that the holiday calendar does not hold: their holidays were
	// counted as working days, and the deadline is shown with
	// CalendarWarning.
	Uncovered []int
}

// finalStatuses have no running deadline.
var finalStatuses = map[string]bool{StatusClosed: true, StatusRejected: true, StatusWithdrawn: true}

// Deadlines returns the running time limits of a case at now, the soonest
// first: for each rule that applies to the case's kind, the latest start
// not yet followed by a stop event.
func Deadlines(c *Case, events []CaseEvent, rules []SlaRule, cal *Calendar, now time.Time) []Deadline {
	if finalStatuses[c.Status] || c.Voided {
		return nil
	}
	evs := append([]CaseEvent(nil), events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].At.Before(evs[j].At) })
	today := dateOf(now).time()
	var out []Deadline
	for _, r := range rules {
		if len(r.Kinds) > 0 && !containsString(r.Kinds, c.Kind) {
			continue
		}
		var start time.Time
		running := false
		if r.Start == EventReceived {
			start, running = c.ReceivedAt, true
		}
		for _, e := range evs {
			switch {
			case startsRule(r, &e):
				start, running = e.At, true
			case running && containsString(r.Stop, e.Kind):
				running = false
			}
		}
		if !running {
			continue
		}
		days, priority := r.WorkingDays, false
		if r.Own() && c.IsVulnerable() && r.PriorityDays > 0 && r.PriorityDays < days {
			days, priority = r.PriorityDays, true
		}
		due := cal.AddWorkingDays(start, days)
		out = append(out, Deadline{Rule: r, Due: due, Overdue: today.After(due), Priority: priority,
			Uncovered: cal.UncoveredYears(start, due)})
	}
	if d, ok := performanceDeadline(evs, today); ok {
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	return out
}

// performanceDeadline is the running RulePerformance clock of a case whose
// events are in time order: the last mediation result with a performance
// deadline, not followed by a stop step.
func performanceDeadline(evs []CaseEvent, today time.Time) (Deadline, bool) {
	var due time.Time
	running := false
	for _, e := range evs {
		switch {
		case e.Kind == EventMediationResult && e.PerformanceDeadline != "":
			d, err := time.ParseInLocation(time.DateOnly, e.PerformanceDeadline, ICT)
			if err != nil {
				continue
			}
			due, running = d, true
		case running && containsString(RulePerformance.Stop, e.Kind):
			running = false
		}
	}
	if !running {
		return Deadline{}, false
	}
	return Deadline{Rule: RulePerformance, Due: due, Overdue: today.After(due)}, true
}

// startsRule reports whether e starts (or starts again) the clock of r:
// its start event, and for a clock that starts on acceptance, any step
// that brings the case into "accepted" (documents received) or back into
// handling (reopened).
func startsRule(r SlaRule, e *CaseEvent) bool {
	if e.Kind == r.Start {
		return true
	}
	if r.Start != EventAccepted {
		return false
	}
	return e.Kind == EventReopened || e.ToStatus == StatusAccepted && e.FromStatus != StatusAccepted
}

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
