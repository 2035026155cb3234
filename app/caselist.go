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
	fl := NewFiltering(f, cal, now)
	var out []CaseRow
	for i := range rows {
		r := &rows[i]
		if fl.Add(r.Status, r.Sector, r.Kind, r.Deadlines, r.IsVulnerable(), NewFromOnlineIntake(&r.Case), r.ReceivedAt) {
			out = append(out, *r)
		}
	}
	return out, fl.Counts
}

// Filtering applies a CaseFilter to rows one at a time, counting each
// choice as it goes (FilterRows; the store's paged list, which holds only
// what the filters read of each case).
type Filtering struct {
	f             CaseFilter
	due, from, to time.Time
	Counts        FilterCounts
}

// NewFiltering starts filtering with f. cal counts the working days of
// DueWithin; now is today.
func NewFiltering(f CaseFilter, cal *Calendar, now time.Time) *Filtering {
	fl := &Filtering{f: f, Counts: FilterCounts{Status: map[string]int{}, Sector: map[string]int{}, Kind: map[string]int{}}}
	if f.DueWithin > 0 && cal != nil {
		fl.due = cal.AddWorkingDays(now, f.DueWithin)
	}
	fl.from, fl.to = dayStart(f.From), dayStart(f.To)
	return fl
}

// Add counts a row (a case's status, sector, kind, running deadlines,
// whether its consumer is vulnerable, whether it is new from the online
// intake, and when it was received) and reports whether it passes every
// filter.
func (fl *Filtering) Add(status, sector, kind string, deadlines []Deadline, vulnerable, onlineNew bool, received time.Time) bool {
	r := CaseRow{Deadlines: deadlines}
	dueBy := !fl.due.IsZero() && r.dueBy(fl.due)
	period := (fl.from.IsZero() && fl.to.IsZero()) || inPeriod(received, fl.from, fl.to)
	return fl.AddFlags(status, sector, kind, r.Overdue(), dueBy, vulnerable, onlineNew, period, 1)
}

// DueBy is the last day of DueWithin (zero when off): a row is due by it
// when a deadline not yet passed falls on or before it.
func (fl *Filtering) DueBy() time.Time { return fl.due }

// Period returns the first and last days received of the filter (Vietnam
// midnights; zero leaves that end open).
func (fl *Filtering) Period() (from, to time.Time) { return fl.from, fl.to }

// AddFlags counts n rows of the same status, sector and kind with the
// same flags: a passed deadline, one due by DueBy, a vulnerable consumer,
// new from the online intake, received within Period (true when the
// filter has no period). It reports whether they pass every filter.
func (fl *Filtering) AddFlags(status, sector, kind string, overdue, dueBy, vulnerable, onlineNew, period bool, n int) bool {
	f, fc := &fl.f, &fl.Counts
	m := matches{
		status:     f.Status == "" || status == f.Status,
		sector:     f.Sector == "" || sector == f.Sector,
		kind:       f.Kind == "" || kind == f.Kind,
		overdue:    !f.Overdue || overdue,
		due:        fl.due.IsZero() || dueBy,
		vulnerable: !f.Vulnerable || vulnerable,
		online:     !f.OnlineNew || onlineNew,
		period:     period,
	}
	all := m.all()
	if all {
		fc.All += n
	}
	if m.allBut(&m.status) {
		fc.Status[status] += n
	}
	if m.allBut(&m.sector) {
		fc.Sector[sector] += n
	}
	if m.allBut(&m.kind) {
		fc.Kind[kind] += n
	}
	if overdue && m.allBut(&m.overdue) {
		fc.Overdue += n
	}
	if dueBy && m.allBut(&m.due) {
		fc.Due += n
	}
	if vulnerable && m.allBut(&m.vulnerable) {
		fc.Vulnerable += n
	}
	if onlineNew && m.allBut(&m.online) {
		fc.OnlineNew += n
	}
	return all
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

// FinalStatus reports whether a case of status is finished: it has no
// running deadline (Deadlines).
func FinalStatus(status string) bool { return finalStatuses[status] }

// CasePage is a page of a filtered case list (the store's CasePage): the
// rows from Offset on, and what the list shows beside them.
type CasePage struct {
	Offset int
	Rows   []CaseRow
	// Total is how many cases pass the query and the filter; All how many
	// pass the query alone (the count "N / All (đang lọc)").
	Total, All int
	// Counts are the counts of each choice of the filter bar.
	Counts FilterCounts
	// Calendar is the calendar deadlines are counted on (nil without
	// reference data).
	Calendar *Calendar
}
