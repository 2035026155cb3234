package app

import (
	"sort"
	"time"
)

// SortDue orders a case list by urgency: overdue first, then the soonest
// deadline, a vulnerable consumer before others on the same day (Điều 8
// khoản 2 điểm đ), cases without a running deadline last.
const SortDue = "due"

// CaseRow is a case as a list shows it: with its running deadlines.
type CaseRow struct {
	Case
	// Deadlines are the running time limits, the soonest first; none for
	// a finished case.
	Deadlines []Deadline
}

// Next returns the soonest running deadline, if any.
func (r *CaseRow) Next() (Deadline, bool) {
	if len(r.Deadlines) == 0 {
		return Deadline{}, false
	}
	return r.Deadlines[0], true
}

// Overdue reports whether a running deadline has passed.
func (r *CaseRow) Overdue() bool {
	for _, d := range r.Deadlines {
		if d.Overdue {
			return true
		}
	}
	return false
}

// CaseFilter narrows a case list. Zero values select everything.
type CaseFilter struct {
	Status, Sector, Kind string
	Overdue              bool // a running deadline has passed
	// DueWithin selects cases with a deadline, not yet passed, within
	// that many working days from today; 0 turns it off.
	DueWithin  int
	Vulnerable bool
	// OnlineNew selects the cases the consumer filed on the public form
	// that no officer has opened yet (NewFromOnlineIntake).
	OnlineNew bool
	// From and To bound the day received (Vietnam days, both included);
	// zero leaves that end open.
	From, To time.Time
}

// FilterCounts are how many cases each choice of a filter would show,
// given the other filters: what the officer sees next to each choice.
type FilterCounts struct {
	All                      int // the rows matching every filter
	Status, Sector, Kind     map[string]int
	Overdue, Due, Vulnerable int
	OnlineNew                int
}

// NewFromOnlineIntake reports whether c came through the online intake
// channel (the provincial server's public form) and no officer has opened
// it yet: the list marks it "Mới từ cổng trực tuyến" until one does.
func NewFromOnlineIntake(c *Case) bool {
	return c.Channel == ChannelOnlineIntake && c.IntakeOpenedAt.IsZero() && !c.Voided
}

// FilterRows returns the rows matching f, in their order, and the counts
// of each choice. cal counts the working days of DueWithin; now is today.
func FilterRows(rows []CaseRow, f CaseFilter, cal *Calendar, now time.Time) ([]CaseRow, FilterCounts) {
	fc := FilterCounts{Status: map[string]int{}, Sector: map[string]int{}, Kind: map[string]int{}}
	var due time.Time
	if f.DueWithin > 0 && cal != nil {
		due = cal.AddWorkingDays(now, f.DueWithin)
	}
	from, to := dayStart(f.From), dayStart(f.To)
	var out []CaseRow
	for i := range rows {
		r := &rows[i]
		m := matches{
			status:     f.Status == "" || r.Status == f.Status,
			sector:     f.Sector == "" || r.Sector == f.Sector,
			kind:       f.Kind == "" || r.Kind == f.Kind,
			overdue:    !f.Overdue || r.Overdue(),
			due:        due.IsZero() || r.dueBy(due),
			vulnerable: !f.Vulnerable || r.IsVulnerable(),
			online:     !f.OnlineNew || NewFromOnlineIntake(&r.Case),
			period:     inPeriod(r.ReceivedAt, from, to),
		}
		if m.all() {
			out = append(out, *r)
			fc.All++
		}
		if m.allBut(&m.status) {
			fc.Status[r.Status]++
		}
		if m.allBut(&m.sector) {
			fc.Sector[r.Sector]++
		}
		if m.allBut(&m.kind) {
			fc.Kind[r.Kind]++
		}
		if m.allBut(&m.overdue) && r.Overdue() {
			fc.Overdue++
		}
		if m.allBut(&m.due) && !due.IsZero() && r.dueBy(due) {
			fc.Due++
		}
		if m.allBut(&m.vulnerable) && r.IsVulnerable() {
			fc.Vulnerable++
		}
		if m.allBut(&m.online) && NewFromOnlineIntake(&r.Case) {
			fc.OnlineNew++
		}
	}
	return out, fc
}

// matches holds whether a row passes each filter.
type matches struct {
	status, sector, kind, overdue, due, vulnerable, online, period bool
}

func (m *matches) all() bool {
	return m.status && m.sector && m.kind && m.overdue && m.due && m.vulnerable && m.online && m.period
}

// allBut reports whether the row passes every filter except the one at
// skip.
func (m *matches) allBut(skip *bool) bool {
	saved := *skip
	*skip = true
	ok := m.all()
	*skip = saved
	return ok
}

// dueBy reports whether a deadline not yet passed falls on or before day.
func (r *CaseRow) dueBy(day time.Time) bool {
	for _, d := range r.Deadlines {
		if !d.Overdue && !d.Due.After(day) {
			return true
		}
	}
	return false
}

func dayStart(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return dateOf(t).time()
}

func inPeriod(t, from, to time.Time) bool {
	d := dateOf(t).time()
	return (from.IsZero() || !d.Before(from)) && (to.IsZero() || !d.After(to))
}

// SortByDue orders rows as SortDue says; the sort is stable.
func SortByDue(rows []CaseRow) {
	key := func(r *CaseRow) (rank int, due time.Time) {
		d, ok := r.Next()
		switch {
		case !ok:
			return 2, time.Time{}
		case r.Overdue():
			return 0, d.Due
		}
		return 1, d.Due
	}
	sort.SliceStable(rows, func(i, j int) bool {
		ri, di := key(&rows[i])
		rj, dj := key(&rows[j])
		if ri != rj {
			return ri < rj
		}
		if !di.Equal(dj) {
			return di.Before(dj)
		}
		return rows[i].IsVulnerable() && !rows[j].IsVulnerable()
	})
}
