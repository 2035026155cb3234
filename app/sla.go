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
	// PriorityDays is the shorter limit for a vulnerable consumer, whose
	// request is handled first (Luật 19/2023 Điều 8 khoản 2 điểm đ); 0
	// means WorkingDays.
	PriorityDays int
}

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
		if c.IsVulnerable() && r.PriorityDays > 0 && r.PriorityDays < days {
			days, priority = r.PriorityDays, true
		}
		due := cal.AddWorkingDays(start, days)
		out = append(out, Deadline{Rule: r, Due: due, Overdue: today.After(due), Priority: priority,
			Uncovered: cal.UncoveredYears(start, due)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	return out
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
