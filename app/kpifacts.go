package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// CaseFacts is what the indicators read of one case and its timeline,
// read once (NewCaseFacts) so that a report need not hold every step of
// every case: the fields the figures and the dashboard's lists name, the
// status changes of the timeline (for the status at the end of a period),
// how the handling ended (fateOf), whether it ended within the commune's
// time limits, and the earliest due day of the commune's own time limits
// still running (for "overdue now" at any time). Computed from a case and
// its steps, it gives the same figures as the case and its steps.
type CaseFacts struct {
	ID, UnitCode, Number, ConsumerName     string
	Kind, Channel, Sector, TransactionType string
	Status, ForwardedTo                    string
	IssueTypes, VulnerableGroups           []string
	ReceivedAt, UpdatedAt                  time.Time
	Voided, Restricted                     bool

	// HasSteps: the timeline has at least one step; Changes are its steps
	// that set a status, in time order.
	HasSteps bool
	Changes  []StatusChange

	// How the handling ended (OutcomeOf).
	Finished   bool
	FinishedAt time.Time
	Outcome    string
	Amount     int64
	// Timed: the step that ended the handling is known and was timed
	// against the time limits; Late: a time limit of the commune's own
	// had passed then.
	Timed, Late bool
	// OwnDue is the earliest due day of the commune's own time limits
	// running now (zero if none): the case is overdue on any day after it.
	OwnDue time.Time
}

// StatusChange is a step of a case's timeline that set its status.
type StatusChange struct {
	At time.Time
	To string
}

// NewCaseFacts reads case c and its timeline evs (sorted by time, ties by
// id) against the time limits and the working-day calendar (without both,
// the timing facts are left out, as ComputeKPIs leaves them out).
func NewCaseFacts(c *Case, evs []CaseEvent, rules []SlaRule, cal *Calendar) CaseFacts {
	f := CaseOnlyFacts(c)
	f.HasSteps = len(evs) > 0
	// Made at their size: a province holds a million of them.
	n := 0
	for i := range evs {
		if evs[i].ToStatus != "" {
			n++
		}
	}
	if n > 0 {
		f.Changes = make([]StatusChange, 0, n)
	}
	for _, e := range evs {
		if e.ToStatus != "" {
			f.Changes = append(f.Changes, StatusChange{At: e.At, To: e.ToStatus})
		}
	}
	fate := fateOf(c, evs)
	f.Finished, f.FinishedAt, f.Outcome, f.Amount = fate.finished, fate.finishedAt, fate.outcome, fate.amount
	if cal == nil || len(rules) == 0 {
		return f
	}
	// Deadlines at the zero time: which clocks run and their due days do
	// not depend on the time asked, only whether they are overdue.
	for _, dl := range Deadlines(c, evs, rules, cal, time.Time{}) {
		if dl.Rule.Own() && (f.OwnDue.IsZero() || dl.Due.Before(f.OwnDue)) {
			f.OwnDue = dl.Due
		}
	}
	if fate.finished && fate.finish != nil {
		f.Timed = true
		open := *c
		open.Status = fate.finish.FromStatus
		for _, dl := range Deadlines(&open, fate.before, rules, cal, fate.finish.At) {
			// A business or a consumer late on its own days does not
			// make the commune late.
			f.Late = f.Late || dl.Overdue && dl.Rule.Own()
		}
	}
	return f
}

// CaseOnlyFacts are the facts of case c that NewCaseFacts copies from it;
// those it derives from the steps (HasSteps to OwnDue) are left zero, for
// a store that kept them (CaseFactsBasis) to fill.
func CaseOnlyFacts(c *Case) CaseFacts {
	return CaseFacts{ID: c.ID, UnitCode: c.UnitCode, Number: c.Number, ConsumerName: c.ConsumerName,
		Kind: c.Kind, Channel: c.Channel, Sector: c.Sector, TransactionType: c.TransactionType,
		Status: c.Status, ForwardedTo: c.ForwardedTo, IssueTypes: c.IssueTypes, VulnerableGroups: c.VulnerableGroups,
		ReceivedAt: c.ReceivedAt, UpdatedAt: c.UpdatedAt, Voided: c.Voided, Restricted: c.Restricted}
}

// IsVulnerable: the consumer is in a group of Điều 8.
func (f *CaseFacts) IsVulnerable() bool { return len(f.VulnerableGroups) > 0 }

// Counts reports whether the case counts at all: not voided, nor
// forwarded away (ForwardedAway).
func (f *CaseFacts) Counts() bool {
	return !f.Voided && !(f.ForwardedTo != "" && f.Status == StatusReferred)
}

// OverdueAt reports whether a time limit of the commune's own had passed
// at now (Deadline.Overdue).
func (f *CaseFacts) OverdueAt(now time.Time) bool {
	return !f.OwnDue.IsZero() && dateOf(now).time().After(f.OwnDue)
}

// StatusAt is the status of the case at t, as StatusAt replays it.
func (f *CaseFacts) StatusAt(t time.Time) string {
	if !f.HasSteps {
		if finishedStatuses[f.Status] && !f.UpdatedAt.IsZero() && !f.UpdatedAt.Before(t) {
			return StatusReceived
		}
		return f.Status
	}
	st := StatusReceived
	for _, ch := range f.Changes {
		if !ch.At.Before(t) {
			break
		}
		st = ch.To
	}
	return st
}

// FactsOf returns the facts of every case of d: d.Facts if the store
// gave them, else read from d.Cases and d.Events, in the order of
// d.Cases.
func FactsOf(d *KPIData) []CaseFacts {
	if d.Facts != nil || len(d.Cases) == 0 {
		return d.Facts
	}
	timeline := map[string][]CaseEvent{}
	for _, e := range d.Events {
		timeline[e.CaseID] = append(timeline[e.CaseID], e)
	}
	out := make([]CaseFacts, len(d.Cases))
	for i := range d.Cases {
		c := &d.Cases[i]
		evs := timeline[c.ID]
		SortSteps(evs)
		out[i] = NewCaseFacts(c, evs, d.SlaRules, d.Calendar)
	}
	return out
}

// SortSteps sorts a case's steps by time, ties by id.
func SortSteps(evs []CaseEvent) {
	sort.SliceStable(evs, func(i, j int) bool {
		if !evs[i].At.Equal(evs[j].At) {
			return evs[i].At.Before(evs[j].At)
		}
		return evs[i].ID < evs[j].ID
	})
}

// caseFactsFormat is the version of what NewCaseFacts derives from a
// case's steps and how: raise it whenever NewCaseFacts, Deadlines, fateOf
// or what they read changes, so that facts a store kept (storage's cache
// of them) are computed again.
const caseFactsFormat = 1

// CaseFactsBasis is a fingerprint of what the facts NewCaseFacts derives
// from a case's steps depend on besides the case and its steps: the time
// limits, the working-day calendar (its holidays and make-up working
// days) and the version of the computation. Facts kept under another
// basis are stale. It does not depend on the time: NewCaseFacts does not
// read it (OwnDue is a day; overdue is decided from it when asked).
func CaseFactsBasis(rules []SlaRule, cal *Calendar) string {
	h := sha256.New()
	fmt.Fprintf(h, "format %d\n", caseFactsFormat)
	if rs, err := json.Marshal(rules); err == nil { // plain data: always marshals
		h.Write(rs)
	}
	h.Write([]byte("\ncalendar"))
	if cal != nil {
		days := func(m map[civilDate]bool) []string {
			out := make([]string, 0, len(m))
			for d := range m {
				out = append(out, d.time().Format(time.DateOnly))
			}
			sort.Strings(out)
			return out
		}
		off := make(map[civilDate]bool, len(cal.off))
		for d := range cal.off {
			off[d] = true
		}
		years := make([]int, 0, len(cal.years))
		for y := range cal.years {
			years = append(years, y)
		}
		sort.Ints(years)
		fmt.Fprintf(h, " off %v work %v years %v", days(off), days(cal.work), years)
	} else {
		h.Write([]byte(" none"))
	}
	return hex.EncodeToString(h.Sum(nil))
}
